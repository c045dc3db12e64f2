/**
 * First contact: a generated project passes its own CI, run the way a runner runs it. Each
 * project is generated (and installed) by the bin with defaults for everything the case does not
 * name, then cloned afresh (as `actions/checkout` does: only what was committed), and every step of
 * its own CI file runs in order in that clone. `uses:` / `task:` steps are stood in for as a runner
 * would: checkout is the clone, setup-python and UsePythonVersion give a fresh venv of the
 * requested Python first on PATH. Then `pre-commit run --all-files` must pass and change nothing.
 *
 * Together the cases install and test a project on each of Python 3.11, 3.12 and 3.13.
 */
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ENV_TOOL_MODULES } from '../../src/env-tools/index.js';
import { availablePythons, findPython } from '../../src/project/python.js';
import type { EnvTool } from '../../src/options/values.js';
import { ROOT, tmpFolder } from '../helpers.js';
import { generate, projectEnv, runId, runInProject, type Generated } from './project.js';

interface Step {
  name?: string;
  displayName?: string;
  uses?: string;
  task?: string;
  run?: string;
  bash?: string;
  script?: string;
  with?: Record<string, string>;
  inputs?: Record<string, string>;
}

/**
 * What setup-python / UsePythonVersion leave behind: a system interpreter of that version first on
 * PATH, into which the job may pip-install. The stand-in is this machine's interpreter with pip's
 * installs sent to a user base of the job's own (so the machine's interpreter stays as it was).
 * A venv would not do: uv and Poetry refuse to build environments from a venv's interpreter.
 */
interface Runner {
  path: string[];
  env: Record<string, string>;
}

async function setupPython(version: string, where: string): Promise<Runner> {
  // a toolcache-like interpreter: pyenv's where there is one (a distribution's own Python may be
  // "externally managed" and refuse pip installs), else whatever this machine has
  const interpreter = findPython(version, { ...process.env, PATH: '' }) ?? findPython(version);
  if (!interpreter) throw new Error(`CI asks for Python ${version}, which this machine does not have`);
  const bin = path.join(where, 'bin');
  mkdirSync(bin);
  for (const name of ['python', 'python3', `python${version}`]) symlinkSync(interpreter, path.join(bin, name));
  const userBase = path.join(where, 'userbase');
  return { path: [path.join(userBase, 'bin'), bin], env: { PIP_USER: '1', PYTHONUSERBASE: userBase } };
}

/** A runner's environment: the job's Python first on PATH, then the system's folders only. */
function runnerEnv(runner: Runner | undefined): Record<string, string | undefined> {
  const base = ['/usr/local/bin', '/usr/bin', '/bin'];
  return projectEnv({ ...runner?.env, PATH: [...(runner?.path ?? []), ...base].join(':'), CI: 'true' });
}

/** Run one shell step as a runner does (bash, stop at the first failing command). */
async function runStep(script: string, cwd: string, runner: Runner | undefined, label: string) {
  const file = path.join(tmpFolder('ci-step-'), 'step.sh');
  writeFileSync(file, script);
  // GitHub's `bash -el {0}` is a login shell; here a login shell would reset PATH to the machine's
  // profile, so the step runs as `bash -e` with the runner's PATH already set.
  const result = await execa('bash', ['-e', file], { cwd, env: runnerEnv(runner), reject: false, all: true, stdin: 'ignore' });
  if (result.exitCode !== 0) throw new Error(`CI step "${label}" failed (exit ${result.exitCode}):\n${script}\n${result.all}`);
  return String(result.all);
}

