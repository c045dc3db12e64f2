/** Poetry 2.2+: a PEP 621 pyproject.toml with PEP 735 groups, poetry.lock. */
import { OPTIONAL_GROUPS } from '../options/catalogue.js';
import type { Answers } from '../options/answers.js';
import {
  addToPyproject,
  lockedOrFail,
  MAKE_VENV,
  PIP_PROJECT,
  pyprojectToml,
  pythonImage,
  pythonSetup,
  sdistGlobs,
  type DockerInstall,
  type EnvToolModule,
} from './shared.js';

// Poetry installs into the active venv (VIRTUAL_ENV), from poetry.lock, the runtime set only
const docker = (answers: Answers): DockerInstall => ({
  base: pythonImage(answers),
  dependencyFiles: ['pyproject.toml', 'poetry.lock', 'README.md'],
  // Poetry itself goes into the build stage's system Python, not the venv the image keeps
  dependencies: [
    'pip install --no-cache-dir "poetry>=2.2,<3"',
    MAKE_VENV,
    'poetry install --only main --no-root --no-interaction',
  ],
  projectFiles: ['pyproject.toml', 'README.md'],
  project: PIP_PROJECT,
});

export const poetry: EnvToolModule = {
  id: 'poetry',
  label: 'Poetry 2 (pyproject.toml + poetry.lock)',
  files: (answers) => ({
    'pyproject.toml': pyprojectToml(
      answers,
      { requires: ['poetry-core>=2.2,<3'], 'build-backend': 'poetry.core.masonry.api' },
      {
        poetry: {
          'requires-poetry': '>=2.2',
          // Poetry locks for every Python `requires-python` allows, up to any future major; some
          // dependencies (deptry's requirements-parser) declare `<4`, so the lock's range says so
          dependencies: { python: '>=3.11,<4' },
          packages: [{ include: answers.packageName, from: 'src' }],
          include: sdistGlobs(answers, docker(answers), '**/*').map((path) => ({ path, format: 'sdist' })),
          // `poetry install` leaves these out unless `--with docs` / `--with notebook`
          group: Object.fromEntries(OPTIONAL_GROUPS.map((group) => [group, { optional: true }])),
        },
      },
      { groups: true },
    ),
  }),
  editors: { 'pyproject.toml': addToPyproject },
  recordedFiles: ['poetry.lock'],
  lockFile: 'poetry.lock',
  install: (_answers, python) => [
    { command: 'poetry', args: ['env', 'use', python] },
    { command: 'poetry', args: ['install'] },
  ],
  needsPython: true,
  setup: (answers) => [`poetry env use python${answers.python}`, 'poetry install'],
  runPrefix: 'poetry run ',
  runner: () => 'poetry run ',
  requirements: () => ['poetry install'],
  installCommand: 'poetry install',
  // `poetry install` refuses a lock that no longer matches pyproject.toml
  refresh: 'poetry lock && poetry install',
  installTeam: 'poetry install --extras team',
  group: (group) => ({ install: `poetry install --with ${group}`, installsInside: false, run: 'poetry run ' }),
  docker,
  ci: (answers) => ({
    ...pythonSetup(answers),
    install: ['python -m pip install "poetry>=2.2,<3"', lockedOrFail('poetry check --lock', 'poetry lock', 'poetry.lock'), 'poetry install'],
    run: 'poetry run ',
  }),
  docs: {
    kernel: () => "the interpreter `poetry env info --executable` prints (the project's environment)",
    imageInstallsFrom: '`poetry.lock`',
    withoutMake: () => ' from the project root',
  },
  e2e: 'poetry-conda.test.ts',
};
