/**
 * One strategy per env tool: the files it is configured by (rendered from the dependency catalogue
 * with TOML/YAML libraries), the commands that create the environment, and the install step.
 */
import { toToml } from '../render/toml.js';
import { stringify as toYaml } from 'yaml';
import { dependenciesFor, OPTIONAL_GROUPS, requirement, teamDependencies, type OptionalGroup } from '../options/catalogue.js';
import { distributionName } from '../options/names.js';
import type { Answers, EnvTool } from '../options/options.js';

export interface Command {
  command: string;
  args: string[];
}

/** How an optional group (docs, notebook) gets into the environment, and how commands then run. */
export interface GroupUse {
  /** A shell line that adds the group to the environment once, when the tool needs one. */
  install?: string;
  /** Prefix that runs a command with the group present, e.g. `uv run --group docs `. */
  run: string;
}

/** What a Dockerfile's build stage does for this tool: files it copies, then the lines that install. */
export interface DockerInstall {
  /** The build stage's base image. */
  base: string;
  /** Project files the dependency install reads (copied before the source, so the layer caches). */
  dependencyFiles: string[];
  /** RUN lines that install the runtime dependencies (no dev tools) into `/opt/venv`. */
  dependencies: string[];
  /** RUN lines that install the project itself once `src/` is copied. */
  project: string[];
  /** Environment the tool's install reads in the build stage. */
  env?: Record<string, string>;
}

export interface EnvToolStrategy {
  id: EnvTool;
  /** How to install and run with the `docs` or `notebook` group. */
  group: (group: OptionalGroup) => GroupUse;
  /** The container's build stage (see src/render/dockerfile.ts). */
  docker: (answers: Answers) => DockerInstall;
  /** Commands a newcomer runs once from the project root, in order, to get a working environment. */
  setup: (answers: Answers) => string[];
  /** Prefix that runs a command inside the environment, e.g. `uv run `; empty when activated. */
  runPrefix: string;
  /** The command that activates the environment in a shell, when commands need it. */
  activate?: (answers: Answers) => string;
  /**
   * Prefix that runs a command inside the environment without activating it, from the project
   * root (the Makefile's): `.venv/bin/`, `uv run `.
   */
  runner: (answers: Answers) => string;
  /** Shell lines that create the environment when missing, then install the declared set (`make requirements`). */
  requirements: (answers: Answers) => string[];
  /** The install step typed in the project's environment (activated, for venv and conda). */
  installCommand: string;
  /** The command that adds the optional `team` extra to the environment (for docs). */
  installTeam: string;
  /** How to add a runtime dependency, update, and lock or export (for docs). */
  add: string;
  update: string;
  lock: string;
  /** Files the tool is configured by, rendered from the catalogue: path → content. */
  files: (answers: Answers) => Record<string, string>;
  /**
   * What the generator's install step runs, unless --skip-install. `python` is the interpreter
   * found for the chosen version (src/project/python.ts), or `python3.X` when there is none.
   */
  install: (answers: Answers, python: string) => Command[];
  /** Whether the install needs the chosen interpreter on this machine (conda brings its own). */
  needsPython: boolean;
  /** The lock file the install writes and CI insists on, when the tool locks. */
  lockFile?: string;
  /** A faster way to the same environment when another tool is on PATH (uv for venv + pip). */
  fastInstall?: { tool: string; says: string; commands: (answers: Answers, python: string) => Command[] };
}

const RUFF_AND_PYTEST = {
  ruff: {
    'line-length': 100,
    'target-version': 'py311',
    src: ['src', 'tests'],
    lint: {
      select: ['E', 'F', 'W', 'I', 'B', 'UP', 'SIM', 'RUF', 'D'],
      ignore: ['D105', 'D107', 'D203', 'D213'],
      // Method docstrings are required in the block contracts (base.py) only: elsewhere a method
      // implements a documented one, and a docstring that restates its name is noise.
      'per-file-ignores': { 'tests/**': ['D'], 'notebooks/**': ['D'], '!src/**/base.py': ['D102'] },
      pydocstyle: { convention: 'google' },
      // Test helpers sort after the package whatever its name, so renaming it never reorders imports.
      isort: { 'known-local-folder': ['conftest', 'mocks'] },
    },
  },
  pytest: {
    ini_options: {
      testpaths: ['tests'],
      addopts: '-ra',
      // MLflow's SQL store triggers an upstream SQLAlchemy deprecation warning on every run.
      filterwarnings: ['ignore::DeprecationWarning:mlflow.*'],
    },
  },
};

