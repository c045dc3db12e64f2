/**
 * First contact: a generated project passes its own CI, run the way a runner runs it (see
 * ci-runner.ts): generated (and installed) by the bin with defaults for everything the case does
 * not name, cloned afresh, every step of its CI file run in order in that clone, then
 * `pre-commit run --all-files` must pass and change nothing.
 *
 * Here: pipenv on Python 3.11 (GitHub), uv on 3.12 (Azure Pipelines), and uv's lock check. The
 * default project (venv, the newest Python: 3.13) runs its GitHub workflow in quickstart.test.ts,
 * as the README's first command makes it. Together they install and test a project on each of
 * Python 3.11, 3.12 and 3.13, and run each CI provider's file.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { findPython } from '../../src/project/python.js';
import { githubJobs, preCommitLeavesItClean, runCi, type Step } from './ci-runner.js';
import { generate, projectEnv, runId, runInProject } from './project.js';

// The uv GitHub workflow is rendered by the same ci.ts path as uv's Azure pipeline below (which
// runs whole) and checked for shape in the unit tests; its install step runs here against a
// missing and a stale lock. Poetry's install, suite, run and reproduce run in poetry-conda.test.ts.
describe('a generated project passes its own GitHub workflow, run step by step on a fresh clone', () => {
  // the env tool added through its module alone (src/env-tools/pipenv.ts): the generator's install
  // step runs pipenv and locks, the example experiment runs into the local tracker and records
  // Pipfile.lock, then the project's own CI installs from that lock on a fresh clone and passes.
  // No tracker service, so Pipenv locks a smaller set (126 packages; MLflow's catalogue entries are
  // the same for every env tool, and MLflow runs for real in the other e2e files).
  it('pipenv (Python 3.11): installs with pipenv, runs into the tracker, passes its own CI', async () => {
    const project = await generate('ci-pipenv', { 'env-tool': 'pipenv', python: '3.11', tracker: 'none' });
    expect(existsSync(path.join(project.root, '.venv', 'bin', 'python'))).toBe(true); // in the project, as the docs say
    const committed = await execa('git', ['ls-files', 'Pipfile', 'Pipfile.lock'], { cwd: project.root });
    expect(committed.stdout.split('\n')).toEqual(['Pipfile', 'Pipfile.lock']);
    const run = await runInProject(project, 'python', ['-m', 'ci_pipenv', 'run']);
    const id = runId(run.output);
    expect((await runInProject(project, 'python', ['-m', 'ci_pipenv', 'compare'])).output).toContain(id);
    const stored = path.join(project.root, 'runs', 'ci-pipenv', id);
    expect(JSON.parse(readFileSync(path.join(stored, 'run.json'), 'utf8')).status).toBe('FINISHED');
    for (const file of ['Pipfile', 'Pipfile.lock']) {
      expect(readFileSync(path.join(stored, 'artifacts', 'environment', file), 'utf8')).toBe(readFileSync(path.join(project.root, file), 'utf8'));
    }
    const { test: job } = githubJobs(project.root);
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
    const steps = githubJobs(project.root).test!.steps;
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
    expect(existsSync(path.join(clone, 'site', 'reference', 'index.html'))).toBe(true);
    await preCommitLeavesItClean(clone, 'uv', runner);
  });
});
