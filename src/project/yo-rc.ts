/**
 * Finding and reading an existing mlexp project: its root and the answers in `.yo-rc.json`.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../core/errors.js';
import { LOCK_NAME } from './lock.js';

export const GENERATOR_KEY = 'generator-mlexp';
export const YO_RC = '.yo-rc.json';

/** The stored section of `.yo-rc.json`, or undefined when the folder is not an mlexp project. */
export function readStoredConfig(folder: string): Record<string, unknown> | undefined {
  const file = path.join(folder, YO_RC);
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  if (text.trim() === '') {
    throw new UserError(
      `${file} is empty: a generation was interrupted; if nothing in ${folder} is yours, delete it and run mlexp again`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UserError(
      `${file} is not valid JSON (${(error as Error).message}): fix it, or restore it with \`git checkout -- ${YO_RC}\``,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UserError(`${file} must hold a JSON object: restore it with \`git checkout -- ${YO_RC}\``);
  }
  const section = (parsed as Record<string, unknown>)[GENERATOR_KEY];
  if (section === undefined) return undefined;
  if (typeof section !== 'object' || section === null || Array.isArray(section)) {
    throw new UserError(`${file}: "${GENERATOR_KEY}" must be an object: restore it with \`git checkout -- ${YO_RC}\``);
  }
  return section as Record<string, unknown>;
}

/** Walk up from `start` to the nearest folder whose `.yo-rc.json` has an mlexp section. */
export function findProjectRoot(start: string): string | undefined {
  let folder = path.resolve(start);
  for (;;) {
    if (readStoredConfig(folder) !== undefined) return folder;
    const parent = path.dirname(folder);
    if (parent === folder) return undefined;
    folder = parent;
  }
}

/** True when `folder` does not exist, or exists and is empty. */
export function isEmptyOrMissing(folder: string): boolean {
  if (!existsSync(folder)) return true;
  if (!statSync(folder).isDirectory()) return false;
  // the lock a run holds while it works is not content
  return readdirSync(folder).every((entry) => entry === LOCK_NAME);
}
