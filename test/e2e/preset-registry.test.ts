/**
 * Team presets through a real npm registry: Verdaccio on 127.0.0.1 (installed by .ci/run, path in
 * MLEXP_VERDACCIO), presets published with `npm publish`, a project generated with
 * `--preset @team/mlexp-preset` (which extends `@team/base-preset`), installed with uv and tested.
 */
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { parse as parseToml } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, freePort, listFiles, tmpFolder } from '../helpers.js';
import { projectEnv, runInProject, type Generated } from './project.js';

let server: ResultPromise | undefined;
let env: Record<string, string>;
let registry: string;


const mlexp = (args: string[], cwd: string, extra: Record<string, string> = {}) =>
  execa('node', [CLI, ...args], { cwd, reject: false, stdin: 'ignore', all: true, env: { ...env, ...projectEnv(), ...extra } });

/** Scaffold a preset with `mlexp preset`, let `change` edit it, publish it to the test registry. */
async function publishPreset(name: string, change: (root: string) => void): Promise<string> {
  const parent = tmpFolder('mlexp-preset-src-');
  const scaffold = await mlexp(['preset', name], parent);
  expect(scaffold.exitCode, scaffold.all).toBe(0);
  const root = path.join(parent, name.split('/').at(-1)!);
  change(root);
  const published = await execa('npm', ['publish', '--registry', registry], { cwd: root, env, reject: false, all: true });
  expect(published.exitCode, published.all).toBe(0);
  return root;
}

function editJson(file: string, edit: (data: Record<string, unknown>) => void): void {
  const data = JSON.parse(readFileSync(file, 'utf8'));
  edit(data);
  writeFileSync(file, JSON.stringify(data, null, 2));
}

beforeAll(async () => {
  const verdaccio = process.env.MLEXP_VERDACCIO;
  if (!verdaccio || !existsSync(verdaccio)) {
    throw new Error('MLEXP_VERDACCIO must name a verdaccio binary (.ci/run installs one into .cache/verdaccio)');
  }
  const home = tmpFolder('mlexp-registry-');
  const port = await freePort();
  registry = `http://127.0.0.1:${port}/`;
  writeFileSync(
    path.join(home, 'config.yaml'),
    [
      'storage: ./storage',
      'auth:',
      '  htpasswd:',
      '    file: ./htpasswd',
      'uplinks: {}',
      'packages:',
      "  '**':",
      '    access: $all',
      '    publish: $authenticated',
      'log: { type: stdout, format: pretty, level: warn }',
      '',
    ].join('\n'),
  );
  server = execa(verdaccio, ['--config', path.join(home, 'config.yaml'), '--listen', `127.0.0.1:${port}`], { cwd: home, reject: false, all: true });
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${registry}-/ping`)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`verdaccio did not start: ${String(server.all)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const user = await fetch(`${registry}-/user/org.couchdb.user:ci`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'ci', password: 'ci-password-123' }),
  });
  const { token } = (await user.json()) as { token: string };
  const npmrc = path.join(home, '.npmrc');
  writeFileSync(npmrc, `@team:registry=${registry}\n//127.0.0.1:${port}/:_authToken=${token}\n`);
  env = { npm_config_userconfig: npmrc, npm_config_cache: path.join(home, 'npm-cache'), NO_UPDATE_NOTIFIER: '1' };

  await publishPreset('@team/base-preset', (root) => {
    editJson(path.join(root, 'mlexp-preset.json'), (manifest) => {
      manifest.defaults = { ci: 'azure-pipelines', structure: 'generic', license: 'MIT' };
      manifest.locked = { tracker: 'mlflow' };
      manifest.dependencies = [{ name: 'tabulate', range: '>=0.9,<1', group: 'runtime', imports: ['tabulate'], conda: 'tabulate' }];
    });
  });
  await publishPreset('@team/mlexp-preset', (root) => {
    editJson(path.join(root, 'mlexp-preset.json'), (manifest) => {
      manifest.extends = '@team/base-preset@^0.1.0';
      manifest.defaults = { envTool: 'uv' };
      manifest.locked = {};
      manifest.dependencies = [];
    });
    // an addition for the sub-generators: a data card next to every new dataset
    mkdirSync(path.join(root, 'templates/dataset/docs/datasets'), { recursive: true });
    writeFileSync(path.join(root, 'templates/dataset/docs/datasets/__block__.md'), '# Data card: <%- name %>\n\nOwner: the data team.\n');
  });
});

