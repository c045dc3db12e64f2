/**
 * Hygiene by other people's tools: a uv + MLflow project (uv installs in seconds, pip takes
 * minutes) passes deptry, pip check, mypy, `python -m build` + `twine check`, and its sdist,
 * unpacked into a fresh environment, passes its own tests. Beside them, the project runs its
 * splits from config (stratified, time-ordered, 5-fold) and reproduces the 5-fold run. The
 * setuptools (venv, conda) and poetry-core backends are built too, to check that their sdists
 * carry the suite as well.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tmpFolder } from '../helpers.js';
import { generate, mlflowLogLines, projectEnv, runId, runInProject, runLogged, type Generated } from './project.js';

let project: Generated;

const run = async (command: string, args: string[], cwd: string) => {
  const result = await runLogged(command, args, { cwd, env: projectEnv() });
  if (result.exitCode !== 0) throw new Error(`${[command, ...args].join(' ')} failed in ${cwd}:\n${result.output}`);
  return result.output;
};

/** The members of a `.tar.gz`, without the leading `<name>-<version>/` folder. */
async function sdistMembers(archive: string): Promise<string[]> {
  const listing = await run('tar', ['tzf', archive], path.dirname(archive));
  return listing
    .split('\n')
    .map((member) => member.split('/').slice(1).join('/'))
    .filter((member) => member !== '' && !member.endsWith('/'));
}

/** The one file in `folder` whose name ends with `suffix`. */
function onlyFile(folder: string, suffix: string): string {
  const found = readdirSync(folder).filter((name) => name.endsWith(suffix));
  expect(found, `${suffix} in ${folder}`).toHaveLength(1);
  return path.join(folder, found[0]!);
}

/** What an sdist must carry so that it tests itself once unpacked. */
const SUITE = ['tests/conftest.py', 'tests/mocks.py', 'configs/experiment.yaml', 'configs/sweeps/default.yaml', 'Dockerfile', '.dockerignore'];

beforeAll(async () => {
  project = await generate('tidy-proj', { 'env-tool': 'uv', tracker: 'mlflow', ci: 'none', license: 'MIT' });
});