/**
 * The `[tool.mypy]` and `[tool.deptry]` tables, so that a bare `mypy` (src and tests; the package
 * fully annotated) and `deptry .` (imports against the declared dependencies, the package being
 * first-party under src/) run clean. They depend on the dependency set: whatever adds a dependency
 * to an existing pyproject.toml re-renders them from the new answers.
 */
export function checkerTables(answers: Answers): { mypy: Record<string, unknown>; deptry: Record<string, unknown> } {
  const needed = [...dependenciesFor(answers, 'runtime'), ...dependenciesFor(answers, 'dev'), ...teamDependencies(answers)];
  const untyped = needed.filter((dependency) => dependency.untyped).flatMap((dependency) => dependency.imports);
  const plugins = needed.filter((dependency) => dependency.plugin).map((dependency) => dependency.name);
  return {
    mypy: {
      files: ['src', 'tests'],
      python_version: '3.11',
      warn_unused_configs: true,
      warn_unused_ignores: true,
      warn_redundant_casts: true,
      strict_equality: true,
      overrides: [
        {
          module: [`${answers.packageName}.*`],
          disallow_untyped_defs: true,
          disallow_incomplete_defs: true,
          check_untyped_defs: true,
        },
        // Only libraries that ship neither inline types nor stubs.
        ...(untyped.length > 0 ? [{ module: untyped.map((name) => `${name}.*`), ignore_missing_imports: true }] : []),
      ],
    },
    deptry: {
      known_first_party: [answers.packageName],
      ...(plugins.length > 0 ? { per_rule_ignores: { DEP002: plugins } } : {}),
    },
  };
}

/** The `[tool]` tables every env tool shares: ruff, pytest, mypy and deptry. */
function qualityTools(answers: Answers): Record<string, unknown> {
  return { ...RUFF_AND_PYTEST, ...checkerTables(answers) };
}

/**
 * What the sdist carries beside the package: the suite with its helpers and every file it reads
 * (configs, the git ignore rules and `.env.example`, the tracker's job files), so that an unpacked
 * sdist installs and tests itself.
 */
function sdistSources(answers: Answers): { folders: string[]; files: string[] } {
  // the suite's Dockerfile test reads the Dockerfile, .dockerignore and every file the image copies
  const copied = ENV_TOOL_STRATEGIES[answers.envTool].docker(answers).dependencyFiles.filter((file) => !['pyproject.toml', 'README.md'].includes(file));
  return {
    folders: ['tests', 'configs', ...(answers.tracker === 'databricks' || answers.tracker === 'azureml' ? ['jobs'] : [])],
    // the suite checks that git ignores .env and keeps .env.example
    files: ['.gitignore', '.env.example', 'Dockerfile', '.dockerignore', ...copied, ...(answers.tracker === 'databricks' ? ['databricks.yml'] : [])],
  };
}

/** The sdist sources as globs (`folder/**` for a whole folder), as uv_build and Poetry take them. */
function sdistGlobs(answers: Answers, everything: string): string[] {
  const { folders, files } = sdistSources(answers);
  return [...folders.map((folder) => `${folder}/${everything}`), ...files];
}

/** setuptools takes sdist contents from MANIFEST.in (folders grafted, bytecode left out). */
function manifestIn(answers: Answers): string {
  const { folders, files } = sdistSources(answers);
  const lines = [...folders.map((folder) => `graft ${folder}`), ...files.map((file) => `include ${file}`)];
  return `${lines.join('\n')}\nglobal-exclude __pycache__ *.py[cod]\n`;
}

