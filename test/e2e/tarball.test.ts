/**
 * The packed tarball (`npm pack`), installed as users install it, in the layouts that hide an
 * undeclared dependency: by npm with `--install-strategy=nested` (each package sees only its own
 * node_modules) and by pnpm with `hoist=false` (only declared dependencies are linked, and nothing
 * lands in node_modules/.pnpm/node_modules). With each: `mlexp --version`, a preset scaffolded by
 * `mlexp preset`, a project generated with it, a block added by a sub-generator, and an upgrade
 * that changes an answer; and, for npm's global install, `yo mlexp --help` finds the generator.
 * No Python install (`--skip-install`): this is about the Node side.
 *
 * pnpm is pinned and installed by .ci/run (MLEXP_PNPM). Package caches: npm's is
 * $npm_config_cache (.ci/run sets it under MLEXP_CACHE), pnpm's store is $MLEXP_CACHE/pnpm-store.
 */
import { chmodSync, existsSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tmpFolder } from '../helpers.js';
import { projectEnv } from './project.js';
// @ts-expect-error: plain JavaScript build script, no declarations
import { DEFERRED } from '../../scripts/bundle/plugins.mjs';

const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const DEPENDENCIES = Object.keys((JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: object }).dependencies);
const CACHE = process.env.MLEXP_CACHE;
/** npm and pnpm read their settings from the environment: no user or project .npmrc leaks in. */
const INSTALL_ENV = {
  ...(process.env.npm_config_cache || CACHE ? { npm_config_cache: process.env.npm_config_cache ?? path.join(CACHE!, 'npm') } : {}),
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
};

let tarball: string;

beforeAll(async () => {
  if (!existsSync(path.join(ROOT, 'generators', 'cli.js'))) throw new Error('generators/ is not built: run `npm run build` first');
  const folder = tmpFolder('mlexp-tarball-');
  const packed = await execa('npm', ['pack', '--json', '--pack-destination', folder], { cwd: ROOT, env: INSTALL_ENV });
  const [entry] = JSON.parse(packed.stdout) as Array<{ filename: string }>;
  tarball = path.join(folder, entry!.filename);
});

/** Run the installed `mlexp` bin with `args` in `cwd`; fail with its output unless it exits 0. */
async function mlexp(bin: string, args: string[], cwd: string, sandbox: string): Promise<string> {
  const result = await execa(bin, args, {
    cwd,
    reject: false,
    all: true,
    stdin: 'ignore',
    env: projectEnv({ GIT_CEILING_DIRECTORIES: sandbox }),
  });
  expect(result.exitCode, `mlexp ${args.join(' ')}:\n${result.all}`).toBe(0);
  return String(result.all);
}

/**
 * The flow every installed copy must run: preset, generation with it, a block, an upgrade. First,
 * the packages that the bundle loads from node_modules only on first use (which this flow never
 * reaches) resolve from the installed bundle's folder, as their stand-ins resolve them.
 */
