/**
 * Nothing is written outside the project or into `.git/`: a symlink leading out is refused, not
 * written through, and a preset cannot plant git hooks or replace the project's answers. Each case
 * ends with one `error:` line, a non-zero exit, and the files outside untouched.
 */
import { mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CLI, listFiles, tmpFolder } from './helpers.js';

function mlexp(args: string[], cwd: string) {
  return execa('node', [CLI, ...args], { cwd, reject: false, stdin: 'ignore', env: { NO_COLOR: '1' } });
}

async function project(): Promise<string> {
  const cwd = tmpFolder();
  const result = await mlexp(['proj', '--yes', '--skip-install', '--skip-git', '--python', '3.11'], cwd);
  expect(result.exitCode, result.stderr).toBe(0);
  return path.join(cwd, 'proj');
}

function snapshot(root: string): Record<string, string> {
  return Object.fromEntries(listFiles(root).map((file) => [file, readFileSync(path.join(root, file), 'utf8')]));
}

describe('writes stay inside the project', () => {
  it('a --force re-run does not write through a symlinked README.md to a file outside', async () => {
    const root = await project();
    const outside = path.join(tmpFolder('mlexp-outside-'), 'notes.md');
    writeFileSync(outside, 'my notes elsewhere\n');
    rmSync(path.join(root, 'README.md'));
    symlinkSync(outside, path.join(root, 'README.md'));
    writeFileSync(path.join(root, 'configs', 'experiment.yaml'), '# edited\n');
    const result = await mlexp(['--yes', '--force', '--skip-install', '--skip-git'], root);
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim()).toMatch(/^error: refusing to write README\.md: it is a symbolic link .* leads out of the project, to .*notes\.md$/);
    expect(readFileSync(outside, 'utf8')).toBe('my notes elsewhere\n');
    // all or nothing: the edited config was not overwritten either
    expect(readFileSync(path.join(root, 'configs', 'experiment.yaml'), 'utf8')).toBe('# edited\n');
  });

  it.each([
    ['requirements.txt', ['dataset', 'sales', '--source', 'parquet']],
    ['configs', ['model', 'gradient_boost']],
  ])('a sub-generator does not write through a symlinked %s', async (linked, args) => {
    const root = await project();
    const outside = tmpFolder('mlexp-outside-');
    const source = path.join(root, linked);
    const target = path.join(outside, linked);
    if (linked === 'configs') {
      mkdirSync(target);
      writeFileSync(path.join(target, 'experiment.yaml'), readFileSync(path.join(source, 'experiment.yaml')));
    } else {
      writeFileSync(target, readFileSync(source));
    }
    rmSync(source, { recursive: true });
    symlinkSync(target, source);
    const before = snapshot(outside);
    const inside = snapshot(path.join(root, 'src'));
    const result = await mlexp(args, root);
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(new RegExp(`^error: refusing to write ${linked}/?\\S*: it is a symbolic link`));
    expect(snapshot(outside)).toEqual(before);
    expect(snapshot(path.join(root, 'src'))).toEqual(inside);
  });

  it('a dangling symlink in the way is one line, not a stack trace', async () => {
    const root = await project();
    rmSync(path.join(root, 'README.md'));
    symlinkSync(path.join(root, 'nowhere', 'README.md'), path.join(root, 'README.md'));
    const result = await mlexp(['--yes', '--force', '--skip-install', '--skip-git'], root);
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim()).toMatch(/^error: .*README\.md is a symbolic link to nothing: remove it or point it inside the project/);
  });

  it('a symlink loop in the way is named as a loop, in one line', async () => {
    const root = await project();
    rmSync(path.join(root, 'README.md'));
    symlinkSync(path.join(root, 'LOOP.md'), path.join(root, 'README.md'));
    symlinkSync(path.join(root, 'README.md'), path.join(root, 'LOOP.md'));
    const before = snapshot(path.join(root, 'src'));
    const result = await mlexp(['--yes', '--force', '--skip-install', '--skip-git'], root);
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim()).toMatch(/^error: .*README\.md is a symbolic link that leads back to itself \(a loop\): remove it/);
    expect(snapshot(path.join(root, 'src'))).toEqual(before);
    expect(readlinkSync(path.join(root, 'README.md'))).toBe(path.join(root, 'LOOP.md'));
  });
});

