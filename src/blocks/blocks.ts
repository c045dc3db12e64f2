/**
 * The declared model of the sub-generators (`mlexp dataset|model|evaluator <name>`): their
 * options, the extra dependencies an option value needs, and block-name validation.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { quoted } from '../options/names.js';
import { PYTHON_KEYWORDS, STDLIB_MODULES } from '../options/stdlib-modules.js';

export type BlockKind = 'dataset' | 'model' | 'evaluator';

export interface BlockOption {
  flag: string;
  description: string;
  /** Choice values, or undefined for free text. */
  values?: readonly string[];
  default: string;
}

export interface BlockKindSpec {
  /** The project subpackage holding this kind's modules (and its registry's auto-discovery). */
  folder: string;
  description: string;
  options: readonly BlockOption[];
  /** Catalogue dependencies an option value needs: `flag=value` → distribution names. */
  dependencies: Record<string, readonly string[]>;
}

const TASK: BlockOption = {
  flag: 'task',
  description: 'The task the block serves.',
  values: ['classification', 'regression'],
  default: 'classification',
};

export const BLOCK_KINDS: Record<BlockKind, BlockKindSpec> = {
  dataset: {
    folder: 'datasets',
    description: 'Add a Dataset: a versioned, fingerprinted table of features and a target.',
    options: [
      {
        flag: 'source',
        description: 'Where the data comes from.',
        values: ['csv', 'parquet', 'sql', 'custom'],
        default: 'csv',
      },
      { flag: 'target', description: 'Name of the target column.', default: 'target' },
    ],
    dependencies: { 'source=parquet': ['pyarrow'], 'source=sql': ['sqlalchemy'] },
  },
  model: {
    folder: 'models',
    description: 'Add a Model that follows the scikit-learn estimator contract.',
    options: [
      {
        flag: 'kind',
        description: 'What the model wraps.',
        values: ['sklearn', 'pytorch', 'custom'],
        default: 'sklearn',
      },
      TASK,
    ],
    dependencies: { 'kind=pytorch': ['torch'] },
  },
  evaluator: {
    folder: 'evaluators',
    description: "Add an Evaluator with a place for the team's business metric.",
    options: [TASK],
    dependencies: {},
  },
};

/** snake_case module name for a block name typed by a user (`Customer Churn` → `customer_churn`). */
export function normalizeBlockName(raw: string): string {
  return raw
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** PascalCase class stem, e.g. `customer_churn` → `CustomerChurn`. */
export function className(name: string): string {
  return name
    .split('_')
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

/** Problems with a raw block name before normalisation (paths are never names). */
export function validateRawBlockName(raw: string): string | undefined {
  if (raw.trim() === '') return 'the block name is empty: give one, e.g. `mlexp dataset customer_churn`';
  if (/[\\/]/.test(raw) || raw.includes('..')) return `${quoted(raw)} is a path, not a name: give a plain name such as customer_churn`;
  const name = normalizeBlockName(raw);
  // letters beyond ASCII are dropped by the folding: refuse rather than make `ünï` the block `n`
  if (/[^\x00-\x7f]/.test(raw)) {
    const safe = normalizeBlockName(raw.normalize('NFKD').replace(/\p{M}/gu, ''));
    return /^[a-z_][a-z0-9_]*$/.test(safe)
      ? `${quoted(raw)} has letters a Python module name cannot hold: use the ASCII name you mean, e.g. ${quoted(safe)}`
      : `${quoted(raw)} has letters a Python module name cannot hold: use ASCII letters, digits and _`;
  }
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) {
    return `${quoted(raw)} does not make a Python identifier: use letters, digits and _, not starting with a digit`;
  }
  if (name.length > 40) return `${quoted(name)} is longer than 40 characters: shorten it`;
  if (PYTHON_KEYWORDS.has(name)) return `${quoted(name)} is a Python keyword: pick another name`;
  if (STDLIB_MODULES.has(name)) return `${quoted(name)} would shadow the standard-library module ${quoted(name)}: pick another name`;
  if (name === 'base' || name === '__init__') return `${quoted(name)} is reserved for the package's own modules: pick another name`;
  return undefined;
}

/**
 * Who already uses `name` in the kind's folder: a module file of that name, or a
 * `register("name")` in another module. Returns a one-line description, or undefined.
 */
export function findClash(packageRoot: string, kind: BlockKind, name: string): string | undefined {
  // the block's config and test go to the project's configs/ and tests/: generated or hand-written,
  // a file already there is someone's (`regression`, `experiment` are generated configs)
  const projectRoot = path.dirname(path.dirname(packageRoot));
  for (const file of [`configs/${name}.yaml`, `tests/test_${kind}_${name}.py`]) {
    if (existsSync(path.join(projectRoot, file))) return `${file} already exists`;
  }
  const folder = path.join(packageRoot, BLOCK_KINDS[kind].folder);
  if (!existsSync(folder)) return undefined;
  if (existsSync(path.join(folder, `${name}.py`))) return `${BLOCK_KINDS[kind].folder}/${name}.py already exists`;
  const registration = new RegExp(`\\.register\\(\\s*["']${name}["']`);
  for (const file of readdirSync(folder)) {
    if (!file.endsWith('.py')) continue;
    if (registration.test(readFileSync(path.join(folder, file), 'utf8'))) {
      return `a ${kind} named ${quoted(name)} is already registered in ${BLOCK_KINDS[kind].folder}/${file}`;
    }
  }
  return undefined;
}
