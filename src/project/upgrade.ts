/**
 * Upgrading a generated project: re-render it with this generator version and the (possibly
 * changed) answers, commit that output on the pristine branch, and merge it into the user's branch
 * with git's three-way merge. The merge base is the previous pristine output, so only the
 * generator's changes are applied over the user's edits; clashes are ordinary git conflicts.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execaSync } from 'execa';
import semver from 'semver';
import { UserError } from '../core/errors.js';
import { identityArgs, PRISTINE_BRANCH, type Identity } from './git.js';
import { GENERATOR_KEY, YO_RC } from './yo-rc.js';

export interface UpgradeOptions {
  root: string;
  stored: Record<string, unknown>;
  /** Changed answers, as `--flag value` pairs. */
  overrides: Record<string, string>;
  dryRun: boolean;
  /** Render the project into `folder`, which holds the stored `.yo-rc.json`, with `flags`. */
  render: (folder: string, flags: string[]) => void;
  log: (line: string) => void;
  version: string;
  /** Go ahead when the project records a newer generator than this one. */
  allowOlder?: boolean;
  /**
   * Files of the recorded output that a render cannot write (the env tool's lock, which its install
   * wrote): the new output keeps them as recorded, so the merge leaves the user's copy alone.
   */
  carried?: readonly string[];
}

export interface UpgradeSummary {
  updated: string[];
  added: string[];
  removed: string[];
  conflicts: string[];
  /** The commands that undo the upgrade, or undefined when nothing changed. */
  abort?: string;
}

function git(root: string, args: string[], options: { env?: Record<string, string>; reject?: boolean; cwd?: string } = {}) {
  const result = execaSync('git', args, { cwd: options.cwd ?? root, reject: false, stdin: 'ignore', env: options.env });
  if ((options.reject ?? true) && result.exitCode !== 0) {
    throw new Error(`git ${args.join(' ')} failed: ${String(result.stderr).trim()}`);
  }
  return { code: result.exitCode ?? 1, out: String(result.stdout).trim() };
}

const lines = (text: string) => text.split('\n').filter(Boolean);

function fallbackIdentity(stored: Record<string, unknown>): Identity {
  const name = typeof stored.authorName === 'string' && stored.authorName ? stored.authorName : 'mlexp';
  const email = typeof stored.authorEmail === 'string' && stored.authorEmail ? stored.authorEmail : 'mlexp@localhost';
  return { name, email };
}

/** Stop unless `root` is a clean git work tree with a pristine branch; return that branch. */
function checkPreconditions(root: string, stored: Record<string, unknown>, version: string, allowOlder: boolean): string {
  const top = git(root, ['rev-parse', '--show-toplevel'], { reject: false });
  if (top.code !== 0 || path.resolve(top.out) !== path.resolve(root)) {
    throw new UserError(`${root} is not the top of a git repository: upgrades merge through git; commit the project first`);
  }
  // a merge on a detached HEAD is lost as soon as anything is checked out
  if (git(root, ['symbolic-ref', '--quiet', 'HEAD'], { reject: false }).code !== 0) {
    throw new UserError('HEAD is detached: check out the branch to upgrade (`git switch main`), then run the upgrade again');
  }
  const recorded = typeof stored.version === 'string' ? semver.valid(stored.version) : null;
  if (recorded && semver.gt(recorded, version) && !allowOlder) {
    throw new UserError(
      `this project was made by generator-mlexp ${recorded}, newer than this ${version}: install ${recorded} or later, or pass --allow-older to go back`,
    );
  }
  const dirty = lines(git(root, ['status', '--porcelain']).out);
  if (dirty.length > 0) {
    throw new UserError(
      `the work tree has ${dirty.length} uncommitted change(s): commit or stash them (\`git stash -u\`), then run the upgrade again`,
    );
  }
  const branch = pristineBranchOf(stored);
  if (git(root, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], { reject: false }).code !== 0) {
    throw new UserError(
      `no pristine generated output is recorded (branch ${branch} is missing): if commit C holds the files exactly as generated, run \`git branch ${branch} C\`, then upgrade again`,
    );
  }
  return branch;
}

/** What the generator writes in `.dvc/`: anything else there is DVC's (cache, tmp) or the user's. */
const DVC_OWN = new Set(['config', '.gitignore']);

/**
 * Stop a change of `--data-versioning` from dvc to none while DVC still holds something: the new
 * output drops `.dvc/config` and `.dvc/.gitignore`, which would orphan the pointer files and leave
 * what that `.gitignore` kept out of git (the cache, copies of the data; `config.local`, which
 * holds credentials) one `git add` away from the repository.
 */
