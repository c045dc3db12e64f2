/**
 * Python interpreters on this machine: `python3.X` on PATH, or an installed pyenv version. pyenv's
 * shims are not trusted, as a shim exists for every version and runs only the active one: the
 * interpreter is found in pyenv's own `versions/` folder instead. Only the file system is read
 * (no process is started), so looking costs well under a millisecond.
 */
import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PYTHON_VERSIONS, type PythonVersion } from '../options/values.js';

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** A PATH folder that holds pyenv's shims: `<root>/shims` beside `<root>/versions`. */
function isPyenvShims(folder: string): boolean {
  return path.basename(folder) === 'shims' && isFolder(path.join(folder, '..', 'versions'));
}

function isFolder(folder: string): boolean {
  try {
    return statSync(folder).isDirectory();
  } catch {
    return false;
  }
}

/** pyenv roots to look in: PYENV_ROOT, `~/.pyenv`, and the root of any shims folder on PATH. */
function pyenvRoots(env: NodeJS.ProcessEnv): string[] {
  const fromPath = (env.PATH ?? '').split(path.delimiter).filter(isPyenvShims).map((shims) => path.dirname(path.resolve(shims)));
  const roots = [env.PYENV_ROOT, path.join(env.HOME || os.homedir(), '.pyenv'), ...fromPath];
  return [...new Set(roots.filter((root): root is string => Boolean(root)))];
}

/** `python3.X` in a PATH folder that is not pyenv's shims. */
function onPath(version: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const folder of (env.PATH ?? '').split(path.delimiter)) {
    if (folder === '' || isPyenvShims(folder)) continue;
    const candidate = path.join(folder, `python${version}`);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** The newest installed pyenv CPython of this minor version (`versions/3.12.1/bin/python3.12`). */
function inPyenv(version: string, env: NodeJS.ProcessEnv): string | undefined {
  const pattern = new RegExp(`^${version.replace('.', '\\.')}\\.\\d+$`);
  const patch = (entry: string) => Number(entry.slice(version.length + 1));
  for (const root of pyenvRoots(env)) {
    const versions = path.join(root, 'versions');
    let entries: string[];
    try {
      entries = readdirSync(versions);
    } catch {
      continue;
    }
    for (const entry of entries.filter((name) => pattern.test(name)).sort((a, b) => patch(b) - patch(a))) {
      const candidate = path.join(versions, entry, 'bin', `python${version}`);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

/** The interpreter for `version` (e.g. `3.12`), or undefined when this machine has none. */
export function findPython(version: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return onPath(version, env) ?? inPyenv(version, env);
}

/** The supported versions this machine has an interpreter for, oldest first. */
export function availablePythons(env: NodeJS.ProcessEnv = process.env): PythonVersion[] {
  return PYTHON_VERSIONS.filter((version) => findPython(version, env) !== undefined);
}
