/**
 * Where the installed package's files are. The code runs from the bundles in `generators/` (entries
 * and shared chunks) and, in this repository, from the tsc build in `build/`, so paths are found
 * from the package root, never from a fixed depth below this module.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nearest folder up from `start` that holds a package.json: neither `generators/` nor its subfolders have one. */
function packageRootFrom(start: string): string {
  for (let folder = start; ; folder = path.dirname(folder)) {
    if (existsSync(path.join(folder, 'package.json'))) return folder;
    if (path.dirname(folder) === folder) throw new Error(`no package.json above ${start}: reinstall generator-mlexp`);
  }
}

export const PACKAGE_ROOT = packageRootFrom(path.dirname(fileURLToPath(import.meta.url)));

/** The bundled generators (`generators/<name>/index.js`, found by `yo`) and the `mlexp` bin. */
export const GENERATORS_DIR = path.join(PACKAGE_ROOT, 'generators');
export const CLI_PATH = path.join(GENERATORS_DIR, 'cli.js');