/** The PEP 621 `[project]` table shared by every tool. */
function projectTable(answers: Answers): Record<string, unknown> {
  const author: Record<string, string> = {};
  if (answers.authorName) author.name = answers.authorName;
  if (answers.authorEmail) author.email = answers.authorEmail;
  return {
    name: distributionName(answers.projectName) ?? answers.packageName,
    version: '0.1.0',
    description: answers.description,
    readme: 'README.md',
    'requires-python': '>=3.11',
    ...(answers.license === 'none' ? {} : { license: answers.license }),
    ...(Object.keys(author).length > 0 ? { authors: [author] } : {}),
    dependencies: dependenciesFor(answers, 'runtime').map(requirement),
    'optional-dependencies': { team: teamDependencies(answers).map(requirement) },
  };
}

/** PEP 735 groups: `dev`, installed by default, and the optional ones (docs, notebook). */
const dependencyGroups = (answers: Answers) =>
  Object.fromEntries(
    (['dev', ...OPTIONAL_GROUPS] as const).map((group) => [group, dependenciesFor(answers, group).map(requirement)]),
  );

/** The official slim image of the project's Python, where the tool's install runs. */
const pythonImage = (answers: Answers) => `python:${answers.python}-slim-bookworm`;

/** The venv every image installs into, so the runtime stage copies one folder. */
const MAKE_VENV = 'python -m venv /opt/venv';

/** Build and install the project's own wheel into /opt/venv, its dependencies being there already. */
const PIP_PROJECT = ['pip install --no-cache-dir --no-deps .'];

const SETUPTOOLS_BUILD = { requires: ['setuptools>=77'], 'build-backend': 'setuptools.build_meta' };

function setuptoolsPyproject(answers: Answers): string {
  return toToml({
    project: projectTable(answers),
    'build-system': SETUPTOOLS_BUILD,
    tool: { setuptools: { packages: { find: { where: ['src'] } } }, ...qualityTools(answers) },
  });
}

function requirementsFile(header: string, lines: string[]): string {
  return `${header}\n${lines.join('\n')}\n`;
}

const venv: EnvToolStrategy = {
  id: 'venv',
  setup: (answers) => [
    `python${answers.python} -m venv .venv`,
    'source .venv/bin/activate',
    'pip install -r requirements-dev.txt -e .',
  ],
  runPrefix: '',
  activate: () => 'source .venv/bin/activate',
  runner: () => '.venv/bin/',
  requirements: (answers) => [
    `test -x .venv/bin/python || python${answers.python} -m venv .venv`,
    '.venv/bin/python -m pip install -r requirements-dev.txt -e .',
  ],
  installCommand: 'pip install -r requirements-dev.txt -e .',
  installTeam: 'python -m pip install -r requirements-team.txt',
  add: 'add the package with a version range to requirements.txt, then `pip install -r requirements-dev.txt -e .`',
  update: 'pip install --upgrade -r requirements-dev.txt -e .',
  lock: 'pip freeze --exclude-editable > requirements.lock',
  files: (answers) => ({
    'pyproject.toml': setuptoolsPyproject(answers),
    'MANIFEST.in': manifestIn(answers),
    'requirements.txt': requirementsFile(
      '# Runtime dependencies (rendered from generator-mlexp\'s catalogue).',
      dependenciesFor(answers, 'runtime').map(requirement),
    ),
    'requirements-dev.txt': requirementsFile('# Test and lint tools, plus the runtime set.', [
      '-r requirements.txt',
      ...dependenciesFor(answers, 'dev').map(requirement),
    ]),
    ...Object.fromEntries(
      OPTIONAL_GROUPS.map((group) => [
        `requirements-${group}.txt`,
        requirementsFile(
          `# The ${group} group, installed on top of requirements-dev.txt: python -m pip install -r requirements-${group}.txt`,
          dependenciesFor(answers, group).map(requirement),
        ),
      ]),
    ),
    'requirements-team.txt': requirementsFile(
      answers.tracker === 'mlflow'
        ? '# Optional `team` extra: the team server\'s drivers and a PostgreSQL sweep storage (docs/experiment-tracking.md).'
        : '# Optional `team` extra: a PostgreSQL sweep storage (docs/operationalization.md, Sweeps).',
      teamDependencies(answers).map(requirement),
    ),
  }),
  // `python -m pip`: the venv's pip once activated, and CI's (whose PATH may have no `pip`)
  group: (group) => ({ install: `python -m pip install -r requirements-${group}.txt`, run: '' }),
  docker: (answers) => ({
    base: pythonImage(answers),
    dependencyFiles: ['requirements.txt'],
    dependencies: [MAKE_VENV, 'pip install --no-cache-dir -r requirements.txt'],
    project: PIP_PROJECT,
  }),
  install: (_answers, python) => [
    { command: python, args: ['-m', 'venv', '.venv'] },
    { command: '.venv/bin/python', args: ['-m', 'pip', 'install', '-r', 'requirements-dev.txt', '-e', '.'] },
  ],
  needsPython: true,
  // the same .venv and requirements, installed by uv's pip in seconds instead of pip's minute
  fastInstall: {
    tool: 'uv',
    says: 'uv is on PATH: it creates .venv and installs the requirements with `uv pip` (pip does the same, slower)',
    commands: (_answers, python) => [
      { command: 'uv', args: ['venv', '--seed', '--python', python, '.venv'] },
      { command: 'uv', args: ['pip', 'install', '--python', '.venv/bin/python', '-r', 'requirements-dev.txt', '-e', '.'] },
    ],
  },
};