afterAll(async () => {
  server?.kill('SIGTERM');
  await server;
});

describe('a preset from the registry', () => {
  let project: Generated;

  it('shapes the project: files, answers, dependencies, and the record in .yo-rc.json', async () => {
    const cwd = tmpFolder('mlexp-e2e-');
    const result = await mlexp(['team-proj', '--yes', '--python', '3.11', '--preset', '@team/mlexp-preset'], cwd);
    expect(result.exitCode, result.all).toBe(0);
    const root = path.join(cwd, 'team-proj');
    project = { root, packageName: 'team_proj', envTool: 'uv' };
    const stored = JSON.parse(readFileSync(path.join(root, '.yo-rc.json'), 'utf8'))['generator-mlexp'];
    expect(stored).toMatchObject({
      preset: {
        name: '@team/mlexp-preset',
        version: '0.1.0',
        source: { type: 'registry', spec: '@team/mlexp-preset@0.1.0' },
        // what it extends (by the range ^0.1.0) is pinned too
        chain: [{ name: '@team/base-preset', version: '0.1.0', source: { type: 'registry', spec: '@team/base-preset@0.1.0' } }],
      },
      tracker: 'mlflow', // locked by the base preset
      ci: 'azure-pipelines', // the base preset's default
      structure: 'generic',
      license: 'MIT',
      envTool: 'uv', // the extending preset's default
    });
    const files = listFiles(root);
    expect(files).toContain('docs/team-conventions.md'); // an addition
    expect(readFileSync(path.join(root, '.env.example'), 'utf8')).toContain('Added by the @team/'); // an override
    expect(readFileSync(path.join(root, 'docs/team-conventions.md'), 'utf8')).toContain('team-proj follows');
    expect(files).toContain('azure-pipelines.yml');
    const pyproject = parseToml(readFileSync(path.join(root, 'pyproject.toml'), 'utf8')) as { project: { dependencies: string[] } };
    expect(pyproject.project.dependencies).toContain('tabulate>=0.9,<1');
  });

  it('a folder preset with the name of a registry package is never swapped for that package later', async () => {
    const parent = tmpFolder('mlexp-preset-src-');
    expect((await mlexp(['preset', '@team/mlexp-preset'], parent)).exitCode).toBe(0);
    const folder = path.join(parent, 'mlexp-preset');
    const cwd = tmpFolder();
    const made = await mlexp(['local-proj', '--yes', '--skip-install', '--skip-git', '--preset', folder], cwd);
    expect(made.exitCode, made.all).toBe(0);
    const root = path.join(cwd, 'local-proj');
    // the registry's @team/mlexp-preset adds a data card to every dataset; the folder's does not
    const grown = await mlexp(['dataset', 'customer_churn'], root);
    expect(grown.exitCode, grown.all).toBe(0);
    expect(existsSync(path.join(root, 'docs/datasets/customer_churn.md'))).toBe(false);
    expect(JSON.parse(readFileSync(path.join(root, '.yo-rc.json'), 'utf8'))['generator-mlexp'].preset.source).toEqual({ type: 'folder', path: folder });
  });

  it('refuses a locked answer given with another value, writing nothing', async () => {
    const cwd = tmpFolder();
    const result = await mlexp(['other', '--yes', '--skip-install', '--preset', '@team/mlexp-preset', '--tracker', 'wandb'], cwd);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr.trim()).toBe(
      "error: --tracker is locked to 'mlflow' by preset @team/mlexp-preset@0.1.0: leave --tracker out or use another preset",
    );
    expect(listFiles(cwd)).toEqual([]);
  });

  it('is honoured by a later sub-generator run, and the project passes its tests', async () => {
    const result = await mlexp(['dataset', 'customer_churn'], project.root);
    expect(result.exitCode, result.all).toBe(0);
    expect(readFileSync(path.join(project.root, 'docs/datasets/customer_churn.md'), 'utf8')).toContain('# Data card: customer_churn');
    const tests = await runInProject(project, 'pytest', ['-q', '-p', 'no:cacheprovider']);
    expect(tests.output).toMatch(/\d+ passed/);
    await runInProject(project, 'python', ['-c', 'import tabulate']);
  });

  it('a newer base preset within the range does not float in: later runs use the recorded one', async () => {
    await publishPreset('@team/base-preset', (root) => {
      editJson(path.join(root, 'package.json'), (pkg) => { pkg.version = '0.1.1'; });
      mkdirSync(path.join(root, 'templates/model/docs/models'), { recursive: true });
      writeFileSync(path.join(root, 'templates/model/docs/models/__block__.md'), '# Model card from base 0.1.1\n');
    });
    const result = await mlexp(['model', 'boost'], project.root);
    expect(result.exitCode, result.all).toBe(0);
    expect(existsSync(path.join(project.root, 'docs/models/boost.md'))).toBe(false);
    // a new project takes the newest in range, and records it
    const cwd = tmpFolder();
    const fresh = await mlexp(['newer', '--yes', '--skip-install', '--skip-git', '--preset', '@team/mlexp-preset'], cwd);
    expect(fresh.exitCode, fresh.all).toBe(0);
    expect(JSON.parse(readFileSync(path.join(cwd, 'newer/.yo-rc.json'), 'utf8'))['generator-mlexp'].preset.chain[0].version).toBe('0.1.1');
  });
});

