/**
 * The install step: run the chosen env tool's commands in the new project. A missing tool or
 * interpreter is not a crash: nothing is installed, and the next-step lines the generator prints
 * say how to create the environment once it is there.
 */
import path from 'node:path';
import { execa } from 'execa';
import { UserError } from '../core/errors.js';
import { ENV_TOOL_MODULES } from '../env-tools/index.js';
import type { Answers } from '../options/options.js';
import { findPython } from './python.js';

/** Does the command run? (`command -v` is not enough: a pyenv shim exists for versions not installed.) */
async function runs(command: string, cwd: string): Promise<boolean> {
  if (command.includes('/')) return true;
  const result = await execa(command, ['--version'], { cwd, reject: false, stdio: 'ignore' });
  return result.exitCode === 0;
}

/** Install the environment; resolves to false when the tool is missing and nothing was installed. */
export async function installProject(root: string, answers: Answers, log: (message: string) => void): Promise<boolean> {
  const strategy = ENV_TOOL_MODULES[answers.envTool];
  const python = findPython(answers.python);
  if (strategy.needsPython && python === undefined) {
    log(`\npython${answers.python} was not found (on PATH or in pyenv), so nothing was installed: the steps below do it once it is.`);
    return false;
  }
  const interpreter = python ?? `python${answers.python}`;
  const fast = strategy.fastInstall && (await runs(strategy.fastInstall.tool, root)) ? strategy.fastInstall : undefined;
  if (fast) log(`\n${fast.says}.`);
  const commands = fast ? fast.commands(answers, interpreter) : strategy.install(answers, interpreter);
  const first = commands[0];
  if (first && !(await runs(first.command, root))) {
    log(`\n${first.command} was not found, so nothing was installed: the steps below do it once it is.`);
    return false;
  }
  for (const { command, args, env } of commands) {
    const assignments = Object.entries(env ?? {}).map(([name, value]) => `${name}=${value} `);
    log(`\n$ ${assignments.join('')}${[command, ...args].join(' ')}`);
    const exitCode = await runAloud(command, args, { cwd: root, env, say: log });
    if (exitCode !== 0) {
      throw new UserError(
        `\`${[command, ...args].join(' ')}\` failed (exit ${exitCode}); the project is written: fix the cause, then run in ${root}: ${strategy.setup(answers).join(' && ')}`,
      );
    }
  }
  return true;
}

/** The longest the install step stays silent: pip says nothing for about a minute while it unpacks. */
export const QUIET_LIMIT_MS = 10_000;

export interface RunAloudOptions {
  cwd: string;
  env?: Record<string, string>;
  /** Where the step's own lines go (the generator's log). */
  say: (line: string) => void;
  quietMs?: number;
  /** Where the command's output goes as it comes; the process's own streams by default. */
  echo?: (chunk: Buffer, stream: 'stdout' | 'stderr') => void;
}

/** What a person would call the command: `pip install` for `.venv/bin/python -m pip install …`, `uv sync`. */
function label(command: string, args: readonly string[]): string {
  const words = args[0] === '-m' ? args.slice(1, 3) : [path.basename(command), ...args.slice(0, 1)];
  return words.filter((word) => !word.startsWith('-')).join(' ');
}

/**
 * Run a command, passing its output through as it comes; whenever it has been silent for
 * `quietMs`, say that it is still running and for how long. Resolves to its exit code.
 */
export async function runAloud(command: string, args: readonly string[], options: RunAloudOptions): Promise<number> {
  const { quietMs = QUIET_LIMIT_MS, echo = (chunk, stream) => process[stream].write(chunk) } = options;
  const started = Date.now();
  let heard = started;
  const child = execa(command, args, { cwd: options.cwd, env: options.env, reject: false, stdin: 'inherit', buffer: false });
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream]?.on('data', (chunk: Buffer) => {
      heard = Date.now();
      echo(chunk, stream);
    });
  }
  const timer = setInterval(() => {
    if (Date.now() - heard < quietMs) return;
    heard = Date.now();
    options.say(`  … ${label(command, args)} is still working (${Math.round((heard - started) / 1000)} s so far)`);
  }, Math.max(50, Math.min(1000, quietMs / 4)));
  try {
    return (await child).exitCode ?? 1;
  } finally {
    clearInterval(timer);
  }
}