async function presetBlockUpgrade(bin: string, installed: string, sandbox: string): Promise<void> {
  const fromBundle = createRequire(path.join(realpathSync(installed), 'generators', 'chunks', 'any.js'));
  for (const [name, { bundled }] of DEFERRED as Map<string, { bundled: boolean }>) {
    if (!bundled) expect(fromBundle.resolve(name), name).toContain(`${path.sep}node_modules${path.sep}`);
  }
  expect((await mlexp(bin, ['--version'], sandbox, sandbox)).trim()).toBe(VERSION);

  await mlexp(bin, ['preset', '@team/mlexp-preset'], sandbox, sandbox);
  const preset = path.join(sandbox, 'mlexp-preset');
  const manifestFile = path.join(preset, 'mlexp-preset.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(manifestFile, JSON.stringify({ ...manifest, defaults: { structure: 'generic', ci: 'none' }, locked: { tracker: 'none' } }, null, 2));

  await mlexp(bin, ['churn', '--yes', '--skip-install', '--python', '3.11', '--preset', preset], sandbox, sandbox);
  const project = path.join(sandbox, 'churn');
  const stored = () => (JSON.parse(readFileSync(path.join(project, '.yo-rc.json'), 'utf8')) as Record<string, Record<string, unknown>>)['generator-mlexp']!;
  expect(stored()).toMatchObject({ structure: 'generic', ci: 'none', tracker: 'none', license: 'none', preset: { name: '@team/mlexp-preset' } });
  expect(existsSync(path.join(project, 'docs', 'team-conventions.md')), "the preset's own template").toBe(true);
  expect(existsSync(path.join(project, 'LICENSE'))).toBe(false);

  await mlexp(bin, ['dataset', 'customer_churn'], path.join(project, 'src'), sandbox);
  const block = path.join(project, 'src', 'churn', 'datasets', 'customer_churn.py');
  expect(readFileSync(block, 'utf8')).toContain('class CustomerChurn');
  const git = (args: string[]) => execa('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd: project });
  await git(['add', '-A']);
  await git(['commit', '-qm', 'Add the customer_churn dataset']);

  const upgrade = await mlexp(bin, ['upgrade', '--license', 'MIT'], project, sandbox);
  expect(upgrade).toMatch(/Upgrade summary:/);
  expect(readFileSync(path.join(project, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
  expect(stored()).toMatchObject({ license: 'MIT', tracker: 'none', structure: 'generic' });
  expect(existsSync(block), 'the block added before the upgrade stays').toBe(true);
  expect((await git(['status', '--porcelain'])).stdout).toBe('');
  expect((await git(['log', '--format=%s', '-1'])).stdout).toMatch(/mlexp/i);
}

describe('the packed tarball, installed', () => {
  it('by npm with --install-strategy=nested: preset, block, upgrade', async () => {
    const sandbox = tmpFolder('mlexp-npm-nested-');
    const prefix = path.join(sandbox, 'prefix');
    const install = await execa(
      'npm',
      ['install', '--global', '--prefix', prefix, '--install-strategy=nested', '--omit=dev', '--prefer-offline', tarball],
      { env: INSTALL_ENV, reject: false, all: true },
    );
    expect(install.exitCode, String(install.all)).toBe(0);
    // nested: the package's dependencies sit inside it, and nothing else beside it
    const installed = path.join(prefix, 'lib', 'node_modules');
    expect(readdirSync(installed)).toEqual(['generator-mlexp']);
    for (const name of DEPENDENCIES) expect(existsSync(path.join(installed, 'generator-mlexp', 'node_modules', name, 'package.json')), name).toBe(true);
    await presetBlockUpgrade(path.join(prefix, 'bin', 'mlexp'), path.join(installed, 'generator-mlexp'), sandbox);

    // `yo` finds the globally installed generator (README, "Using it through yo"). As root it drops
    // privileges, so its folder and HOME must be writable by anyone, and the prefix readable.
    const open = tmpFolder('mlexp-yo-');
    chmodSync(open, 0o777);
    chmodSync(sandbox, 0o755);
    const yo = await execa(path.join(ROOT, 'node_modules', '.bin', 'yo'), ['mlexp', '--help'], {
      cwd: open,
      reject: false,
      all: true,
      stdin: 'ignore',
      env: { HOME: open, npm_config_prefix: prefix, NO_UPDATE_NOTIFIER: '1' },
    });
    expect(yo.exitCode, String(yo.all)).toBe(0);
    expect(yo.stdout).toContain('yo mlexp:dataset');
  });

  it('by pnpm with hoist=false: preset, block, upgrade', async () => {
    const pnpm = process.env.MLEXP_PNPM;
    if (!pnpm || !existsSync(pnpm)) throw new Error('MLEXP_PNPM must name a pnpm binary (.ci/run installs one into .cache/pnpm)');
    const sandbox = tmpFolder('mlexp-pnpm-');
    const folder = path.join(sandbox, 'tools');
    await execa('mkdir', ['-p', folder]);
    writeFileSync(path.join(folder, 'package.json'), '{ "name": "mlexp-tools", "private": true }\n');
    const store = CACHE ? ['--store-dir', path.join(CACHE, 'pnpm-store'), '--cache-dir', path.join(CACHE, 'pnpm-cache')] : [];
    const install = await execa(pnpm, ['add', '--config.hoist=false', '--prefer-offline', ...store, tarball], {
      cwd: folder,
      env: INSTALL_ENV,
      reject: false,
      all: true,
    });
    expect(install.exitCode, String(install.all)).toBe(0);
    // hoist=false: no hidden folder of hoisted packages that an undeclared load could fall back on
    expect(existsSync(path.join(folder, 'node_modules', '.pnpm', 'node_modules'))).toBe(false);
    const linked = readdirSync(path.join(folder, 'node_modules', '.pnpm')).find((name) => name.startsWith('generator-mlexp@'));
    expect(linked, 'generator-mlexp in the virtual store').toBeDefined();
    const own = path.join(folder, 'node_modules', '.pnpm', linked!, 'node_modules');
    const visible = readdirSync(own).flatMap((name) => (name.startsWith('@') ? readdirSync(path.join(own, name)).map((inner) => `${name}/${inner}`) : [name]));
    expect(visible.sort(), 'what generator-mlexp can load: itself and its declared dependencies').toEqual(['generator-mlexp', ...DEPENDENCIES].sort());
    await presetBlockUpgrade(path.join(folder, 'node_modules', '.bin', 'mlexp'), path.join(own, 'generator-mlexp'), sandbox);
  });
});
