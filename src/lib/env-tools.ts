/**
 * One strategy per env tool: the files it is configured by (rendered from the dependency catalogue
 * with TOML/YAML libraries), the commands that create the environment, and the install step.
 */
import { toToml } from './toml.js';
import { stringify as toYaml } from 'yaml';
import { dependenciesFor, requirement } from './catalogue.js';
import { distributionName } from './names.js';
import type { Answers, EnvTool } from './options.js';

export interface Command {
  command: string;
  args: string[];
}

export interface EnvToolStrategy {
  id: EnvTool;
  /** Commands a newcomer runs once from the project root, in order, to get a working environment. */
  setup: (answers: Answers) => string[];
  /** Prefix that runs a command inside the environment, e.g. `uv run `; empty when activated. */
  runPrefix: string;
  /** The command that activates the environment in a shell, when commands need it. */
  activate?: (answers: Answers) => string;
  /** How to add a runtime dependency, update, and lock or export (for docs). */
  add: string;
  update: string;
  lock: string;
  /** Files the tool is configured by, rendered from the catalogue: path → content. */
  files: (answers: Answers) => Record<string, string>;
  /** What the generator's install step runs, unless --skip-install. */
  install: (answers: Answers) => Command[];
}

const RUFF_AND_PYTEST = {
  ruff: {
    'line-length': 100,
    'target-version': 'py311',
    src: ['src', 'tests'],
    lint: {
      select: ['E', 'F', 'W', 'I', 'B', 'UP', 'SIM', 'RUF', 'D'],
      ignore: ['D105', 'D107', 'D203', 'D213'],
      'per-file-ignores': { 'tests/**': ['D'], 'notebooks/**': ['D'] },
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
  };
}

const devGroup = (answers: Answers) => ({ dev: dependenciesFor(answers, 'dev').map(requirement) });

const SETUPTOOLS_BUILD = { requires: ['setuptools>=77'], 'build-backend': 'setuptools.build_meta' };

function setuptoolsPyproject(answers: Answers): string {
  return toToml({
    project: projectTable(answers),
    'build-system': SETUPTOOLS_BUILD,
    tool: { setuptools: { packages: { find: { where: ['src'] } } }, ...RUFF_AND_PYTEST },
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
  add: 'add the package with a version range to requirements.txt, then `pip install -r requirements-dev.txt -e .`',
  update: 'pip install --upgrade -r requirements-dev.txt -e .',
  lock: 'pip freeze --exclude-editable > requirements.lock',
  files: (answers) => ({
    'pyproject.toml': setuptoolsPyproject(answers),
    'requirements.txt': requirementsFile(
      '# Runtime dependencies (rendered from generator-mlexp\'s catalogue).',
      dependenciesFor(answers, 'runtime').map(requirement),
    ),
    'requirements-dev.txt': requirementsFile('# Test and lint tools, plus the runtime set.', [
      '-r requirements.txt',
      ...dependenciesFor(answers, 'dev').map(requirement),
    ]),
  }),
  install: (answers) => [
    { command: `python${answers.python}`, args: ['-m', 'venv', '.venv'] },
    { command: '.venv/bin/python', args: ['-m', 'pip', 'install', '-r', 'requirements-dev.txt', '-e', '.'] },
  ],
};

const conda: EnvToolStrategy = {
  id: 'conda',
  setup: (answers) => [
    'conda env create -f environment.yml',
    `conda activate ${distributionName(answers.projectName) ?? answers.packageName}`,
  ],
  runPrefix: '',
  activate: (answers) => `conda activate ${distributionName(answers.projectName) ?? answers.packageName}`,
  add: 'add the package to environment.yml (conda-forge name; under `pip:` only if conda-forge lacks it), then `conda env update -f environment.yml --prune`',
  update: 'conda env update -f environment.yml --prune',
  lock: 'conda env export --from-history > environment.lock.yml',
  files: (answers) => {
    const all = [...dependenciesFor(answers, 'runtime'), ...dependenciesFor(answers, 'dev')];
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
    return { 'environment.yml': toYaml(environment), 'pyproject.toml': setuptoolsPyproject(answers) };
  },
  install: () => [{ command: 'conda', args: ['env', 'create', '-f', 'environment.yml'] }],
};

const poetry: EnvToolStrategy = {
  id: 'poetry',
  setup: (answers) => [`poetry env use python${answers.python}`, 'poetry install'],
  runPrefix: 'poetry run ',
  add: 'poetry add "<package>>=1,<2"',
  update: 'poetry update',
  lock: 'poetry lock',
  files: (answers) => ({
    'pyproject.toml': toToml({
      project: projectTable(answers),
      'dependency-groups': devGroup(answers),
      'build-system': { requires: ['poetry-core>=2.2,<3'], 'build-backend': 'poetry.core.masonry.api' },
      tool: {
        poetry: { 'requires-poetry': '>=2.2', packages: [{ include: answers.packageName, from: 'src' }] },
        ...RUFF_AND_PYTEST,
      },
    }),
  }),
  install: (answers) => [
    { command: 'poetry', args: ['env', 'use', `python${answers.python}`] },
    { command: 'poetry', args: ['install'] },
  ],
};

const uv: EnvToolStrategy = {
  id: 'uv',
  setup: () => ['uv sync'],
  runPrefix: 'uv run ',
  add: 'uv add "<package>>=1,<2"',
  update: 'uv lock --upgrade && uv sync',
  lock: 'uv lock',
  files: (answers) => ({
    'pyproject.toml': toToml({
      project: projectTable(answers),
      'dependency-groups': devGroup(answers),
      'build-system': { requires: ['uv_build>=0.9,<0.14'], 'build-backend': 'uv_build' },
      tool: { uv: { 'build-backend': { 'module-name': answers.packageName } }, ...RUFF_AND_PYTEST },
    }),
    '.python-version': `${answers.python}\n`,
  }),
  install: () => [{ command: 'uv', args: ['sync'] }],
};

export const ENV_TOOL_STRATEGIES: Record<EnvTool, EnvToolStrategy> = { venv, conda, poetry, uv };