describe('a preset cannot write into .git/ or replace .yo-rc.json', () => {
  it.each([['dot-git/hooks/post-commit', '.git/hooks/post-commit'], ['dot-yo-rc.json', '.yo-rc.json']])(
    'a template at %s is refused before anything is written',
    async (template, target) => {
      const presets = tmpFolder('mlexp-presets-');
      const scaffold = await mlexp(['preset', 'evil-preset'], presets);
      expect(scaffold.exitCode, scaffold.stderr).toBe(0);
      const file = path.join(presets, 'evil-preset', 'templates', 'app', template);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, '#!/bin/sh\ntouch /tmp/pwned\n');
      const cwd = tmpFolder();
      const result = await mlexp(['demo', '--yes', '--skip-install', '--preset', path.join(presets, 'evil-preset')], cwd);
      expect(result.exitCode).toBe(1);
      expect(result.stderr.trim()).toBe(
        `error: preset evil-preset: templates/app/${template} would write ${target}, which no preset may write (git's folder, the project's answers): remove it from the preset`,
      );
      expect(listFiles(cwd)).toEqual([]);
    },
  );
});

describe('runs on the same project are serialised', () => {
  it('two sub-generators at once both land, and both block records are kept', async () => {
    const root = await project();
    const [first, second] = await Promise.all([mlexp(['dataset', 'sales'], root), mlexp(['model', 'gradient_boost'], root)]);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(second.exitCode, second.stderr).toBe(0);
    const blocks = JSON.parse(readFileSync(path.join(root, '.yo-rc.json'), 'utf8'))['generator-mlexp'].blocks;
    expect(Object.keys(blocks.datasets ?? {})).toContain('sales');
    expect(Object.keys(blocks.models ?? {})).toContain('gradient_boost');
    expect(listFiles(root)).not.toContain('.mlexp.lock');
  });

  it('two generations into one folder at once leave the tree one generation writes', async () => {
    const cwd = tmpFolder();
    const args = ['demo', '--yes', '--skip-install', '--skip-git', '--python', '3.11'];
    const runs = await Promise.all([mlexp(args, cwd), mlexp(args, cwd)]);
    for (const run of runs) expect(run.exitCode, run.stderr).toBe(0);
    const clean = tmpFolder();
    expect((await mlexp(args, clean)).exitCode).toBe(0);
    expect(snapshot(path.join(cwd, 'demo'))).toEqual(snapshot(path.join(clean, 'demo')));
  });
});

describe('all or nothing', () => {
  it('a re-run with changed answers over an edited file stops with --bail, .yo-rc.json untouched', async () => {
    const root = await project();
    const answers = readFileSync(path.join(root, '.yo-rc.json'), 'utf8');
    writeFileSync(path.join(root, 'README.md'), 'my own readme\n');
    const before = snapshot(root);
    const result = await mlexp(['--yes', '--skip-install', '--skip-git', '--tracker', 'none', '--bail'], root);
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim()).toMatch(/^error: \d+ file\(s\) conflict with what mlexp writes \(.*README\.md.*\): --bail stops before writing anything; nothing was written/);
    expect(readFileSync(path.join(root, '.yo-rc.json'), 'utf8')).toBe(answers);
    expect(snapshot(root)).toEqual(before);
  });

  it('a sub-generator meeting an edited file with no terminal is one line naming it, and writes nothing', async () => {
    const root = await project();
    expect((await mlexp(['model', 'gradient_boost'], root)).exitCode).toBe(0);
    writeFileSync(path.join(root, 'src/proj/models/gradient_boost.py'), '# mine\n');
    rmSync(path.join(root, 'configs', 'gradient_boost.yaml'));
    const before = snapshot(root);
    const result = await mlexp(['model', 'gradient_boost'], root);
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim()).toMatch(/^error: 1 file\(s\) conflict with what mlexp writes \(src\/proj\/models\/gradient_boost\.py\): there is no terminal to ask about each; nothing was written/);
    expect(snapshot(root)).toEqual(before);
  });
});

