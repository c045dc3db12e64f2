/**
 * The install step: run the chosen env tool's commands in the new project. A missing tool is not a
 * crash: the user is told which commands to run once it is installed.
 */
import { execa } from 'execa';
import { UserError } from './errors.js';
import { ENV_TOOL_STRATEGIES } from './env-tools.js';
import type { Answers } from './options.js';

/** Does the command run? (`command -v` is not enough: a pyenv shim exists for versions not installed.) */
async function runs(command: string, cwd: string): Promise<boolean> {
  if (command.includes('/')) return true;
  const result = await execa(command, ['--version'], { cwd, reject: false, stdio: 'ignore' });
  return result.exitCode === 0;
}

/** Install the environment; resolves to false when the tool is missing and nothing was installed. */
export async function installProject(root: string, answers: Answers, log: (message: string) => void): Promise<boolean> {
  const strategy = ENV_TOOL_STRATEGIES[answers.envTool];
  const later = strategy.setup(answers).map((line) => `  ${line}`).join('\n');
  const commands = strategy.install(answers);
  const first = commands[0];
  if (first && !(await runs(first.command, root))) {
    log(`\n${first.command} was not found, so nothing was installed. Once it is, run in ${root}:\n${later}`);
    return false;
  }
  for (const { command, args } of commands) {
    log(`\n$ ${[command, ...args].join(' ')}`);
    const result = await execa(command, args, { cwd: root, stdio: 'inherit', reject: false });
    if (result.exitCode !== 0) {
      throw new UserError(
        `\`${[command, ...args].join(' ')}\` failed (exit ${result.exitCode}); the project is written: fix the cause, then run in ${root}: ${strategy.setup(answers).join(' && ')}`,
      );
    }
  }
  return true;
}
