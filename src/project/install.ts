/**
 * The install step: run the chosen env tool's commands in the new project. A missing tool or
 * interpreter is not a crash: nothing is installed, and the next-step lines the generator prints
 * say how to create the environment once it is there.
 */
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
    const result = await execa(command, args, { cwd: root, stdio: 'inherit', reject: false, env });
    if (result.exitCode !== 0) {
      throw new UserError(
        `\`${[command, ...args].join(' ')}\` failed (exit ${result.exitCode}); the project is written: fix the cause, then run in ${root}: ${strategy.setup(answers).join(' && ')}`,
      );
    }
  }
  return true;
}
