import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, dependenciesFor } from '../src/options/catalogue.js';
import { derivePackageName, distributionName, errorClassName } from '../src/options/names.js';
import { buildContext } from '../src/render/context.js';
import { ANSWER_OPTIONS, choiceValues, defaultFor, validateAnswer, type Answers } from '../src/options/options.js';
import { optionsTable, withOptionsTable } from '../src/options/options-table.js';
import { ROOT } from './helpers.js';

const DEFAULTS: Answers = {
  projectName: 'demo',
  packageName: 'demo',
  description: '',
  authorName: '',
  authorEmail: '',
  python: '3.12',
  envTool: 'venv',
  tracker: 'mlflow',
  structure: 'ccds',
  license: 'none',
  ci: 'github',
  dataVersioning: 'none',
  dataStorage: 'none',
};

describe('derived names', () => {
  it.each([
    ['Churn Model v2', 'churn_model_v2', 'churn-model-v2'],
    ['my-experiments', 'my_experiments', 'my-experiments'],
    ['2024 Forecast', 'forecast', '2024-forecast'],
    ['Données Clients', 'donnees_clients', 'donnees-clients'],
    ['__weird__name__', 'weird_name', 'weird-name'],
  ])('%s → package %s, distribution %s', (project, pkg, dist) => {
    expect(derivePackageName(project)).toBe(pkg);
    expect(distributionName(project)).toBe(dist);
  });

  it('derives nothing from a name without ASCII letters', () => {
    expect(derivePackageName('日本語')).toBeUndefined();
    expect(validateAnswer('projectName', '日本語', {})).toMatch(/no ASCII letter or digit/);
  });
});

describe('the package error name', () => {
  it.each([
    ['churn_model', 'ChurnModelError'],
    ['my_experiments2', 'MyExperiments2Error'],
    ['demo', 'DemoError'],
    ['a__b_', 'ABError'],
    ['value', 'ValueProjectError'], // ValueError is a built-in
    ['config', 'ConfigProjectError'], // ConfigError is one of the package's own
    ['missing_driver', 'MissingDriverProjectError'],
    ['_78_', 'Project78Error'], // a class name cannot start with a digit (found by the fuzz test)
    ['_', 'ProjectError'],
  ])('%s → %s', (pkg, name) => {
    expect(errorClassName(pkg)).toBe(name);
  });

  it('is in the render context, with imports sorted as ruff sorts them', () => {
    const context = buildContext({ ...DEFAULTS, packageName: 'con_foo' }, '0.1.0', []);
    expect(context.errorName).toBe('ConFooError');
    // as ruff 0.17 sorts them (checked with `ruff check --select I --fix`): case-insensitive, so
    // Config before ConFoo (i < o) though 'F' < 'f' in code points, and numbers by value
    expect(context.importNames(context.errorName, 'ConfigError')).toBe('ConfigError, ConFooError');
    expect(context.importNames('V10Error', 'V9Error', 'TrackerError')).toBe('TrackerError, V9Error, V10Error');
  });
});

describe('validation', () => {
  it.each([
    ['tracker', 'mlfow', /invalid --tracker 'mlfow': use one of mlflow, databricks, azureml, wandb, none/],
    ['envTool', 'pip', /use one of venv, conda, poetry, uv/],
    ['python', '3.10', /use one of 3.11, 3.12, 3.13/],
    ['packageName', 'Churn-Model', /not a lowercase Python identifier/],
    ['packageName', '2fast', /not a lowercase Python identifier/],
    ['packageName', 'class', /Python keyword/],
    ['packageName', 'json', /standard-library module 'json'/],
    ['packageName', 'mlflow', /dependency module 'mlflow'/],
    ['packageName', 'sklearn', /dependency module 'sklearn'/],
    ['projectName', '../evil', /is a path/],
    ['projectName', ' padded', /spaces/],
    ['projectName', '-rf', /starts with '-' and would read as an option/],
    ['description', 'two\nlines', /one line/],
    ['authorEmail', 'not-an-email', /not an e-mail address/],
  ] as const)('%s=%j is refused', (key, value, message) => {
    const problem = validateAnswer(key, value, {});
    expect(problem).toMatch(message);
    expect(problem).not.toContain('\n');
  });

  it('accepts every declared choice value and its default', () => {
    for (const option of ANSWER_OPTIONS) {
      if (option.kind !== 'choice') continue;
      for (const value of choiceValues(option.key)) expect(validateAnswer(option.key, value, {})).toBeUndefined();
      expect(choiceValues(option.key)).toContain(option.default);
    }
  });

  it('derives the package name default from the project name', () => {
    expect(defaultFor('packageName', { projectName: 'Churn Model v2' }, {})).toBe('churn_model_v2');
    expect(defaultFor('authorName', {}, { gitUserName: 'Ada' })).toBe('Ada');
  });
});