function checkDataVersioningChange(root: string, stored: Record<string, unknown>, overrides: Record<string, string>): void {
  const target = overrides['data-versioning'];
  if (stored.dataVersioning !== 'dvc' || target === undefined || target === 'dvc') return;
  const files = git(root, ['ls-files', '-z', '--cached', '--others', '--exclude-standard']).out.split('\0');
  const pointers = files.filter((file) => file.endsWith('.dvc') && !file.startsWith('.dvc/'));
  const folder = path.join(root, '.dvc');
  const inFolder = statSync(folder, { throwIfNoEntry: false })?.isDirectory() ? readdirSync(folder) : [];
  const left = inFolder.filter((name) => !DVC_OWN.has(name)).sort().map((name) => `.dvc/${name}`);
  if (pointers.length === 0 && left.length === 0) return;
  const shown = [...pointers.slice(0, 3), ...(pointers.length > 3 ? [`${pointers.length - 3} more`] : []), ...left];
  throw new UserError(
    `--data-versioning ${target} would leave what DVC keeps out of git unversioned and unignored (${shown.join(', ')}): ` +
      'stop tracking each file with `dvc remove <file>.dvc` (the data file stays), delete all of .dvc/ but config and .gitignore, commit, then upgrade again',
  );
}

/** Copy `file` as commit `from` holds it into `folder`, unless the render wrote it there. */
function carryOver(root: string, from: string, folder: string, file: string): void {
  const target = path.join(folder, file);
  if (existsSync(target)) return;
  const blob = execaSync('git', ['cat-file', 'blob', `${from}:${file}`], { cwd: root, reject: false, stdin: 'ignore', encoding: 'buffer', stripFinalNewline: false });
  if (blob.exitCode === 0) writeFileSync(target, blob.stdout);
}

/** Write the files of `folder` as a tree object of the project's repository (its own index). */
function writeTree(root: string, folder: string): string {
  const index = path.join(mkdtempSync(path.join(tmpdir(), 'mlexp-index-')), 'index');
  const repository = git(root, ['rev-parse', '--absolute-git-dir']).out;
  const env = { GIT_INDEX_FILE: index };
  const inFolder = ['--git-dir', repository, '--work-tree', folder];
  git(root, [...inFolder, 'add', '--all', '.'], { env, cwd: folder });
  const tree = git(root, [...inFolder, 'write-tree'], { env, cwd: folder }).out;
  rmSync(path.dirname(index), { recursive: true, force: true });
  return tree;
}

/** Resolve what the three-way merge leaves that has one right answer; return what remains. */
function resolveKnownConflicts(root: string, stored: Record<string, unknown>): string[] {
  const remaining: string[] = [];
  for (const file of lines(git(root, ['diff', '--name-only', '--diff-filter=U']).out)) {
    const stages = new Set(lines(git(root, ['ls-files', '--unmerged', '--', file]).out).map((line) => line.split(/\s+/)[2]));
    if (!stages.has('2')) {
      git(root, ['rm', '--quiet', '--', file]); // the user deleted it: it stays deleted
    } else if (!stages.has('3')) {
      git(root, ['add', '--', file]); // the template dropped it, but the user changed it: keep theirs
    } else if (file === YO_RC) {
      // answers and version from the new output, everything else (blocks, extras) kept
      const theirs = JSON.parse(git(root, ['show', `:3:${YO_RC}`]).out)[GENERATOR_KEY];
      const ours = JSON.parse(git(root, ['show', `:2:${YO_RC}`]).out);
      ours[GENERATOR_KEY] = { ...stored, ...ours[GENERATOR_KEY], ...theirs };
      writeFileSync(path.join(root, YO_RC), `${JSON.stringify(ours, null, 2)}\n`);
      git(root, ['add', '--', YO_RC]);
    } else {
      remaining.push(file);
    }
  }
  return remaining;
}

/** What changed between two states, as `git diff --name-status` arguments (old first). */
function summarize(root: string, between: string[], conflicts: string[]): UpgradeSummary {
  const summary: UpgradeSummary = { updated: [], added: [], removed: [], conflicts };
  for (const line of lines(git(root, ['diff', '--name-status', '--no-renames', ...between]).out)) {
    const [status, file] = line.split('\t');
    if (!file || conflicts.includes(file)) continue;
    if (status === 'A') summary.added.push(file);
    else if (status === 'D') summary.removed.push(file);
    else summary.updated.push(file);
  }
  return summary;
}

/**
 * The output of an upgrade whose merge is not committed yet. The pristine branch moves to it only
 * once the merge is part of the user's history, so an aborted merge loses nothing: the next
 * upgrade starts over from the pristine output the branch still records.
 */
