/**
 * Versioned and shared data, for real: two uv projects (tracker none, for speed).
 * - `--data-storage azure` without DVC: `make sync_data_up` / `sync_data_down` against Azurite on
 *   loopback (MLEXP_AZURITE), credentials in AZURE_STORAGE_CONNECTION_STRING only; then
 *   `mlexp upgrade --data-versioning dvc` keeps the user's data and tracks it, `dvc push` to
 *   Azurite, a fresh `git clone` pulls it, a run there records the DVC version and `reproduce`
 *   checks it (and refuses another version in one line whose commands bring it back).
 * - `--data-versioning dvc --data-storage local`: push to a folder, pull in a fresh clone, and
 *   `reproduce` fetches a missing file of the recorded version.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, tmpFolder } from '../helpers.js';
import { generate, makeInProject, projectEnv, runId, runInProject, type Generated } from './project.js';
import { AZURITE_KEY, azuriteConnectionString, startAzurite } from './servers.js';

const DATA = 'data/raw/breast_cancer.csv';
// a run (and so its reproductions, which read its config) without figures and with a short bootstrap
const FAST = ['--set', 'evaluator.bootstrap.n_resamples=50', '--set', 'evaluator.figures=false'];
const background: ResultPromise[] = [];
let env: Record<string, string>;
let shared: Generated;
let local: Generated;

const md5 = (bytes: Buffer | string) => createHash('md5').update(bytes).digest('hex');
const git = (cwd: string, ...args: string[]) =>
  execa('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd, env: projectEnv() });
const mlexp = (args: string[], cwd: string) =>
  execa('node', [CLI, ...args], { cwd, reject: false, stdin: 'ignore', all: true, env: projectEnv() });

/** The project's own checks of the new code: its data tests, ruff, deptry and (sync.py) mypy. */
async function checks(project: Generated, tests: string[], mypy = false): Promise<void> {
  const pytest = await runInProject(project, 'pytest', ['-q', '-p', 'no:cacheprovider', ...tests], { env });
  expect(pytest.output).toMatch(/\d+ passed/);
  expect(pytest.output).not.toMatch(/skipped|failed/);
  await runInProject(project, 'ruff', ['check', '.']);
  await runInProject(project, 'ruff', ['format', '--check', '.']);
  // a tracker-none project too: its tests' pillow is in the dev set, not a runtime dependency unused
  const deptry = await runInProject(project, 'deptry', ['.'], { reject: false });
  expect(deptry.output.split('\n').filter((line) => /DEP\d{3}/.test(line)), deptry.output).toEqual([]);
  if (mypy) await runInProject(project, 'mypy', []);
}

/** The tags of a local-tracker run, from its run.json. */
function runTags(project: Generated, id: string): Record<string, string> {
  const runs = path.join(project.root, 'runs');
  for (const experiment of readdirSync(runs)) {
    const file = path.join(runs, experiment, id, 'run.json');
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')).tags;
  }
  throw new Error(`no run ${id} under ${runs}`);
}

/** A fresh clone of the project, beside it. */
async function cloneOf(project: Generated, name: string): Promise<Generated> {
  const target = path.join(tmpFolder('mlexp-clone-'), name);
  await git(path.dirname(target), 'clone', '-q', project.root, target);
  return { ...project, root: target };
}

beforeAll(async () => {
  const [port, sharedProject, localProject] = await Promise.all([
    startAzurite(background),
    generate('shared-data', { 'env-tool': 'uv', tracker: 'none', 'data-storage': 'azure' }),
    generate('local-data', { 'env-tool': 'uv', tracker: 'none', 'data-versioning': 'dvc', 'data-storage': 'local' }),
  ]);
  shared = sharedProject;
  local = localProject;
  env = {
    AZURE_STORAGE_CONNECTION_STRING: azuriteConnectionString(port),
    DVC_NO_ANALYTICS: '1',
  };
}, 600_000);

afterAll(async () => {
  for (const server of background) server.kill('SIGTERM');
  await Promise.allSettled(background);
});