/** Clone the project as a runner checks it out, then run every step of the CI file in order. */
async function runCi(project: Generated, ciFile: string, steps: Step[]): Promise<{ clone: string; runner?: Runner; ran: string[] }> {
  const clone = path.join(tmpFolder('ci-checkout-'), path.basename(project.root));
  await execa('git', ['clone', '--quiet', project.root, clone]);
  let runner: Runner | undefined;
  const ran: string[] = [];
  for (const step of steps) {
    const label = step.name ?? step.displayName ?? step.uses ?? step.task ?? '?';
    const action = step.uses ?? step.task;
    if (action?.startsWith('actions/checkout')) continue; // the clone above
    if (action?.startsWith('actions/setup-python') || action?.startsWith('UsePythonVersion')) {
      const version = step.with?.['python-version'] ?? step.inputs?.versionSpec;
      if (!version) throw new Error(`${ciFile}: ${label} names no Python version`);
      runner = await setupPython(version, tmpFolder('ci-python-'));
      ran.push(label);
      continue;
    }
    if (action) throw new Error(`${ciFile}: no stand-in for the step ${label} (${action})`);
    const script = step.run ?? step.bash ?? step.script;
    if (!script) throw new Error(`${ciFile}: step ${label} has nothing to run`);
    const started = Date.now();
    await runStep(script, clone, runner, label);
    console.log(`${ciFile}: "${label}" passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    ran.push(label);
  }
  return { clone, runner, ran };
}

/** `pre-commit run --all-files` in the clone's environment: every hook passes, nothing changes. */
async function preCommitLeavesItClean(clone: string, envTool: EnvTool, runner: Runner | undefined) {
  const prefix = ENV_TOOL_MODULES[envTool].runPrefix;
  const output = await runStep(`${prefix}pre-commit run --all-files --show-diff-on-failure`, clone, runner, 'pre-commit');
  expect(output).not.toMatch(/Failed|files were modified/);
  const status = await execa('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: clone });
  expect(status.stdout).toBe('');
}

const GITHUB_CASES: Array<{ envTool: EnvTool; python?: string; label: string }> = [
  // the defaults as a newcomer takes them: venv, and the newest Python found here (3.13)
  { envTool: 'venv', label: 'the newest Python found' },
  { envTool: 'uv', python: '3.12', label: 'Python 3.12' },
];
// Poetry's own CI lines are rendered by the same ci.ts path and checked for shape in the unit
// tests; its install, suite, run and reproduce run for real in poetry-conda.test.ts. Its GitHub
// case made way for pipenv's below (Python 3.11) within CI's time budget.

describe('a generated project passes its own GitHub workflow, run step by step on a fresh clone', () => {
  it.each(GITHUB_CASES)('$envTool ($label)', async ({ envTool, python }) => {
    const project = await generate(`ci-${envTool}`, { 'env-tool': envTool, python });
    const stored = JSON.parse(readFileSync(path.join(project.root, '.yo-rc.json'), 'utf8'))['generator-mlexp'];
    expect(stored.python).toBe(python ?? availablePythons().at(-1));
    const workflow = parseYaml(readFileSync(path.join(project.root, '.github/workflows/ci.yml'), 'utf8')) as {
      jobs: Record<string, { steps: Step[] }>;
    };
    // the image job runs `docker build`, which needs a daemon this machine lacks: it is checked
    // for what it runs, and the Dockerfile it builds is linted (Lint: hadolint) and parsed (Test:
    // tests/test_dockerfile.py) by the test job, which runs here step by step
    const { image, ...jobs } = workflow.jobs;
    expect(image?.steps.map((step) => step.run ?? step.uses)).toEqual(['actions/checkout@v4', `docker build --tag ci-${envTool}:ci .`]);
    for (const [job, { steps }] of Object.entries(jobs)) {
      const { clone, runner, ran } = await runCi(project, `ci.yml job ${job}`, steps);
      expect(ran).toEqual(expect.arrayContaining(['Lint', 'Type check', 'Test', 'Notebooks have no outputs', 'Docs']));
      expect(existsSync(path.join(clone, 'site', 'reference', 'index.html'))).toBe(true);
      await preCommitLeavesItClean(clone, envTool, runner);
    }
  });

  // the env tool added through its module alone (src/env-tools/pipenv.ts): the generator's install
  // step runs pipenv and locks, the example experiment runs into the embedded MLflow and records
  // Pipfile.lock, then the project's own CI installs from that lock on a fresh clone and passes
  it('pipenv (Python 3.11): installs with pipenv, runs into the tracker, passes its own CI', async () => {
    const project = await generate('ci-pipenv', { 'env-tool': 'pipenv', python: '3.11' });
    expect(existsSync(path.join(project.root, '.venv', 'bin', 'python'))).toBe(true); // in the project, as the docs say
    const committed = await execa('git', ['ls-files', 'Pipfile', 'Pipfile.lock'], { cwd: project.root });
    expect(committed.stdout.split('\n')).toEqual(['Pipfile', 'Pipfile.lock']);
    const run = await runInProject(project, 'python', ['-m', 'ci_pipenv', 'run']);
    const id = runId(run.output);
    expect((await runInProject(project, 'python', ['-m', 'ci_pipenv', 'compare'])).output).toContain(id);
    const logged = JSON.parse(
      (await runInProject(project, 'python', [path.join(ROOT, 'test/e2e/readback.py'), `sqlite:///${project.root}/mlflow.db`, id])).output,
    ) as { status: string; artifacts: string[] };
    expect(logged.status).toBe('FINISHED');
    expect(logged.artifacts).toEqual(expect.arrayContaining(['environment/Pipfile', 'environment/Pipfile.lock']));
    const { test: job } = (parseYaml(readFileSync(path.join(project.root, '.github/workflows/ci.yml'), 'utf8')) as {
      jobs: Record<string, { steps: Step[] }>;
    }).jobs;
    const { clone, runner, ran } = await runCi(project, 'ci.yml job test', job!.steps);
    expect(ran).toEqual(expect.arrayContaining(['Create the environment', 'Lint', 'Type check', 'Test', 'Notebooks have no outputs', 'Docs']));
    expect(existsSync(path.join(clone, '.venv', 'bin', 'python'))).toBe(true);
    expect(existsSync(path.join(clone, 'site', 'reference', 'index.html'))).toBe(true);
    await preCommitLeavesItClean(clone, 'pipenv', runner);
  });

  it('a uv project whose uv.lock is stale fails CI at the install, saying to run uv lock', async () => {
    const project = await generate('ci-stale-lock', { 'env-tool': 'uv', python: '3.12' }, false);
    const git = (args: string[]) => execa('git', args, { cwd: project.root, env: projectEnv() });
    // `--skip-install` writes no lock: CI must refuse the missing one, then the stale one
    const steps = (parseYaml(readFileSync(path.join(project.root, '.github/workflows/ci.yml'), 'utf8')) as {
      jobs: { test: { steps: Step[] } };
    }).jobs.test.steps;
    await expect(runCi(project, 'ci.yml', steps)).rejects.toThrow(/uv\.lock is missing or out of date: run 'uv lock' and commit uv\.lock/);
    await execa('uv', ['lock', '--python', findPython('3.12')!], { cwd: project.root, env: projectEnv() });
    const pyproject = path.join(project.root, 'pyproject.toml');
    writeFileSync(pyproject, readFileSync(pyproject, 'utf8').replace('dependencies = [', 'dependencies = [\n    "six>=1.16",'));
    await git(['add', '--all']);
    await git(['-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '--quiet', '-m', 'stale lock']);
    await expect(runCi(project, 'ci.yml', steps)).rejects.toThrow(/uv\.lock is missing or out of date/);
  });
});

describe('a generated project passes its own Azure pipeline, run step by step on a fresh clone', () => {
  it('uv, Azure Pipelines (Python 3.12)', async () => {
    const project = await generate('ci-azure', { 'env-tool': 'uv', python: '3.12', ci: 'azure-pipelines' });
    const pipeline = parseYaml(readFileSync(path.join(project.root, 'azure-pipelines.yml'), 'utf8')) as { steps: Step[] };
    const { clone, runner, ran } = await runCi(project, 'azure-pipelines.yml', pipeline.steps);
    expect(ran).toEqual(expect.arrayContaining(['Lint', 'Type check', 'Test', 'Notebooks have no outputs', 'Docs']));
    await preCommitLeavesItClean(clone, 'uv', runner);
  });
});