describe('dependency catalogue', () => {
  it('has one entry per distribution, each with a bounded range', () => {
    const names = CATALOGUE.map((dependency) => dependency.name);
    expect(new Set(names).size).toBe(names.length);
    for (const dependency of CATALOGUE) expect(dependency.range).toMatch(/^>=[\d.]+,<[\d.]+$/);
  });

  it('adds tracker SDKs only for their tracker', () => {
    const runtime = (tracker: Answers['tracker']) =>
      dependenciesFor({ ...DEFAULTS, tracker }, 'runtime').map((dependency) => dependency.name);
    const store = ['mlflow-skinny', 'sqlalchemy', 'alembic'];
    expect(runtime('none')).not.toEqual(expect.arrayContaining(['mlflow-skinny']));
    expect(runtime('mlflow')).toEqual(expect.arrayContaining(store));
    expect(runtime('databricks')).toEqual(expect.arrayContaining([...store, 'databricks-sdk']));
    expect(runtime('azureml')).toEqual(expect.arrayContaining([...store, 'azureml-mlflow', 'azure-identity']));
    expect(runtime('wandb')).toContain('wandb');
    expect(runtime('wandb')).not.toContain('mlflow-skinny');
    expect(runtime('none')).not.toContain('alembic');
    // drivers.py reads every storage URL with SQLAlchemy (2.1+: `postgresql://` is psycopg 3)
    expect(runtime('none')).toContain('sqlalchemy');
  });

  it('puts what only the tests import in the dev set of a project whose tracker does not need it', () => {
    const names = (tracker: Answers['tracker'], group: 'runtime' | 'dev') =>
      dependenciesFor({ ...DEFAULTS, tracker }, group).map((dependency) => dependency.name);
    for (const tracker of ['mlflow', 'databricks', 'azureml', 'wandb'] as const) {
      expect(names(tracker, 'runtime'), tracker).toContain('pillow');
      expect(names(tracker, 'dev'), tracker).not.toContain('pillow');
    }
    expect(names('none', 'runtime')).not.toContain('pillow');
    expect(dependenciesFor({ ...DEFAULTS, tracker: 'none' }, 'dev').find((dependency) => dependency.name === 'pillow')?.group).toBe('dev');
    for (const dependency of CATALOGUE.filter((entry) => entry.tests)) expect(dependency.group, dependency.name).toBe('runtime');
  });

  it('keeps the full MLflow (server and UI) out of the runtime set, in the dev set', () => {
    const names = (tracker: Answers['tracker'], group: 'runtime' | 'dev') =>
      dependenciesFor({ ...DEFAULTS, tracker }, group).map((dependency) => dependency.name);
    for (const tracker of ['mlflow', 'databricks', 'azureml'] as const) {
      expect(names(tracker, 'runtime')).not.toContain('mlflow');
      expect(names(tracker, 'dev')).toContain('mlflow');
    }
    expect(names('wandb', 'dev')).not.toContain('mlflow');
  });

  it('adds DVC and its storage plugin with --data-versioning dvc, fsspec and its filesystem without', () => {
    const names = (answers: Partial<Answers>, group: 'runtime' | 'dev') =>
      dependenciesFor({ ...DEFAULTS, ...answers }, group).map((dependency) => dependency.name);
    const data = ['dvc', 'dvc-azure', 'dvc-s3', 'dvc-gs', 'fsspec', 'adlfs', 's3fs', 'gcsfs'];
    const picked = (answers: Partial<Answers>) =>
      [...names(answers, 'runtime'), ...names(answers, 'dev')].filter((name) => data.includes(name)).sort();
    expect(picked({})).toEqual([]);
    expect(picked({ dataVersioning: 'dvc' })).toEqual(['dvc']);
    expect(picked({ dataVersioning: 'dvc', dataStorage: 'azure' })).toEqual(['dvc', 'dvc-azure']);
    expect(picked({ dataVersioning: 'dvc', dataStorage: 'local' })).toEqual(['dvc']);
    expect(picked({ dataStorage: 's3' })).toEqual(['fsspec', 's3fs']);
    expect(picked({ dataStorage: 'gcs' })).toEqual(['fsspec', 'gcsfs']);
    expect(picked({ dataStorage: 'local' })).toEqual(['fsspec']);
    // DVC is a workflow tool (dev set); sync.py imports fsspec at run time (runtime set)
    expect(names({ dataVersioning: 'dvc', dataStorage: 's3' }, 'runtime')).not.toContain('dvc');
    expect(names({ dataStorage: 's3' }, 'runtime')).toContain('fsspec');
  });

  it('adds an optional dependency that answers also need only once', () => {
    const runtime = dependenciesFor({ ...DEFAULTS, tracker: 'mlflow', extras: ['sqlalchemy'] }, 'runtime');
    expect(runtime.filter((dependency) => dependency.name === 'sqlalchemy')).toHaveLength(1);
    const none = dependenciesFor({ ...DEFAULTS, tracker: 'none', extras: ['sqlalchemy'] }, 'runtime');
    expect(none.map((dependency) => dependency.name)).toContain('sqlalchemy');
  });
});

describe('README option table', () => {
  it('matches the option model (run `npm run docs` to refresh it)', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(optionsTable());
    expect(withOptionsTable(readme)).toBe(readme);
  });
});
