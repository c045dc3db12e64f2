/**
 * A generated project's own CI, run as a runner runs it: the project is cloned afresh (as
 * `actions/checkout` does: only what was committed), and every step of its CI file runs in order
 * in that clone. `uses:` / `task:` steps are stood in for as a runner would: checkout is the clone,
 * setup-python and UsePythonVersion give the requested Python first on PATH. Shared by the e2e
 * files that run a project's CI (workflow.test.ts, and quickstart.test.ts on the README's project).
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { parse as parseYaml } from 'yaml';
import { expect } from 'vitest';
import { ENV_TOOL_MODULES } from '../../src/env-tools/index.js';
import { findPython } from '../../src/project/python.js';
import type { EnvTool } from '../../src/options/values.js';
import { tmpFolder } from '../helpers.js';
import { projectEnv, runLogged, type Generated } from './project.js';

export interface Step {
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
export interface Runner {
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
export async function runStep(script: string, cwd: string, runner: Runner | undefined, label: string) {
  const file = path.join(tmpFolder('ci-step-'), 'step.sh');
  writeFileSync(file, script);
  // GitHub's `bash -el {0}` is a login shell; here a login shell would reset PATH to the machine's
  // profile, so the step runs as `bash -e` with the runner's PATH already set.
  const result = await runLogged('bash', ['-e', file], { cwd, env: runnerEnv(runner) });
  if (result.exitCode !== 0) throw new Error(`CI step "${label}" failed (exit ${result.exitCode}):\n${script}\n${result.output}`);
  return result.output;
}

/** Clone the project as a runner checks it out, then run every step of the CI file in order. */
export async function runCi(project: Generated, ciFile: string, steps: Step[]): Promise<{ clone: string; runner?: Runner; ran: string[] }> {
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
export async function preCommitLeavesItClean(clone: string, envTool: EnvTool, runner: Runner | undefined) {
  const prefix = ENV_TOOL_MODULES[envTool].runPrefix;
  const output = await runStep(`${prefix}pre-commit run --all-files --show-diff-on-failure`, clone, runner, 'pre-commit');
  expect(output).not.toMatch(/Failed|files were modified/);
  const status = await execa('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: clone });
  expect(status.stdout).toBe('');
}

/** The jobs of a generated `.github/workflows/ci.yml`. */
export function githubJobs(root: string): Record<string, { steps: Step[] }> {
  return (parseYaml(readFileSync(path.join(root, '.github/workflows/ci.yml'), 'utf8')) as { jobs: Record<string, { steps: Step[] }> }).jobs;
}
