/**
 * Adding a dependency to an existing project's env files, the way `poetry add` would: the
 * user's content stays, the requirement is added where the tool reads it (each env tool module
 * says which files and how, src/env-tools/). Each edit says whether it kept the file
 * byte-for-byte apart from the addition (then no conflict prompt is needed).
 */
import { ENV_TOOL_MODULES, type FileEdit } from '../env-tools/index.js';
import type { PythonDependency } from '../options/catalogue.js';
import type { EnvTool } from '../options/values.js';

/** Edits for every env file of the project that exists; `read` returns undefined for a missing file. */
export function addDependencies(
  envTool: EnvTool,
  read: (file: string) => string | undefined,
  dependencies: readonly PythonDependency[],
): Record<string, FileEdit> {
  const edits: Record<string, FileEdit> = {};
  if (dependencies.length === 0) return edits;
  for (const [file, edit] of Object.entries(ENV_TOOL_MODULES[envTool].editors)) {
    const text = read(file);
    if (text !== undefined) edits[file] = edit(text, dependencies);
  }
  return edits;
}
