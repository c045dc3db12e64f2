/**
 * Python the generated projects hold stays within their ruff line length whatever the names.
 * The templates are laid out for package and block names of ordinary length; where a long name
 * (up to 40 characters, package and block names alike) pushes a line past the limit, the file is laid out again by ruff's own
 * formatter (its WebAssembly build, of the 0.17 line the projects' ruff pins), as `ruff format`
 * would. Files within the limit are left as the template wrote them, and the formatter is only
 * loaded when a file needs it.
 */
import { createRequire } from 'node:module';

/** `[tool.ruff] line-length` of every generated project. */
export const LINE_LENGTH = 100;

type Ruff = typeof import('@astral-sh/ruff-wasm-nodejs');
let workspace: InstanceType<Ruff['Workspace']> | undefined;

/** The formatter, compiled on first use; resolved from here, in the tsc build and in the bundle alike. */
function ruff(): InstanceType<Ruff['Workspace']> {
  if (!workspace) {
    const { Workspace, PositionEncoding } = createRequire(import.meta.url)('@astral-sh/ruff-wasm-nodejs') as Ruff;
    workspace = new Workspace({ 'line-length': LINE_LENGTH, 'target-version': 'py311' }, PositionEncoding.Utf16);
  }
  return workspace;
}

/** A trailing pragma comment, which ruff leaves out of a line's width (E501 and the formatter alike). */
const PRAGMA = /\s*#\s*(?:type:|noqa\b|pyright:|pylint:|nosec\b).*$/;

/**
 * Whether a line of `text` is longer than the projects' line length (in characters, as ruff counts
 * ASCII), a trailing pragma comment such as `# type: ignore[...]` not counted, as ruff does not.
 */
export function hasLongLine(text: string): boolean {
  return text.split('\n').some((line) => [...line.replace(PRAGMA, '')].length > LINE_LENGTH);
}

/**
 * `source` (a Python module) as ruff formats it, if a line of it is too long; else unchanged.
 * Source ruff cannot parse (a preset's template gone wrong, say) is left as it is, for the
 * project's own `ruff check` to point at.
 */
export function fitPython(source: string): string {
  if (!hasLongLine(source)) return source;
  try {
    return ruff().format(source);
  } catch {
    return source;
  }
}

/** Lay out again each `.py` file among `paths` that has a line too long, through `fs` (Yeoman's editor). */
export function fitPythonFiles(fs: { read(file: string): string; write(file: string, contents: string): void }, paths: string[]): void {
  for (const file of paths) {
    if (!file.endsWith('.py')) continue;
    const source = fs.read(file);
    const fitted = fitPython(source);
    if (fitted !== source) fs.write(file, fitted);
  }
}