describe('preset failures are one line and write nothing', () => {
  const cases: Array<[string, string, RegExp, ((root: string) => void)?]> = [
    ['a missing package', '@team/no-such-preset', /^error: preset @team\/no-such-preset was not found in the registry: check the name and version$/],
    ['an invalid manifest', '@team/bad-manifest', /^error: preset @team\/bad-manifest@0\.1\.0: mlexp-preset\.json: invalid field locked\.tracker: must be equal to one of the allowed values: one of mlflow, databricks, azureml, wandb, none$/,
      (root) => editJson(path.join(root, 'mlexp-preset.json'), (manifest) => { manifest.locked = { tracker: 'mlfow' }; })],
    ['an incompatible generator version', '@team/future-preset', /^error: preset @team\/future-preset@0\.1\.0 needs generator-mlexp >=9\.0\.0, but this is \d+\.\d+\.\d+: upgrade one of them$/,
      (root) => editJson(path.join(root, 'mlexp-preset.json'), (manifest) => { manifest.generator = '>=9.0.0'; })],
  ];
  it.each(cases)('%s', async (_name, spec, message, change) => {
    if (change) await publishPreset(spec, change);
    const cwd = tmpFolder();
    const result = await mlexp(['proj', '--yes', '--skip-install', '--preset', spec], cwd);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr.trim()).toMatch(message);
    expect(listFiles(cwd)).toEqual([]);
  });

  it('a template that escapes the preset (a tarball with a link out; npm publish drops links)', async () => {
    const parent = tmpFolder('mlexp-preset-src-');
    await mlexp(['preset', '@team/escaping-preset'], parent);
    const root = path.join(parent, 'escaping-preset');
    symlinkSync('/etc/hostname', path.join(root, 'templates/app/stolen.txt'));
    const tarball = path.join(parent, 'escaping-preset.tgz');
    await execa('tar', ['-czf', tarball, '--transform', 's,^escaping-preset,package,', 'escaping-preset'], { cwd: parent });
    const cwd = tmpFolder();
    const result = await mlexp(['proj', '--yes', '--skip-install', '--preset', tarball], cwd);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr.trim()).toMatch(/^error: preset @team\/escaping-preset@0\.1\.0: template app\/stolen\.txt escapes the preset's templates folder$/);
    expect(listFiles(cwd)).toEqual([]);
  });

  it('an unreachable registry', async () => {
    const port = await freePort();
    const npmrc = path.join(tmpFolder(), '.npmrc');
    writeFileSync(npmrc, `@team:registry=http://127.0.0.1:${port}/\nfetch-retries=0\n`);
    const cwd = tmpFolder();
    const result = await mlexp(['proj', '--yes', '--skip-install', '--preset', '@team/mlexp-preset'], cwd, { npm_config_userconfig: npmrc });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr.trim()).toMatch(/^error: cannot reach the npm registry for preset @team\/mlexp-preset: check the registry in your \.npmrc and your network$/);
    expect(listFiles(cwd)).toEqual([]);
  });
});