const conda: EnvToolStrategy = {
  id: 'conda',
  setup: (answers) => [
    'conda env create -f environment.yml',
    `conda activate ${distributionName(answers.projectName) ?? answers.packageName}`,
  ],
  runPrefix: '',
  activate: (answers) => `conda activate ${distributionName(answers.projectName) ?? answers.packageName}`,
  runner: (answers) => `conda run --no-capture-output -n ${distributionName(answers.projectName) ?? answers.packageName} `,
  requirements: (answers) => {
    const name = distributionName(answers.projectName) ?? answers.packageName;
    return [
      `if conda run -n ${name} python --version >/dev/null 2>&1; then conda env update -n ${name} -f environment.yml --prune; else conda env create -f environment.yml; fi`,
    ];
  },
  installCommand: 'conda env update -f environment.yml --prune',
  installTeam: 'conda env update -f environment-team.yml',
  add: 'add the package to environment.yml (conda-forge name; under `pip:` only if conda-forge lacks it), then `conda env update -f environment.yml --prune`',
  update: 'conda env update -f environment.yml --prune',
  lock: 'conda env export --from-history > environment.lock.yml',
  files: (answers) => {
    // one environment per project: the docs and notebook tools are in it too
    const all = (['runtime', 'dev', ...OPTIONAL_GROUPS] as const).flatMap((group) => dependenciesFor(answers, group));
    const fromConda = all.filter((dependency) => dependency.conda !== null);
    const fromPip = all.filter((dependency) => dependency.conda === null);
    const environment = {
      name: distributionName(answers.projectName) ?? answers.packageName,
      channels: ['conda-forge'],
      dependencies: [
        `python=${answers.python}`,
        'pip',
        ...fromConda.map((dependency) => `${dependency.conda}${dependency.range}`),
        { pip: [...fromPip.map(requirement), '-e .'] },
      ],
    };
    // conda has no optional extras: a second file adds them to the same environment
    const teamFromPip = teamDependencies(answers).filter((dependency) => dependency.conda === null);
    const team = {
      name: environment.name,
      channels: ['conda-forge'],
      dependencies: [
        ...teamDependencies(answers)
          .filter((dependency) => dependency.conda !== null)
          .map((dependency) => `${dependency.conda}${dependency.range}`),
        ...(teamFromPip.length > 0 ? ['pip', { pip: teamFromPip.map(requirement) }] : []),
      ],
    };
    return {
      'environment.yml': toYaml(environment),
      'environment-team.yml': toYaml(team),
      'pyproject.toml': setuptoolsPyproject(answers),
      'MANIFEST.in': manifestIn(answers),
    };
  },
  install: () => [{ command: 'conda', args: ['env', 'create', '-f', 'environment.yml'] }],
  group: () => ({ run: '' }),
  // environment.yml also holds the dev, docs and notebook tools: the image takes the runtime set
  // only, with pip from pyproject.toml (the same catalogue ranges), on the official Python image
  docker: (answers) => ({
    base: pythonImage(answers),
    dependencyFiles: [],
    dependencies: [MAKE_VENV],
    project: ['pip install --no-cache-dir .'],
  }),
  needsPython: false,
};