describe('a preset is the exact artifact, every time', () => {
  /** A scaffolded preset folder named `name`, with one app template saying `marker`. */
  async function presetFolder(parent: string, name: string, marker: string): Promise<string> {
    expect((await mlexp(['preset', name], parent)).exitCode).toBe(0);
    const root = path.join(parent, name.split('/').at(-1)!);
    writeFileSync(path.join(root, 'templates', 'app', 'docs', 'team-conventions.md'), `${marker}\n`);
    return root;
  }

  it('a tarball preset is recorded by path and integrity; a changed tarball is refused in one line', async () => {
    const parent = tmpFolder('mlexp-presets-');
    const folder = await presetFolder(parent, 'team-preset', 'first');
    const pack = await execa('npm', ['pack', '--json', '--pack-destination', parent], { cwd: folder });
    const tarball = path.join(parent, JSON.parse(pack.stdout)[0].filename);
    // TMPDIR of its own: every unpacked copy must be gone when the run ends
    const temp = tmpFolder('mlexp-tmp-');
    const env = { NO_COLOR: '1', TMPDIR: temp };
    const cwd = tmpFolder();
    const made = await execa('node', [CLI, 'proj', '--yes', '--skip-install', '--skip-git', '--preset', tarball], { cwd, env, reject: false, stdin: 'ignore' });
    expect(made.exitCode, made.stderr).toBe(0);
    const root = path.join(cwd, 'proj');
    const recorded = JSON.parse(readFileSync(path.join(root, '.yo-rc.json'), 'utf8'))['generator-mlexp'].preset;
    expect(recorded).toMatchObject({ name: 'team-preset', version: '0.1.0', source: { type: 'tarball', path: tarball } });
    expect(recorded.integrity).toMatch(/^sha512-/);
    expect(readdirSync(temp).filter((entry) => entry.startsWith('mlexp-preset-'))).toEqual([]);

    writeFileSync(path.join(folder, 'templates', 'app', 'docs', 'team-conventions.md'), 'second\n');
    await execa('npm', ['pack', '--pack-destination', parent], { cwd: folder });
    const before = snapshot(root);
    const grown = await execa('node', [CLI, 'dataset', 'sales'], { cwd: root, env, reject: false, stdin: 'ignore' });
    expect(grown.exitCode).toBe(1);
    expect(grown.stderr.trim()).toMatch(/^error: preset team-preset@0\.1\.0 from .*team-preset-0\.1\.0\.tgz is not the package this project recorded \(integrity .*\): check where it came from before using it$/);
    expect(snapshot(root)).toEqual(before);
  });

  it('a folder preset is used from that folder later, and its relative extends is resolved from it', async () => {
    const parent = tmpFolder('mlexp-presets-');
    const base = await presetFolder(parent, 'base-preset', 'from the base');
    const top = await presetFolder(parent, 'top-preset', 'from the top');
    rmSync(path.join(top, 'templates', 'app', 'docs', 'team-conventions.md'));
    const manifest = path.join(top, 'mlexp-preset.json');
    writeFileSync(manifest, JSON.stringify({ ...JSON.parse(readFileSync(manifest, 'utf8')), extends: '../base-preset' }, null, 2));
    // run from elsewhere: `../base-preset` means the preset's sibling, not this folder's
    const cwd = tmpFolder();
    const made = await mlexp(['proj', '--yes', '--skip-install', '--skip-git', '--preset', top], cwd);
    expect(made.exitCode, made.stderr).toBe(0);
    const root = path.join(cwd, 'proj');
    expect(readFileSync(path.join(root, 'docs', 'team-conventions.md'), 'utf8')).toBe('from the base\n');
    const recorded = JSON.parse(readFileSync(path.join(root, '.yo-rc.json'), 'utf8'))['generator-mlexp'].preset;
    expect(recorded.source).toEqual({ type: 'folder', path: top });
    expect(base).not.toBe(top);
    // the folder is gone: the recorded preset is not looked up anywhere else
    rmSync(top, { recursive: true });
    const grown = await mlexp(['dataset', 'sales'], root);
    expect(grown.exitCode).toBe(1);
    expect(grown.stderr.trim()).toBe(`error: preset top-preset was recorded at ${top}, which is gone: restore it there, or re-run with --preset <where it is now>`);
  });
});
