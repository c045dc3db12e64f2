import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import helpers from 'yeoman-test';
import { validatePackageName } from '../options/names.js';
import { generatorPath, listFiles, runApp, tmpFolder } from '../../test/helpers.js';
import { fitPython, hasLongLine, LINE_LENGTH } from './python-format.js';

type Ruff = typeof import('@astral-sh/ruff-wasm-nodejs');
const { Workspace, PositionEncoding } = createRequire(import.meta.url)('@astral-sh/ruff-wasm-nodejs') as Ruff;

/** The longest names the generator takes: a package name and block names of 40 characters. */
const PACKAGE = 'p'.repeat(40);
const block = (suffix: string) => `${'b'.repeat(38)}_${suffix}`;

/** Every value of the options that choose Python files, over as few projects as cover them. */
const PROJECTS = [
  { tracker: 'mlflow', structure: 'ccds', dataVersioning: 'none', dataStorage: 'none', ci: 'github' },
  { tracker: 'databricks', structure: 'generic', dataVersioning: 'dvc', dataStorage: 's3', ci: 'azure-pipelines' },
  { tracker: 'azureml', structure: 'ccds', dataVersioning: 'none', dataStorage: 'azure', ci: 'none' },
  { tracker: 'wandb', structure: 'generic', dataVersioning: 'dvc', dataStorage: 'local', ci: 'github' },
  { tracker: 'none', structure: 'ccds', dataVersioning: 'none', dataStorage: 'gcs', ci: 'github' },
];
const BLOCKS: Array<[string, string, Record<string, string>]> = [
  ['dataset', block('c'), { source: 'csv' }],
  ['dataset', block('q'), { source: 'sql' }],
  ['dataset', block('p'), { source: 'parquet' }],
  ['dataset', block('x'), { source: 'custom' }],
  ['model', block('m'), { kind: 'sklearn', task: 'regression' }],
  ['model', block('t'), { kind: 'pytorch', task: 'classification' }],
  ['model', block('u'), { kind: 'custom', task: 'classification' }],
  ['evaluator', block('e'), { task: 'regression' }],
  ['evaluator', block('f'), { task: 'classification' }],
];

/** ruff's line-length and import-layout rules and its formatter, as the generated pyproject.toml sets them. */
const ruff = new Workspace(
  {
    'line-length': LINE_LENGTH,
    'target-version': 'py311',
    lint: { select: ['E501', 'I001'], isort: { 'known-first-party': [PACKAGE], 'known-local-folder': ['conftest', 'mocks'] } },
  },
  PositionEncoding.Utf16,
);

/** What `ruff check` and `ruff format --check` would say of one module: nothing when it is clean. */
function problems(file: string, source: string): string[] {
  const found = (ruff.check(source) as Array<{ code: string; message: string; start_location: { row: number } }>).map(
    (diagnostic) => `${file}:${diagnostic.start_location.row}: ${diagnostic.code} ${diagnostic.message}`,
  );
  if (ruff.format(source) !== source) found.push(`${file}: ruff format would change it`);
  return found;
}

/** The code cells of a notebook, each as one module. */
function notebookCells(text: string): string[] {
  const notebook = JSON.parse(text) as { cells: Array<{ cell_type: string; source: string[] | string }> };
  return notebook.cells.filter((cell) => cell.cell_type === 'code').map((cell) => (Array.isArray(cell.source) ? cell.source.join('') : cell.source));
}

describe('generated Python keeps within ruff line length with the longest names', () => {
  it.each(PROJECTS)('package and blocks of 40 characters: %o', async (options) => {
    const parent = tmpFolder();
    await runApp('proj', { ...options, packageName: PACKAGE }).cd(parent);
    const root = path.join(parent, 'proj');
    for (const [kind, name, values] of BLOCKS) await helpers.run(generatorPath(kind)).cd(root).withOptions(values).withArguments([name]);
    const files = listFiles(root);
    const found: string[] = [];
    let modules = 0;
    for (const file of files) {
      const text = readFileSync(path.join(root, file), 'utf8');
      if (file.endsWith('.py')) {
        modules += 1;
        found.push(...problems(file, text));
      } else if (file.endsWith('.ipynb')) {
        notebookCells(text).forEach((cell, index) => {
          found.push(...cell.split('\n').filter((line) => line.length > LINE_LENGTH).map((line) => `${file} cell ${index}: ${line}`));
        });
      }
    }
    expect(files).toContain(`src/${PACKAGE}/models/${block('m')}.py`);
    expect(modules).toBeGreaterThan(40);
    expect(found).toEqual([]);
  });

  it('refuses a package name longer than 40 characters, saying what to do', () => {
    expect(validatePackageName(PACKAGE)).toBeUndefined();
    expect(validatePackageName(`${PACKAGE}q`)).toBe(`'${PACKAGE}q' is longer than 40 characters: give a shorter --package-name`);
  });
});

describe('a project of ordinary names', () => {
  it('needs no formatter: no module of the default project has a line too long, so the Wasm is not loaded', async () => {
    const parent = tmpFolder();
    await runApp('proj', {}).cd(parent);
    const root = path.join(parent, 'proj');
    const modules = listFiles(root).filter((file) => file.endsWith('.py'));
    expect(modules.length).toBeGreaterThan(40);
    expect(modules.filter((file) => hasLongLine(readFileSync(path.join(root, file), 'utf8')))).toEqual([]);
  });
});

describe('fitPython', () => {
  const long = `from ${PACKAGE}.plumbing.registry import DATASETS, EVALUATORS, MODELS, SPLITS, TRACKERS\n`;

  it('lays out a module with a line too long as ruff format does', () => {
    expect(hasLongLine(long)).toBe(true);
    const fitted = fitPython(long);
    expect(fitted).toBe(ruff.format(long));
    expect(hasLongLine(fitted)).toBe(false);
    expect(fitted).toContain('import (\n    DATASETS,\n');
  });

  it('does not count a trailing pragma comment, as ruff does not', () => {
    const code = `count = round(${'x'.repeat(70)})`;
    expect(hasLongLine(`${code}  # type: ignore[arg-type]\n`)).toBe(false);
    expect(hasLongLine(`${code}  # noqa: E501\n`)).toBe(false);
    expect(hasLongLine(`${code}  # a comment that is not a pragma\n`)).toBe(true);
    expect(hasLongLine(`${code}${'y'.repeat(30)}  # type: ignore\n`)).toBe(true); // the code itself is too long
  });

  it('leaves a module within the limit exactly as written, even one ruff would lay out otherwise', () => {
    const written = "x = {'a':1}\n";
    expect(fitPython(written)).toBe(written);
  });

  it('leaves source it cannot parse as it is, for the project\'s own ruff to point at', () => {
    const broken = `def f(:\n    return "${'x'.repeat(120)}"\n`;
    expect(fitPython(broken)).toBe(broken);
  });
});