describe('--data-storage azure without DVC, then upgraded to DVC', () => {
  let mine: Buffer;

  it('syncs data/ up and down with Azurite, keeping a local file that differs', async () => {
    await checks(shared, ['tests/test_sync.py', 'tests/test_data_versions.py'], true);
    // the container the docs say to create once (azure-storage-blob comes with adlfs)
    const create = 'import os; from azure.storage.blob import BlobServiceClient as S; S.from_connection_string(os.environ["AZURE_STORAGE_CONNECTION_STRING"]).create_container("shared-data-data")';
    await runInProject(shared, 'python', ['-c', create], { env });
    expect(readFileSync(path.join(shared.root, 'configs/storage/data.yaml'), 'utf8')).toMatch(/^url: az:\/\/shared-data-data\/data$/m);
    await makeInProject(shared, ['data'], { env });
    const file = path.join(shared.root, DATA);
    appendFileSync(file, readFileSync(file, 'utf8').trim().split('\n').at(-1)! + '\n'); // the user's own row
    mine = readFileSync(file);

    const up = await makeInProject(shared, ['sync_data_up'], { env });
    expect(up.output).toMatch(/^uploaded 1 file\(s\) from data\/ to az:\/\/shared-data-data\/data$/m);
    rmSync(file);
    const down = await makeInProject(shared, ['sync_data_down'], { env });
    expect(down.output).toMatch(/^downloaded 1 file\(s\) from az:\/\/shared-data-data\/data to data\/, 0 already the same$/m);
    expect(readFileSync(file).equals(mine)).toBe(true);

    writeFileSync(file, 'edited,locally\n');
    const kept = await makeInProject(shared, ['sync_data_down'], { env, reject: false });
    expect(kept.exitCode).not.toBe(0);
    expect(kept.output).toMatch(/^kept 1 local file\(s\) that differ from the storage's: raw\/breast_cancer\.csv; `sync down --overwrite` replaces them$/m);
    expect(readFileSync(file, 'utf8')).toBe('edited,locally\n');
    await runInProject(shared, 'python', ['-m', shared.packageName, 'sync', 'down', '--overwrite'], { env });
    expect(readFileSync(file).equals(mine)).toBe(true);
    for (const output of [up.output, down.output, kept.output]) expect(output).not.toContain(AZURITE_KEY);
  });

  it('upgrades to DVC keeping the data, pushes it, and a fresh clone pulls it, runs and reproduces', async () => {
    const upgrade = await mlexp(['upgrade', '--data-versioning', 'dvc'], shared.root);
    expect(upgrade.exitCode, upgrade.all).toBe(0);
    expect(readFileSync(path.join(shared.root, DATA)).equals(mine)).toBe(true);
    expect(readFileSync(path.join(shared.root, '.dvc/config'), 'utf8')).toContain('url = azure://shared-data-data/dvc');
    expect(existsSync(path.join(shared.root, 'src', shared.packageName, 'plumbing', 'sync.py'))).toBe(false);
    const sync = await execa('uv', ['sync'], { cwd: shared.root, env: projectEnv(), all: true, reject: false });
    expect(sync.exitCode, sync.all).toBe(0);

    // `make data` tracks the user's file as it is: nothing rewritten
    const data = await makeInProject(shared, ['data'], { env });
    expect(data.output).toContain(`dvc ${DATA}.dvc md5 ${md5(mine)} (commit uncommitted)`);
    expect(readFileSync(path.join(shared.root, DATA)).equals(mine)).toBe(true);
    const status = await git(shared.root, 'status', '--porcelain');
    expect(status.stdout).toContain(`?? ${DATA}.dvc`);
    expect(status.stdout).not.toMatch(/breast_cancer\.csv$/m);
    await git(shared.root, 'add', '-A');
    await git(shared.root, 'commit', '-qm', 'Track the example data with DVC');
    const push = await makeInProject(shared, ['sync_data_up'], { env });
    expect(push.output).toMatch(/1 file pushed/);

    const clone = await cloneOf(shared, 'shared-data');
    expect(existsSync(path.join(clone.root, DATA))).toBe(false);
    const cloneSync = await execa('uv', ['sync', '--frozen'], { cwd: clone.root, env: projectEnv(), all: true, reject: false });
    expect(cloneSync.exitCode, cloneSync.all).toBe(0);
    await makeInProject(clone, ['sync_data_down'], { env });
    expect(readFileSync(path.join(clone.root, DATA)).equals(mine)).toBe(true);

    const run = await runInProject(clone, 'python', ['-m', clone.packageName, 'run', ...FAST], { env });
    const id = runId(run.output);
    const head = (await git(clone.root, 'rev-parse', 'HEAD')).stdout.trim();
    expect(runTags(clone, id)).toMatchObject({
      'dataset.dvc.pointer': `${DATA}.dvc`,
      'dataset.dvc.path': DATA,
      'dataset.dvc.md5': md5(mine),
      'dataset.dvc.commit': head,
      'dataset.dvc.modified': 'false',
    });
    const same = await runInProject(clone, 'python', ['-m', clone.packageName, 'reproduce', id], { env });
    expect(same.output).toMatch(/^metrics match \(\d+ compared\)$/m);

    // a new version committed: reproduce refuses in one line, and its commands bring the old one back
    appendFileSync(path.join(clone.root, DATA), mine.toString('utf8').trim().split('\n').at(-1)! + '\n');
    await makeInProject(clone, ['data'], { env });
    await git(clone.root, 'commit', '-qam', 'New data version');
    const refused = await runInProject(clone, 'python', ['-m', clone.packageName, 'reproduce', id], { env, reject: false });
    expect(refused.exitCode).toBe(2);
    const error = /^error: run \S+ read data\/raw\/breast_cancer\.csv at DVC version [0-9a-f]{12} \(data\/raw\/breast_cancer\.csv\.dvc in commit [0-9a-f]{12}\), the work tree has version [0-9a-f]{12}: get that version with `([^`]+)`, then reproduce again$/m.exec(refused.output);
    expect(error, refused.output).not.toBeNull();
    await runInProject(clone, 'bash', ['-c', error![1]!], { env });
    const back = await runInProject(clone, 'python', ['-m', clone.packageName, 'reproduce', id], { env });
    expect(back.output).toMatch(/^metrics match \(\d+ compared\)$/m);
    expect(readFileSync(path.join(clone.root, DATA)).equals(mine)).toBe(true);
    for (const output of [push.output, run.output, refused.output, back.output]) expect(output).not.toContain(AZURITE_KEY);
  });
});

describe('--data-versioning dvc --data-storage local', () => {
  it('pushes to a folder, a fresh clone pulls, and reproduce fetches a missing file of its version', async () => {
    await checks(local, ['tests/test_data_versions.py', 'tests/test_reproduce.py']);
    const remote = tmpFolder('mlexp-dvc-remote-');
    // the site's own folder, as docs/data.md says: in .dvc/config.local, which git ignores
    await runInProject(local, 'dvc', ['remote', 'modify', '--local', 'storage', 'url', remote], { env });
    const data = await makeInProject(local, ['data'], { env });
    const file = path.join(local.root, DATA);
    expect(data.output).toContain(`dvc ${DATA}.dvc md5 ${md5(readFileSync(file))}`);
    expect((await git(local.root, 'status', '--porcelain')).stdout.trim()).toBe(`?? ${DATA}.dvc`);
    await git(local.root, 'add', `${DATA}.dvc`);
    await git(local.root, 'commit', '-qm', 'Track the example data');
    await makeInProject(local, ['sync_data_up'], { env });
    expect(readdirSync(path.join(remote, 'files', 'md5'))).toHaveLength(1);

    const clone = await cloneOf(local, 'local-data');
    const dvc = (...args: string[]) => execa(path.join(local.root, '.venv', 'bin', 'python'), ['-m', 'dvc', ...args], { cwd: clone.root, env: projectEnv(env) });
    await dvc('remote', 'modify', '--local', 'storage', 'url', remote);
    await dvc('pull');
    expect(readFileSync(path.join(clone.root, DATA)).equals(readFileSync(file))).toBe(true);

    const run = await runInProject(local, 'python', ['-m', local.packageName, 'run', ...FAST], { env });
    const id = runId(run.output);
    const tags = runTags(local, id);
    expect(tags['dataset.dvc.md5']).toBe(md5(readFileSync(file)));
    expect(tags['dataset.dvc.commit']).toBe((await git(local.root, 'rev-parse', 'HEAD')).stdout.trim());
    const content = readFileSync(file);
    rmSync(file);
    rmSync(path.join(local.root, '.dvc', 'cache'), { recursive: true, force: true });
    const reproduced = await runInProject(local, 'python', ['-m', local.packageName, 'reproduce', id], { env });
    expect(reproduced.output).toMatch(/^metrics match \(\d+ compared\)$/m);
    expect(readFileSync(file).equals(content)).toBe(true);
  });
});
