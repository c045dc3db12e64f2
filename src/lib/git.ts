/**
 * git for the generated project: read the user's identity for defaults, and make the initial
 * commit with a fallback identity when none is configured (never fail for a missing identity).
 */
import { execaSync } from 'execa';

function git(args: string[], cwd: string): { ok: boolean; stdout: string } {
  try {
    const result = execaSync('git', args, { cwd, reject: false, stdin: 'ignore' });
    return { ok: result.exitCode === 0, stdout: String(result.stdout).trim() };
  } catch {
    return { ok: false, stdout: '' };
  }
}

export function gitAvailable(): boolean {
  return git(['--version'], process.cwd()).ok;
}

export function gitConfigValue(key: string, cwd = process.cwd()): string | undefined {
  const result = git(['config', '--get', key], cwd);
  return result.ok && result.stdout !== '' ? result.stdout : undefined;
}

export function isInsideGitRepo(cwd: string): boolean {
  return git(['rev-parse', '--is-inside-work-tree'], cwd).ok;
}

export interface Identity {
  name: string;
  email: string;
}

/** The branch that holds the untouched generated output of every generation and upgrade. */
export const PRISTINE_BRANCH = 'mlexp/pristine';

/** `-c user.name=… -c user.email=…` for whatever identity git lacks in `cwd`. */
export function identityArgs(cwd: string, fallback: Identity): string[] {
  const identity: string[] = [];
  if (gitConfigValue('user.name', cwd) === undefined) identity.push('-c', `user.name=${fallback.name}`);
  if (gitConfigValue('user.email', cwd) === undefined) identity.push('-c', `user.email=${fallback.email}`);
  return identity;
}

/**
 * `git init`, commit everything, and point the pristine branch at that commit, so a later
 * upgrade can merge the generator's changes over the user's edits.
 */
export function initialCommit(cwd: string, message: string, fallback: Identity, pristineBranch: string): void {
  const run = (args: string[]) => {
    const result = git(args, cwd);
    if (!result.ok) throw new Error(`git ${args[0]} failed in ${cwd}`);
  };
  run(['init', '--quiet', '--initial-branch=main']);
  run(['add', '--all']);
  run([...identityArgs(cwd, fallback), 'commit', '--quiet', '--no-verify', '-m', message]);
  run(['branch', pristineBranch, 'HEAD']);
}
