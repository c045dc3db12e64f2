import { readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { presetSchema } from '../options/preset.js';
import { CLI, listFiles, ROOT, tmpFolder } from '../../test/helpers.js';

describe('mlexp preset', () => {
  it('scaffolds a preset whose own test command renders a project with it and passes', async () => {
    const cwd = tmpFolder();
    const scaffold = await execa('node', [CLI, 'preset', '@team/mlexp-preset'], { cwd, stdin: 'ignore', all: true });
    expect(scaffold.all).toMatch(/Created the preset @team\/mlexp-preset/);
    const root = path.join(cwd, 'mlexp-preset');
    expect(listFiles(root)).toEqual([
      'README.md',
      'mlexp-preset.json',
      'package.json',
      'templates/app/docs/team-conventions.md',
      'templates/app/dot-env.example',
      'test/check.mjs',
    ]);
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({ name: '@team/mlexp-preset', scripts: { test: 'node test/check.mjs' } });
    // `npm test`, with the generator under test instead of an installed devDependency
    const check = await execa('npm', ['test', '--silent'], { cwd: root, env: { MLEXP_CLI: CLI }, stdin: 'ignore', all: true });
    expect(check.all).toMatch(/preset check: 2 files and \d+ answers as the preset says/);
  });

  it('refuses a name npm would refuse', async () => {
    const cwd = tmpFolder();
    const result = await execa('node', [CLI, 'preset', 'Team Preset'], { cwd, reject: false, stdin: 'ignore' });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr.trim()).toMatch(/^error: 'Team Preset' is not a valid npm package name: /);
    expect(listFiles(cwd)).toEqual([]);
  });

  it('the published schema matches the option model (run `npm run docs` to refresh it)', () => {
    const published = JSON.parse(readFileSync(path.join(ROOT, 'schema', 'mlexp-preset.schema.json'), 'utf8'));
    expect(published).toEqual(presetSchema());
  });

  it.each([
    ['an empty spec', ['--preset', ''], /^error: --preset is empty: give a package name, name@version, tarball or folder$/],
    ['a spec that reads as an npm option', ['--preset=--version'], /^error: invalid --preset '--version': a preset spec cannot start with '-'$/],
  ])('refuses %s before asking npm, and writes nothing', async (_name, flags, message) => {
    const cwd = tmpFolder();
    const result = await execa('node', [CLI, 'demo', '--yes', '--skip-install', '--skip-git', ...flags], { cwd, reject: false, stdin: 'ignore' });
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim()).toMatch(message);
    expect(listFiles(cwd)).toEqual([]);
  });
});
