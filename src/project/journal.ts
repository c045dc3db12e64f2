/**
 * The write journal: what a run that was stopped half-way was writing.
 *
 * Before its first write, a run records in `.mlexp-journal.json` (in the project's root) the
 * command line and every file it is about to write, with the SHA-256 of each file's content. It
 * removes the journal after its last write (`.yo-rc.json`). A Ctrl-C, a kill or a power cut in
 * between leaves the journal behind, and with it what the next run needs:
 * - the same command again finishes the job: a listed file that holds what the journal planned, or
 *   the start of what this run writes (a write cut short), is the stopped run's own, so it is
 *   neither a conflict nor a clash with a block name;
 * - every run names the stopped command, so the user knows what to run.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { quote } from 'shell-quote';

export const JOURNAL_NAME = '.mlexp-journal.json';

export interface Journal {
  /** The stopped run's command line, as typed. */
  command: string;
  /** Project-relative path → SHA-256 (hex) of the content the run was writing there. */
  files: Record<string, string>;
}

export function sha256(content: Buffer | string): string {
  return createHash('sha256').update(content).digest('hex');
}

/** This process's command line, as the user would type it again (`mlexp …` or `yo mlexp …`). */
export function commandLine(argv: readonly string[] = process.argv): string {
  const script = path.basename(argv[1] ?? 'mlexp');
  const program = script === 'cli.js' || script === 'mlexp' ? 'mlexp' : script;
  return quote([program, ...argv.slice(2)]);
}

/** The journal a stopped run left in `root`, or undefined. One that cannot be read lists no file. */
export function readJournal(root: string): Journal | undefined {
  const file = path.join(root, JOURNAL_NAME);
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<Journal>;
    const files = typeof parsed.files === 'object' && parsed.files !== null ? parsed.files : {};
    return { command: typeof parsed.command === 'string' ? parsed.command : 'mlexp', files };
  } catch {
    return { command: 'mlexp', files: {} };
  }
}

/** Record the files a run is about to write (absolute paths inside `root`, with their content). */
export function writeJournal(root: string, files: ReadonlyArray<{ path: string; contents: Buffer }>): void {
  const journal: Journal = {
    command: commandLine(),
    files: Object.fromEntries(files.map((file) => [path.relative(root, file.path), sha256(file.contents)])),
  };
  writeFileSync(path.join(root, JOURNAL_NAME), `${JSON.stringify(journal, null, 2)}\n`);
}

export function clearJournal(root: string): void {
  rmSync(path.join(root, JOURNAL_NAME), { force: true });
}

/**
 * Whether `relative`'s content on disk is the stopped run's own write: the journal lists the file,
 * and the disk holds what the journal planned, or the start of `planned` (what this run writes).
 */
export function isStoppedWrite(journal: Journal | undefined, root: string, relative: string, planned?: Buffer): boolean {
  const recorded = journal?.files[relative];
  if (recorded === undefined) return false;
  let disk: Buffer;
  try {
    disk = readFileSync(path.join(root, relative));
  } catch {
    return false;
  }
  if (sha256(disk) === recorded) return true;
  return planned !== undefined && disk.length < planned.length && planned.subarray(0, disk.length).equals(disk);
}

/** The line a run prints when it finds a stopped run's journal. */
export function stoppedRunLine(journal: Journal, root: string): string {
  return `An earlier run (\`${journal.command}\`) stopped while writing ${root}: running it again finishes it.`;
}
