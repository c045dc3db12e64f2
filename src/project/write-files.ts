/**
 * Writing a new project to disk in one pass.
 *
 * Yeoman's commit sends every file through the `.yo-resolve` rules and the conflicter, which
 * compares it with what is on disk, one file at a time with asynchronous I/O: a fifth of a
 * generation's time (bench/README.md). A folder that was empty before the generation has nothing to
 * compare with, so its files are written directly. Whenever a check could change the outcome (a
 * pending deletion, a file outside the folder or already on disk, a `.yo-resolve` file above the
 * folder or among the files, a dry run), Yeoman's own commit runs instead.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { clearFileState, isFilePending, isFileStateModified, setCommittedFile } from 'mem-fs-editor/state';
import { commitSharedFsTask } from 'yeoman-environment';
import { UserError } from '../core/errors.js';
import { clearJournal, isStoppedWrite, readJournal, writeJournal, type Journal } from './journal.js';
import { checkWritesInside } from './safe-writes.js';

type CommitEnvironment = Parameters<typeof commitSharedFsTask>[0];
type PendingFile = ReturnType<CommitEnvironment['sharedFs']['all']>[number];

/** Refuse the whole write when any pending file would land outside `root` or inside `.git/`. */
export function checkPendingWrites(env: object, root: string): void {
  const environment = env as CommitEnvironment;
  checkWritesInside(root, environment.sharedFs.all().filter((file) => isFilePending(file)).map((file) => file.path));
}

/** Whether `.yo-resolve` rules apply to `folder`: Yeoman reads them from the folder and every folder above. */
function yoResolveApplies(folder: string): boolean {
  for (let current = folder; ; current = path.dirname(current)) {
    if (existsSync(path.join(current, '.yo-resolve'))) return true;
    if (path.dirname(current) === current) return false;
  }
}