export const PENDING_REF = 'refs/mlexp/upgrade';

function pristineBranchOf(stored: Record<string, unknown>): string {
  return typeof stored.pristineBranch === 'string' ? stored.pristineBranch : PRISTINE_BRANCH;
}

/** Settle an earlier upgrade: record it when its merge was committed, drop it when it was not. */
function settlePending(root: string, stored: Record<string, unknown>, dryRun: boolean, log: (line: string) => void): string | undefined {
  const pending = git(root, ['rev-parse', '--verify', '--quiet', PENDING_REF], { reject: false });
  if (pending.code !== 0) return undefined;
  if (git(root, ['rev-parse', '--verify', '--quiet', 'MERGE_HEAD'], { reject: false }).code === 0) {
    throw new UserError(
      'an upgrade is in progress: resolve its conflicts, `git add` them and `git commit`, then run `mlexp upgrade` again; or drop it with `git merge --abort`',
    );
  }
  const merged = git(root, ['merge-base', '--is-ancestor', pending.out, 'HEAD'], { reject: false }).code === 0;
  if (dryRun) return merged ? pending.out : undefined;
  if (merged) {
    git(root, ['update-ref', `refs/heads/${pristineBranchOf(stored)}`, pending.out]);
    log(`Recorded the earlier upgrade, whose merge you committed: ${pristineBranchOf(stored)} now holds its output.`);
  } else {
    log('The earlier upgrade was not finished (its merge was aborted or undone): starting over.');
  }
  git(root, ['update-ref', '-d', PENDING_REF]);
  return undefined;
}

export function upgradeProject(options: UpgradeOptions): UpgradeSummary {
  const { root, stored, log } = options;
  const settled = settlePending(root, stored, options.dryRun, log);
  const branch = checkPreconditions(root, stored, options.version, options.allowOlder ?? false);
  checkDataVersioningChange(root, stored, options.overrides);
  const oldPristine = settled ?? git(root, ['rev-parse', `refs/heads/${branch}`]).out;
  const head = git(root, ['rev-parse', 'HEAD']).out;

  const scratch = mkdtempSync(path.join(tmpdir(), 'mlexp-upgrade-'));
  try {
    const folder = path.join(scratch, path.basename(root));
    mkdirSync(folder);
    writeFileSync(path.join(folder, YO_RC), readFileSync(path.join(root, YO_RC)));
    const flags = Object.entries(options.overrides).flatMap(([flag, value]) => [`--${flag}`, value]);
    options.render(folder, flags);
    for (const file of options.carried ?? []) carryOver(root, oldPristine, folder, file);
    const tree = writeTree(root, folder);

    if (tree === git(root, ['rev-parse', `${oldPristine}^{tree}`]).out) {
      log('Already up to date: the generator would write exactly what it wrote last time.');
      return { updated: [], added: [], removed: [], conflicts: [] };
    }
    const changed = Object.entries(options.overrides).map(([flag, value]) => `--${flag} ${value}`).join(' ');
    const message = `Generated output of generator-mlexp ${options.version}${changed ? ` with ${changed}` : ''}`;
    const identity = identityArgs(root, fallbackIdentity(stored));
    const commit = git(root, [...identity, 'commit-tree', tree, '-p', oldPristine, '-m', message]).out;

    if (options.dryRun) {
      const merged = git(root, ['merge-tree', '--write-tree', '--name-only', '--no-messages', head, commit], { reject: false });
      const [resultTree, ...conflicted] = lines(merged.out);
      return summarize(root, [head, resultTree!], merged.code === 0 ? [] : conflicted);
    }

    const merge = git(root, [...identity, 'merge', '--no-ff', '--no-edit', '-m', `Upgrade: ${message}`, commit], { reject: false });
    const undo = `git reset --hard ${head} && git branch -f ${branch} ${oldPristine}`;
    if (merge.code !== 0) {
      if (git(root, ['rev-parse', '--quiet', '--verify', 'MERGE_HEAD'], { reject: false }).code !== 0) {
        throw new Error(`git merge failed: ${merge.out}`);
      }
      const conflicts = resolveKnownConflicts(root, stored);
      if (conflicts.length > 0) {
        // the pristine branch waits for the merge: see PENDING_REF
        git(root, ['update-ref', PENDING_REF, commit]);
        return { ...summarize(root, ['--cached', head], conflicts), abort: 'git merge --abort' };
      }
      git(root, [...identity, 'commit', '--no-edit', '--no-verify']);
    }
    git(root, ['update-ref', `refs/heads/${branch}`, commit, oldPristine]);
    return { ...summarize(root, [head, 'HEAD'], []), abort: undo };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