const poetry: EnvToolStrategy = {
  id: 'poetry',
  setup: (answers) => [`poetry env use python${answers.python}`, 'poetry install'],
  runPrefix: 'poetry run ',
  runner: () => 'poetry run ',
  requirements: () => ['poetry install'],
  installCommand: 'poetry install',
  installTeam: 'poetry install --extras team',
  add: 'poetry add "<package>>=1,<2"',
  update: 'poetry update',
  lock: 'poetry lock',
  files: (answers) => ({
    'pyproject.toml': toToml({
      project: projectTable(answers),
      'dependency-groups': dependencyGroups(answers),
      'build-system': { requires: ['poetry-core>=2.2,<3'], 'build-backend': 'poetry.core.masonry.api' },
      tool: {
        poetry: {
          'requires-poetry': '>=2.2',
          // Poetry locks for every Python `requires-python` allows, up to any future major; some
          // dependencies (deptry's requirements-parser) declare `<4`, so the lock's range says so
          dependencies: { python: '>=3.11,<4' },
          packages: [{ include: answers.packageName, from: 'src' }],
          include: sdistGlobs(answers, '**/*').map((path) => ({ path, format: 'sdist' })),
          // `poetry install` leaves these out unless `--with docs` / `--with notebook`
          group: Object.fromEntries(OPTIONAL_GROUPS.map((group) => [group, { optional: true }])),
        },
        ...qualityTools(answers),
      },
    }),
  }),
  install: (_answers, python) => [
    { command: 'poetry', args: ['env', 'use', python] },
    { command: 'poetry', args: ['install'] },
  ],
  group: (group) => ({ install: `poetry install --with ${group}`, run: 'poetry run ' }),
  // Poetry installs into the active venv (VIRTUAL_ENV), from poetry.lock, the runtime set only
  docker: (answers) => ({
    base: pythonImage(answers),
    dependencyFiles: ['pyproject.toml', 'poetry.lock', 'README.md'],
    // Poetry itself goes into the build stage's system Python, not the venv the image keeps
    dependencies: [
      'pip install --no-cache-dir "poetry>=2.2,<3"',
      MAKE_VENV,
      'poetry install --only main --no-root --no-interaction',
    ],
    project: PIP_PROJECT,
  }),
  needsPython: true,
  lockFile: 'poetry.lock',
};

const uv: EnvToolStrategy = {
  id: 'uv',
  setup: () => ['uv sync'],
  runPrefix: 'uv run ',
  runner: () => 'uv run ',
  requirements: () => ['uv sync'],
  installCommand: 'uv sync',
  installTeam: 'uv sync --extra team',
  add: 'uv add "<package>>=1,<2"',
  update: 'uv lock --upgrade && uv sync',
  lock: 'uv lock',
  files: (answers) => ({
    'pyproject.toml': toToml({
      project: projectTable(answers),
      'dependency-groups': dependencyGroups(answers),
      'build-system': { requires: ['uv_build>=0.9,<0.14'], 'build-backend': 'uv_build' },
      tool: {
        uv: {
          'build-backend': {
            'module-name': answers.packageName,
            'source-include': sdistGlobs(answers, '**'),
          },
        },
        ...qualityTools(answers),
      },
    }),
  }),
  install: (_answers, python) => [{ command: 'uv', args: ['sync', '--python', python] }],
  group: (group) => ({ run: `uv run --group ${group} ` }),
  // uv syncs /opt/venv from uv.lock: the runtime set only, the project as a wheel (not editable)
  docker: (answers) => ({
    base: pythonImage(answers),
    dependencyFiles: ['pyproject.toml', 'uv.lock', 'README.md'],
    dependencies: [
      'pip install --no-cache-dir "uv>=0.9,<1"',
      'uv sync --locked --no-dev --no-install-project',
    ],
    project: ['uv sync --locked --no-dev --no-editable'],
    env: { UV_PROJECT_ENVIRONMENT: '/opt/venv', UV_COMPILE_BYTECODE: '1', UV_LINK_MODE: 'copy', UV_PYTHON_DOWNLOADS: 'never' },
  }),
  needsPython: true,
  lockFile: 'uv.lock',
};

export const ENV_TOOL_STRATEGIES: Record<EnvTool, EnvToolStrategy> = { venv, conda, poetry, uv };