function isInside(folder: string, file: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** The files of a fresh project, or undefined when one of Yeoman's checks could matter. */
function freshFiles(environment: CommitEnvironment, root: string): PendingFile[] | undefined {
  if (environment.conflicterOptions?.dryRun) return undefined;
  const pending = environment.sharedFs.all().filter((file) => isFilePending(file));
  const direct = pending.every(
    (file) =>
      isFileStateModified(file) &&
      isInside(root, file.path) &&
      path.basename(file.path) !== '.yo-resolve' &&
      !existsSync(file.path),
  );
  return direct && !yoResolveApplies(root) ? pending : undefined;
}

/**
 * As mem-fs-editor's commit does for one file: create the folder, write, keep the file's mode.
 * `atomic` writes a temporary file beside it and renames it over: a run killed at that moment
 * leaves the old file or the new one, never half of one (for `.yo-rc.json`, which the next run
 * reads before anything else).
 */
function writeFile(file: PendingFile, atomic = false): void {
  if (!file.contents) throw new Error(`${file.path} cannot be written: it has no contents`);
  mkdirSync(path.dirname(file.path), { recursive: true });
  const mode = file.stat?.mode;
  const target = atomic ? `${file.path}.mlexp-tmp` : file.path;
  writeFileSync(target, file.contents, mode === undefined || mode === null ? {} : { mode });
  if (typeof mode === 'number' && (statSync(target).mode & 0o777) !== (mode & 0o777)) chmodSync(target, mode);
  if (atomic) renameSync(target, file.path);
  setCommittedFile(file);
  clearFileState(file);
}

/** Adapters that prompt on the real terminal (yeoman-test's adapter answers from the test). */
const TERMINAL_ADAPTERS = new Set(['QueuedAdapter', 'TerminalAdapter']);

/** Whether the conflicter can ask the user: a test adapter, or a terminal adapter with a TTY. */
export function canAsk(adapter: object): boolean {
  return !TERMINAL_ADAPTERS.has(adapter.constructor.name) || process.stdin.isTTY === true;
}

/**
 * Pending files that would overwrite a different file on disk: the conflicts the conflicter would
 * raise. A file a stopped run was writing (see journal.ts) is that run's own: it is marked `force`
 * and is no conflict.
 */
function conflicts(pending: readonly PendingFile[], root: string, journal: Journal | undefined): string[] {
  const differs = (file: PendingFile): boolean => {
    try {
      return statSync(file.path).isFile() && !readFileSync(file.path).equals(file.contents as Buffer);
    } catch {
      return true;
    }
  };
  const clashes: string[] = [];
  for (const file of pending) {
    const relative = path.relative(root, file.path);
    // a lossless merge (a sub-generator's dependency addition) is marked `force`: not a conflict
    if ((file as { conflicter?: string }).conflicter === 'force') continue;
    if (!file.contents || path.basename(file.path) === '.yo-rc.json' || !existsSync(file.path) || !differs(file)) continue;
    if (isStoppedWrite(journal, root, relative, file.contents as Buffer)) (file as { conflicter?: string }).conflicter = 'force';
    else clashes.push(relative);
  }
  return clashes;
}

/**
 * The generators' `customCommitTask`: plan the whole write, then do it.
 * - Nothing is written through a symlink out of the project, nor into `.git/`.
 * - Files that differ from what the generator writes are found first. With `--bail`, or with no
 *   terminal to ask, that is one line naming them and nothing is written; `--force` overwrites.
 * - `.yo-rc.json` is written last, once every other file is, so a run stopped at a conflict
 *   leaves the stored answers as they were. Before the first write, the files about to be written
 *   are journaled (journal.ts), and the journal goes after the last: a run stopped in between is
 *   finished by running it again.
 * - A generation into `root`, a folder that was missing or empty when it started (`fresh`), is
 *   written directly when nothing can conflict; anything else goes through Yeoman's conflicter.
 *
 * `env` is the generator's environment; yeoman-generator and yeoman-environment declare it with
 * two versions of mem-fs's types, hence `object`. Logs `create <file>` (relative to `cwd`).
 */
export async function commitGeneration(env: object, fresh: boolean, root: string, cwd: string): Promise<void> {
  const environment = env as CommitEnvironment;
  checkPendingWrites(environment, root);
  const options = environment.conflicterOptions ?? {};
  const pending = environment.sharedFs.all().filter((file) => isFilePending(file));
  const journal = readJournal(root);
  if (!options.force && !options.dryRun && !yoResolveApplies(root)) {
    const clashes = conflicts(pending, root, journal);
    if (clashes.length > 0 && (options.bail || !canAsk(environment.adapter))) {
      const why = options.bail ? '--bail stops before writing anything' : 'there is no terminal to ask about each';
      throw new UserError(
        `${clashes.length} file(s) conflict with what mlexp writes (${clashes.join(', ')}): ${why}; nothing was written. Run with --force to overwrite them, or in a terminal to decide file by file`,
      );
    }
  }
  if (options.dryRun) {
    await commitSharedFsTask(environment);
    return;
  }
  writeJournal(root, pending.flatMap((file) => (file.contents ? [{ path: file.path, contents: file.contents as Buffer }] : [])));
  const answersPath = path.join(root, '.yo-rc.json');
  const answers = pending.find((file) => file.path === answersPath);
  const files = fresh ? freshFiles(environment, root) : undefined;
  const log = environment.adapter.log as unknown as { create?: (file: string) => void; force?: (file: string) => void };
  if (files) {
    for (const file of files.filter((each) => each !== answers)) {
      writeFile(file);
      log.create?.(path.relative(cwd, file.path));
    }
    if (answers) {
      writeFile(answers, true);
      log.create?.(path.relative(cwd, answers.path));
    }
  } else {
    // .yo-rc.json last: held back from Yeoman's commit, written once the rest is
    if (answers) clearFileState(answers);
    await commitSharedFsTask(environment);
    if (answers) {
      writeFile(answers, true);
      // as Yeoman's commit reports the stored answers, which it always overwrites
      log.force?.(path.relative(cwd, answers.path));
    }
  }
  clearJournal(root);
}

/** The sub-generators' `customCommitTask`: the same plan, for a project that exists. */
export async function commitInside(env: object, root: () => string): Promise<void> {
  await commitGeneration(env, false, root(), root());
}
