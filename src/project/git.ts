/**
 * git for the generated project: read the user's identity for defaults, and make the initial
 * commit with a fallback identity when none is configured (never fail for a missing identity).
 * Each call is one git process; a generation starts as few as it can (bench/README.md).
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execaSync } from 'execa';

function gitWith(args: string[], cwd: string, env?: Record<string, string>): { ok: boolean; missing: boolean; stdout: string; stderr: string } {
  try {
    const result = execaSync('git', args, { cwd, reject: false, stdin: 'ignore', env });
    const missing = (result as { code?: string }).code === 'ENOENT';
    return { ok: result.exitCode === 0, missing, stdout: String(result.stdout).trim(), stderr: String(result.stderr).trim() };
  } catch {
    return { ok: false, missing: true, stdout: '', stderr: '' };
  }
}

const git = (args: string[], cwd: string) => gitWith(args, cwd);

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

/**
 * Whether git can be run at all, and the top folder of the work tree `cwd` is in (one call for
 * both): `undefined` when `cwd` is in no repository.
 */
export function gitState(cwd: string): { git: false } | { git: true; top: string | undefined } {
  const result = git(['rev-parse', '--show-toplevel'], cwd);
  if (result.missing) return { git: false };
  return { git: true, top: result.ok && result.stdout !== '' ? result.stdout : undefined };
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
 * `git init` (unless the repository exists), commit everything, and point the pristine branch at
 * the generator's own output, so a later upgrade merges the generator's changes over the user's.
 *
 * `generated` (path → content) is what the generator wrote, when the folder held other files too
 * (a re-run after `--skip-git`): the pristine branch then gets a commit of those files only, and
 * the user's branch a commit of the whole tree on top of it. Their own files are never recorded
 * as generated, so an upgrade can never delete them. Without it, the whole tree is generated.
 */
export function initialCommit(
  cwd: string,
  message: string,
  fallback: Identity,
  pristineBranch: string,
  generated?: ReadonlyMap<string, string>,
): void {
  const run = (step: string, args: string[], env?: Record<string, string>) => {
    const result = gitWith(args, cwd, env);
    if (!result.ok) throw new Error(`git ${step} failed in ${cwd}: ${result.stderr}`);
    return result.stdout;
  };
  if (!git(['rev-parse', '--git-dir'], cwd).ok || !isTop(cwd)) run('init', ['init', '--quiet', '--initial-branch=main']);
  const who = identityArgs(cwd, fallback);
  if (!generated) {
    run('add', ['add', '--all']);
    run('commit', [...who, 'commit', '--quiet', '--no-verify', '-m', message]);
    run('branch', ['branch', '--force', pristineBranch, 'HEAD']);
    return;
  }
  // the generated files alone, staged from a scratch copy through an index of their own
  const scratch = mkdtempSync(path.join(tmpdir(), 'mlexp-pristine-'));
  const gitDir = run('git dir', ['rev-parse', '--absolute-git-dir']);
  const index = path.join(gitDir, 'mlexp-pristine.index');
  try {
    for (const [file, content] of generated) {
      mkdirSync(path.dirname(path.join(scratch, file)), { recursive: true });
      writeFileSync(path.join(scratch, file), content);
    }
    const own = { GIT_INDEX_FILE: index };
    const added = gitWith([`--git-dir=${gitDir}`, `--work-tree=${scratch}`, 'add', '--all'], scratch, own);
    if (!added.ok) throw new Error(`git add of the generated files failed in ${cwd}: ${added.stderr}`);
    const pristineTree = run('write-tree', ['write-tree'], own);
    const pristine = run('commit-tree', [...who, 'commit-tree', pristineTree, '-m', `${message} (the generated files only)`]);
    run('add', ['add', '--all']);
    const tree = run('write-tree', ['write-tree']);
    const head = tree === pristineTree ? pristine : run('commit-tree', [...who, 'commit-tree', tree, '-p', pristine, '-m', message]);
    run('update-ref', ['update-ref', 'HEAD', head]);
    run('branch', ['branch', '--force', pristineBranch, pristine]);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    rmSync(index, { force: true });
  }
}

/** Whether `cwd` is the top folder of its own work tree. */
function isTop(cwd: string): boolean {
  const top = git(['rev-parse', '--show-toplevel'], cwd);
  return top.ok && realpathSync(top.stdout) === realpathSync(cwd);
}

/**
 * Whether the repository at `cwd` lacks what a generation makes: a first commit, or the pristine
 * branch beside it (a generation interrupted in its git step). The next run repairs it.
 */
export function needsRepair(cwd: string, pristineBranch: string): 'no-commit' | 'no-pristine' | undefined {
  if (!git(['rev-parse', '--verify', '--quiet', 'HEAD'], cwd).ok) return 'no-commit';
  if (!git(['rev-parse', '--verify', '--quiet', `refs/heads/${pristineBranch}`], cwd).ok) return 'no-pristine';
  return undefined;
}

/**
 * Point the pristine branch at the first commit when that is the generator's own (its message
 * says so) and the only one: what an interrupt between commit and branch leaves. A history the
 * user made is never taken for generated output.
 */
export function repairPristine(cwd: string, pristineBranch: string): boolean {
  const commits = git(['rev-list', 'HEAD'], cwd).stdout.split('\n').filter(Boolean);
  if (commits.length !== 1) return false;
  const subject = git(['log', '-1', '--format=%s', commits[0]!], cwd).stdout;
  if (!/^Generate .+ with generator-mlexp \S+$/.test(subject)) return false;
  return git(['branch', pristineBranch, commits[0]!], cwd).ok;
}
