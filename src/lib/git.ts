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

/** `git init` and commit everything; `fallback` is used only where git has no identity. */
export function initialCommit(cwd: string, message: string, fallback: Identity): void {
  const run = (args: string[]) => {
    const result = git(args, cwd);
    if (!result.ok) throw new Error(`git ${args[0]} failed in ${cwd}`);
  };
  run(['init', '--quiet', '--initial-branch=main']);
  run(['add', '--all']);
  const identity: string[] = [];
  if (gitConfigValue('user.name', cwd) === undefined) identity.push('-c', `user.name=${fallback.name}`);
  if (gitConfigValue('user.email', cwd) === undefined) identity.push('-c', `user.email=${fallback.email}`);
  run([...identity, 'commit', '--quiet', '--no-verify', '-m', message]);
}