// The checks share the environment read-only (the sdist is tested in a venv of its own): they run
// side by side, mypy's cold cache beside the sdist's suite.
describe.concurrent('uv + MLflow project, checked by deptry, pip, mypy, build and twine', () => {
  it('declares what it imports (deptry) and installs a consistent set (pip check)', async () => {
    const deptry = await runInProject(project, 'deptry', ['.']);
    expect(deptry.output).toMatch(/No dependency issues found/);
    const check = await run('uv', ['pip', 'check'], project.root);
    expect(check).toMatch(/All installed packages are compatible/);
  });

  it("knows every top-level module the project's environment installs (the package-name check's list)", async () => {
    // src/options/installed-modules.ts is what a package name may not be: it must hold all of these
    const check = await runInProject(project, 'python', [path.join(ROOT, 'scripts', 'installed-modules.py'), '--check', path.join(ROOT, 'src', 'options', 'installed-modules.ts')], { reject: false });
    expect(check.exitCode, check.output).toBe(0);
  });

  it('type-checks src and tests with a bare `mypy`', async () => {
    const mypy = await runInProject(project, 'mypy', []);
    expect(mypy.output).toMatch(/^Success: no issues found in \d+ source files$/m);
    // The bare command covers the tests too, not only the package.
    const checked = Number(/in (\d+) source files/.exec(mypy.output)?.[1]);
    const tests = readdirSync(path.join(project.root, 'tests')).filter((name) => name.endsWith('.py'));
    expect(checked).toBeGreaterThan(tests.length);
  });

  // The split from config alone, through the default tracker (MLflow): a stratified and a
  // time-ordered hold-out by --set, 5-fold cross-validation from a config file, and a
  // reproduction of the cross-validated run from what it recorded. The config file lives
  // outside the project, so the sdist built beside this test never sees it.
  it('runs stratified, time-ordered and 5-fold splits, and reproduces the 5-fold run', async () => {
    const pkg = project.packageName;
    const fast = ['--set', 'evaluator.bootstrap.n_resamples=100', '--set', 'evaluator.figures=false'];
    const runs: Record<string, string> = {};
    // the project's first two runs, at once: they race to create the store and the experiment
    const splits = ['stratified', 'time_ordered'];
    const results = await Promise.all(splits.map((split) => runInProject(project, 'python', ['-m', pkg, 'run', ...fast, '--set', `split.name=${split}`])));
    for (const [index, result] of results.entries()) {
      expect(result.output).toMatch(/^split\s+\d+ train, \d+ test/m);
      expect(mlflowLogLines(result.output)).toEqual([]); // uv's venv has no pip: MLflow's warning is dropped
      runs[splits[index]!] = runId(result.output);
    }
    expect(readdirSync(project.root).filter((name) => name.startsWith('.mlflow.db'))).toEqual([]); // no partial store left
    const folder = tmpFolder('mlexp-cv-');
    const cv = path.join(folder, 'cv.yaml');
    const base = path.join(project.root, 'configs', 'experiment.yaml');
    writeFileSync(cv, `extends: ${JSON.stringify(base)}\nsplit:\n  name: kfold\n  params: {k: 5, stratified: true}\n`);
    const result = await runInProject(project, 'python', ['-m', pkg, 'run', '--config', cv, ...fast]);
    expect(result.output).toMatch(/^split\s+5 folds, 113-114 test rows each/m);
    expect(result.output).toMatch(/^ {2}cv\/accuracy_mean\s+0\.9\d+ {2}std 0\.0\d+ over the folds$/m);
    const kfold = runId(result.output);
    expect(new Set([...Object.values(runs), kfold]).size).toBe(3);

    const reproduced = await runInProject(project, 'python', ['-m', pkg, 'reproduce', kfold]);
    expect(reproduced.output).toMatch(/^split\s+5 folds/m); // the recorded split, not the default one
    expect(reproduced.output).toMatch(/^metrics match \(\d+ compared\)$/m);
  });

  it('builds an sdist and a wheel that twine accepts; the sdist passes its own tests', async () => {
    const dist = path.join(project.root, 'dist');
    await run('uv', ['run', '--frozen', '--with', 'build', '--with', 'twine', 'python', '-m', 'build', '--outdir', dist], project.root);
    const sdist = onlyFile(dist, '.tar.gz');
    const wheel = onlyFile(dist, '.whl');
    await run('uv', ['run', '--frozen', '--with', 'twine', 'twine', 'check', '--strict', sdist, wheel], project.root);
    const members = await sdistMembers(sdist);
    expect(members).toEqual(expect.arrayContaining([...SUITE, 'src/tidy_proj/__init__.py']));
    expect(members.filter((member) => /__pycache__|\.pyc$/.test(member))).toEqual([]);

    const unpacked = tmpFolder('mlexp-sdist-');
    await run('tar', ['xzf', sdist, '-C', unpacked], unpacked);
    const root = path.join(unpacked, path.basename(sdist, '.tar.gz'));
    await run('uv', ['venv', '--quiet', '--python', 'python3.11', '.venv'], root);
    // pytest, and dockerfile-parse for the suite's Dockerfile test (both in the dev set)
    await run('uv', ['pip', 'install', '--quiet', '--python', '.venv/bin/python', '.', 'pytest', 'dockerfile-parse'], root);
    const tests = await execa(path.join(root, '.venv', 'bin', 'pytest'), ['-q', '-p', 'no:cacheprovider'], {
      cwd: root,
      env: projectEnv(),
      reject: false,
      all: true,
      stdin: 'ignore',
    });
    expect(tests.exitCode, tests.all).toBe(0);
    expect(tests.all).toMatch(/\d+ passed/);
    expect(tests.all).not.toMatch(/failed|error|skipped/i);
  });
});

describe('every build backend puts the suite in the sdist', () => {
  it.each([
    { envTool: 'venv', tracker: 'azureml', trackerFiles: ['jobs/command-job.yml'] },
    { envTool: 'poetry', tracker: 'databricks', trackerFiles: ['databricks.yml', 'jobs/databricks_entry.py'] },
  ])('--env-tool $envTool --tracker $tracker', async ({ envTool, tracker, trackerFiles }) => {
    const rendered = await generate(`sdist-${envTool}`, { 'env-tool': envTool, tracker, ci: 'none' }, false);
    const dist = path.join(rendered.root, 'dist');
    mkdirSync(dist);
    await run('uv', ['build', '--sdist', '--out-dir', dist], rendered.root);
    const members = await sdistMembers(onlyFile(dist, '.tar.gz'));
    expect(members).toEqual(expect.arrayContaining([...SUITE, ...trackerFiles, `src/sdist_${envTool}/__init__.py`]));
    expect(members.filter((member) => /__pycache__|\.pyc$/.test(member))).toEqual([]);
  });
});
