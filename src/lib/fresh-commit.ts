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
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { clearFileState, isFilePending, isFileStateModified, setCommittedFile } from 'mem-fs-editor/state';
import { commitSharedFsTask } from 'yeoman-environment';

type CommitEnvironment = Parameters<typeof commitSharedFsTask>[0];
type PendingFile = ReturnType<CommitEnvironment['sharedFs']['all']>[number];

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

/** As mem-fs-editor's commit does for one file: create the folder, write, keep the file's mode. */
function writeFile(file: PendingFile): void {
  if (!file.contents) throw new Error(`${file.path} cannot be written: it has no contents`);
  mkdirSync(path.dirname(file.path), { recursive: true });
  const mode = file.stat?.mode;
  writeFileSync(file.path, file.contents, mode === undefined || mode === null ? {} : { mode });
  if (typeof mode === 'number' && (statSync(file.path).mode & 0o777) !== (mode & 0o777)) chmodSync(file.path, mode);
  setCommittedFile(file);
  clearFileState(file);
}

/**
 * The generator's `customCommitTask`. A generation into `root`, a folder that was missing or empty
 * when it started (`fresh`), is written directly when nothing can conflict; anything else goes
 * through Yeoman's commit. Logs `create <file>` (relative to `cwd`) as Yeoman's commit does.
 *
 * `env` is the generator's environment; yeoman-generator and yeoman-environment declare it with
 * two versions of mem-fs's types, hence `object`.
 */
export async function commitGeneration(env: object, fresh: boolean, root: string, cwd: string): Promise<void> {
  const environment = env as CommitEnvironment;
  const files = fresh ? freshFiles(environment, root) : undefined;
  if (!files) {
    await commitSharedFsTask(environment);
    return;
  }
  const log = environment.adapter.log as unknown as { create?: (file: string) => void };
  for (const file of files) {
    writeFile(file);
    log.create?.(path.relative(cwd, file.path));
  }
}
