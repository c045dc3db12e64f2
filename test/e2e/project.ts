/**
 * End-to-end harness: generate a project with the built `mlexp` bin (its own install step creates
 * the environment with the chosen tool), then run commands inside that environment.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { execa, type Options } from 'execa';
import { CLI, tmpFolder } from '../helpers.js';

export interface Generated {
  root: string;
  packageName: string;
  envTool: string;
}

/** The environment the tests run generated projects in: no tracker settings leak in. */
export function projectEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  return {
    MLFLOW_TRACKING_URI: undefined,
    MLFLOW_EXPERIMENT_NAME: undefined,
    WANDB_MODE: 'offline',
    WANDB_SILENT: 'true',
    POETRY_VIRTUALENVS_IN_PROJECT: 'true',
    // pipenv: never the venv the tests may run in, no spinner in the logs
    PIPENV_IGNORE_VIRTUALENVS: '1',
    PIPENV_NOSPIN: '1',
    UV_PYTHON_DOWNLOADS: 'never',
    PYTHONDONTWRITEBYTECODE: undefined,
    ...extra,
  };
}

/**
 * Generate `name` with `--yes` and the given options; install unless told not to. `--python` is
 * 3.11 unless the options name it; `python: undefined` leaves it to the generator's default.
 */
export async function generate(name: string, options: Record<string, string | undefined>, install = true): Promise<Generated> {
  const cwd = tmpFolder('mlexp-e2e-');
  const given = 'python' in options ? options : { ...options, python: '3.11' };
  const flags = Object.entries(given).flatMap(([flag, value]) => (value === undefined ? [] : [`--${flag}`, value]));
  const args = [CLI, name, '--yes', ...flags, ...(install ? [] : ['--skip-install'])];
  const result = await execa('node', args, { cwd, reject: false, stdin: 'ignore', env: projectEnv(), all: true });
  if (result.exitCode !== 0) throw new Error(`mlexp ${args.slice(1).join(' ')} failed:\n${result.all}`);
  if (install && /was not found, so nothing was installed/.test(String(result.all))) {
    throw new Error(`mlexp ${args.slice(1).join(' ')} installed nothing:\n${result.all}`);
  }
  const root = path.join(cwd, name);
  const stored = JSON.parse(readFileSync(path.join(root, '.yo-rc.json'), 'utf8'))['generator-mlexp'];
  return { root, packageName: stored.packageName, envTool: stored.envTool };
}

/** How to run a command inside the project's environment, per env tool. */
function inEnvironment(project: Generated, command: string, args: string[]): [string, string[]] {
  switch (project.envTool) {
    case 'uv':
      return ['uv', ['run', '--frozen', command, ...args]];
    case 'poetry':
      return ['poetry', ['run', command, ...args]];
    case 'pipenv':
      return ['pipenv', ['run', command, ...args]];
    default:
      return [path.join(project.root, '.venv', 'bin', command), args];
  }
}

interface RunOptions {
  env?: Record<string, string>;
  reject?: boolean;
  timeout?: number;
}

/** Run `command` inside the project's environment from its root; resolves with the result. */
export async function runInProject(project: Generated, command: string, args: string[], options: RunOptions = {}) {
  const [file, fileArgs] = inEnvironment(project, command, args);
  return runFrom(project, file, fileArgs, [command, ...args].join(' '), options);
}

/** `make <args>` from the project's root, as typed there: the Makefile finds the environment itself. */
export async function makeInProject(project: Generated, args: string[], options: RunOptions = {}) {
  return runFrom(project, 'make', ['--no-print-directory', ...args], ['make', ...args].join(' '), options);
}

async function runFrom(project: Generated, file: string, fileArgs: string[], label: string, options: RunOptions) {
  const result = await runLogged(file, fileArgs, {
    cwd: project.root,
    env: projectEnv(options.env),
    timeout: options.timeout ?? 600_000,
  });
  if ((options.reject ?? true) && result.exitCode !== 0) {
    throw new Error(`${label} failed (exit ${result.exitCode}) in ${project.root}:\n${result.output}`);
  }
  return result;
}

/**
 * Run `file` with its stderr on the same pipe as its stdout, so `output` holds the lines in the
 * order they were written, as a terminal or a CI log shows them. Two pipes merged afterwards can
 * interleave mid-line: under PYTHONUNBUFFERED a `print` writes its text and its newline apart.
 */
export async function runLogged(file: string, args: string[], options: Pick<Options, 'cwd' | 'env' | 'timeout'>) {
  const result = await execa('/bin/sh', ['-c', 'exec "$@" 2>&1', 'sh', file, ...args], { ...options, reject: false, stdin: 'ignore' });
  return { exitCode: result.exitCode ?? -1, output: String(result.stdout) };
}

/** The targets `make` alone lists, in order. */
export const MAKE_VERBS = ['help', 'requirements', 'lint', 'format', 'test', 'docs', 'data', 'train', 'sweep', 'serve'];

/** The metrics lines `python -m <pkg> run` prints, for comparing two runs. */
export function metricLines(output: string): string[] {
  return output.split('\n').filter((line) => /^\s*test\/\S+/.test(line));
}

/**
 * The lines MLflow's own logging printed (`2026/12/04 04:25:31 INFO mlflow.store.db.utils: …`):
 * `run` shows its stages and results only, also on its first run, which creates the store.
 */
export function mlflowLogLines(output: string): string[] {
  return output.split('\n').filter((line) => /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d [A-Z]+ mlflow/.test(line));
}

/** The run id `python -m <pkg> run` prints. */
export function runId(output: string): string {
  const match = /^run ([0-9a-zA-Z-]+)\s/m.exec(output);
  if (!match?.[1]) throw new Error(`no run id in:\n${output}`);
  return match[1];
}
