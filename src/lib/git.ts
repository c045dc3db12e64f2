/**
 * git for the generated project: read the user's identity for defaults, and make the initial
 * commit with a fallback identity when none is configured (never fail for a missing identity).
 * Each call is one git process; a generation starts as few as it can (bench/README.md).
 */
import { execaSync } from 'execa';

function git(args: string[], cwd: string): { ok: boolean; missing: boolean; stdout: string } {
  try {
    const result = execaSync('git', args, { cwd, reject: false, stdin: 'ignore' });
    const missing = (result as { code?: string }).code === 'ENOENT';
    return { ok: result.exitCode === 0, missing, stdout: String(result.stdout).trim() };
  } catch {
    return { ok: false, missing: true, stdout: '' };
  }
}

export interface Identity {
  name: string;
  email: string;
}

/** `user.name` and `user.email` as git resolves them in `cwd` (one `git config` call). */
export function gitIdentity(cwd = process.cwd()): Partial<Identity> {
  const result = git(['config', '--get-regexp', '^user\\.(name|email)$'], cwd);
  const identity: Partial<Identity> = {};
  if (!result.ok) return identity;
  for (const line of result.stdout.split('\n')) {
    const match = /^user\.(name|email) (.*)$/.exec(line.trim());
    // the last value wins, as in git itself
    if (match?.[2]) identity[match[1] as keyof Identity] = match[2];
  }
  return identity;
}

/** Whether git can be run at all, and whether `cwd` is inside a work tree (one call for both). */
export function gitState(cwd: string): 'no-git' | 'inside-repo' | 'outside-repo' {
  const result = git(['rev-parse', '--is-inside-work-tree'], cwd);
  if (result.missing) return 'no-git';
  return result.ok && result.stdout === 'true' ? 'inside-repo' : 'outside-repo';
}

/** The branch that holds the untouched generated output of every generation and upgrade. */
export const PRISTINE_BRANCH = 'mlexp/pristine';

/** `-c user.name=… -c user.email=…` for whatever identity git lacks in `cwd`. */
export function identityArgs(cwd: string, fallback: Identity): string[] {
  const { name, email } = gitIdentity(cwd);
  return [
    ...(name === undefined ? ['-c', `user.name=${fallback.name}`] : []),
    ...(email === undefined ? ['-c', `user.email=${fallback.email}`] : []),
  ];
}

/**
 * `git init`, commit everything, and point the pristine branch at that commit, so a later
 * upgrade can merge the generator's changes over the user's edits.
 */
export function initialCommit(cwd: string, message: string, fallback: Identity, pristineBranch: string): void {
  const run = (step: string, args: string[]) => {
    if (!git(args, cwd).ok) throw new Error(`git ${step} failed in ${cwd}`);
  };
  run('init', ['init', '--quiet', '--initial-branch=main']);
  run('add', ['add', '--all']);
  run('commit', [...identityArgs(cwd, fallback), 'commit', '--quiet', '--no-verify', '-m', message]);
  run('branch', ['branch', pristineBranch, 'HEAD']);
}
