/** venv + pip: requirements files rendered from the catalogue, a setuptools pyproject.toml. */
import { dependenciesFor, OPTIONAL_GROUPS, requirement, teamDependencies } from '../options/catalogue.js';
import type { Answers } from '../options/answers.js';
import {
  addToPyproject,
  addToRequirements,
  MAKE_VENV,
  manifestIn,
  PIP_PROJECT,
  pythonImage,
  pythonSetup,
  requirementsFile,
  setuptoolsPyproject,
  type DockerInstall,
  type EnvToolModule,
} from './shared.js';

const INSTALL = 'pip install -r requirements-dev.txt -e .';

const docker = (answers: Answers): DockerInstall => ({
  base: pythonImage(answers),
  dependencyFiles: ['requirements.txt'],
  dependencies: [MAKE_VENV, 'pip install --no-cache-dir -r requirements.txt'],
  projectFiles: ['pyproject.toml', 'README.md', 'MANIFEST.in'],
  project: PIP_PROJECT,
});

export const venv: EnvToolModule = {
  id: 'venv',
  label: 'venv + pip (requirements files)',
  files: (answers) => ({
    'pyproject.toml': setuptoolsPyproject(answers),
    'MANIFEST.in': manifestIn(answers, docker(answers)),
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
  editors: { 'pyproject.toml': addToPyproject, 'requirements.txt': addToRequirements },
  recordedFiles: ['requirements*.txt', 'requirements.lock'],
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
  setup: (answers) => [`python${answers.python} -m venv .venv`, 'source .venv/bin/activate', INSTALL],
  activate: () => 'source .venv/bin/activate',
  runPrefix: '',
  runner: () => '.venv/bin/',
  requirements: (answers) => [
    `test -x .venv/bin/python || python${answers.python} -m venv .venv`,
    `.venv/bin/python -m ${INSTALL}`,
  ],
  installCommand: INSTALL,
  refresh: `python -m ${INSTALL}`,
  installTeam: 'python -m pip install -r requirements-team.txt',
  // `python -m pip`: the venv's pip once activated, and CI's (whose PATH may have no `pip`)
  group: (group) => ({ install: `python -m pip install -r requirements-${group}.txt`, installsInside: true, run: '' }),
  docker,
  ci: (answers) => ({ ...pythonSetup(answers), install: [`python -m ${INSTALL}`], run: '' }),
  docs: {
    kernel: () => "`.venv/bin/python` (the project's `.venv`)",
    imageInstallsFrom: '`requirements.txt`',
    withoutMake: () => ' in the activated environment\n(`source .venv/bin/activate`; on Windows `.venv\\Scripts\\activate`)',
  },
  e2e: 'venv-mlflow.test.ts',
};
