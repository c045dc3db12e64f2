/**
 * One run at a time on a project: two generations into one folder, or two sub-generators adding
 * blocks at once, are serialised with proper-lockfile. A run holds `.mlexp.lock` (an empty folder,
 * which git does not see) inside the project until it is done; a second run waits for it, then
 * starts from what the first one left. A lock whose holder died is taken over once it is stale.
 */
import { existsSync, mkdirSync, rmdirSync } from 'node:fs';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { UserError } from '../core/errors.js';

export const LOCK_NAME = '.mlexp.lock';

/** How long a second run waits for the first before it gives up (generation plus install can take minutes). */
const WAIT_MS = 15 * 60_000;

/**
 * A folder the lock had to create goes again at exit if the run wrote nothing into it (a refused
 * answer, say): a failed run leaves no empty project behind. Our lock is released first; a folder
 * another run has locked since, or wrote into, is not empty and stays.
 */
function removeIfLeftEmpty(folder: string, options: lockfile.UnlockOptions): void {
  process.once('exit', () => {
    try {
      lockfile.unlockSync(folder, options);
    } catch {
      // released already, as a finished run does
    }
    try {
      rmdirSync(folder);
    } catch {
      // not empty: the run wrote the project, or another run holds the folder now
    }
  });
}

/** Take the project's lock (creating the folder if need be); resolves to the function that releases it. */
export async function lockProject(folder: string, log: (line: string) => void): Promise<() => Promise<void>> {
  const created = !existsSync(folder);
  mkdirSync(folder, { recursive: true });
  const options = { lockfilePath: path.join(folder, LOCK_NAME), realpath: false, stale: 20_000, update: 5_000 };
  if (created) removeIfLeftEmpty(folder, options);
  try {
    return await lockfile.lock(folder, { ...options, retries: 0 });
  } catch (error) {
    if ((error as { code?: string }).code !== 'ELOCKED') throw error;
  }
  log(`Another mlexp run is working on ${folder}: waiting for it to finish (the lock of a run that was killed is taken over within ${options.stale / 1000} s).`);
  try {
    return await lockfile.lock(folder, { ...options, retries: { retries: Math.ceil(WAIT_MS / 500), factor: 1, minTimeout: 500, maxTimeout: 500 } });
  } catch (error) {
    if ((error as { code?: string }).code !== 'ELOCKED') throw error;
    throw new UserError(
      `another mlexp run has been working on ${folder} for ${WAIT_MS / 60_000} minutes: let it finish, or, if none is running, remove ${path.join(folder, LOCK_NAME)}`,
    );
  }
}
