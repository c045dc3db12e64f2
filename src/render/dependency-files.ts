/**
 * Adding a dependency to an existing project's env files, the way `poetry add` would: the
 * user's content stays, the requirement is added where the tool reads it. Each edit says whether
 * it kept the file byte-for-byte apart from the addition (then no conflict prompt is needed).
 */
import { parse as parseToml } from 'smol-toml';
import { isMap, isSeq, parseDocument } from 'yaml';
import { requirement, type PythonDependency } from '../options/catalogue.js';
import type { EnvTool } from '../options/options.js';
import { toToml } from './toml.js';

export interface FileEdit {
  content: string;
  /** True when nothing but the additions changed (comments and layout kept). */
  lossless: boolean;
}

const distribution = (spec: string) => spec.split(/[<>=!~;[ ]/)[0]!.trim().toLowerCase();

interface Pyproject extends Record<string, unknown> {
  project?: { dependencies?: string[] };
  tool?: { deptry?: { per_rule_ignores?: { DEP002?: string[] } } };
}

function addToPyproject(text: string, dependencies: readonly PythonDependency[]): FileEdit {
  const data = parseToml(text) as Pyproject;
  const lossless = toToml(data) === text;
  const project = (data.project ??= {});
  const list = (project.dependencies ??= []);
  for (const dependency of dependencies) {
    if (!list.some((spec) => distribution(spec) === dependency.name)) list.push(requirement(dependency));
    // a plugin (pyarrow, which pandas loads) is never imported: deptry is told it is used
    const deptry = data.tool?.deptry;
    if (dependency.plugin && deptry) {
      const unused = ((deptry.per_rule_ignores ??= {}).DEP002 ??= []);
      if (!unused.includes(dependency.name)) unused.push(dependency.name);
    }
  }
  return { content: toToml(data), lossless };
}

function addToRequirements(text: string, dependencies: readonly PythonDependency[]): FileEdit {
  const present = new Set(text.split('\n').map(distribution));
  const added = dependencies.filter((dependency) => !present.has(dependency.name)).map(requirement);
  const base = text.endsWith('\n') || text === '' ? text : `${text}\n`;
  return { content: added.length ? `${base}${added.join('\n')}\n` : text, lossless: true };
}

function addToEnvironmentYml(text: string, dependencies: readonly PythonDependency[]): FileEdit {
  const document = parseDocument(text);
  const list = document.get('dependencies');
  if (!isSeq(list)) throw new Error('environment.yml has no dependencies list');
  const pip = list.items.find((item) => isMap(item) && item.has('pip'));
  const pipList = isMap(pip) ? pip.get('pip') : undefined;
  const names = new Set(
    list.items.flatMap((item) => (isMap(item) ? [] : [distribution(String((item as { value?: unknown }).value ?? item))])),
  );
  for (const dependency of dependencies) {
    if (dependency.conda !== null) {
      if (!names.has(dependency.conda)) list.items.splice(isMap(pip) ? list.items.indexOf(pip) : list.items.length, 0, document.createNode(`${dependency.conda}${dependency.range}`));
    } else if (isSeq(pipList) && !pipList.items.some((item) => distribution(String((item as { value?: unknown }).value)) === dependency.name)) {
      pipList.items.unshift(document.createNode(requirement(dependency)));
    }
  }
  return { content: document.toString(), lossless: true };
}

/** The env files of `envTool` that declare runtime dependencies, and how to add to each. */
const EDITORS: Record<EnvTool, Record<string, (text: string, dependencies: readonly PythonDependency[]) => FileEdit>> = {
  venv: { 'pyproject.toml': addToPyproject, 'requirements.txt': addToRequirements },
  conda: { 'pyproject.toml': addToPyproject, 'environment.yml': addToEnvironmentYml },
  poetry: { 'pyproject.toml': addToPyproject },
  uv: { 'pyproject.toml': addToPyproject },
};

/** Edits for every env file of the project that exists; `read` returns undefined for a missing file. */
export function addDependencies(
  envTool: EnvTool,
  read: (file: string) => string | undefined,
  dependencies: readonly PythonDependency[],
): Record<string, FileEdit> {
  const edits: Record<string, FileEdit> = {};
  if (dependencies.length === 0) return edits;
  for (const [file, edit] of Object.entries(EDITORS[envTool])) {
    const text = read(file);
    if (text !== undefined) edits[file] = edit(text, dependencies);
  }
  return edits;
}
