/** uv: a PEP 621 pyproject.toml with PEP 735 groups, uv.lock, the uv_build backend. */
import type { Answers } from '../options/answers.js';
import {
  addToPyproject,
  lockedOrFail,
  pyprojectToml,
  pythonImage,
  pythonSetup,
  sdistGlobs,
  type DockerInstall,
  type EnvToolModule,
} from './shared.js';

// uv syncs /opt/venv from uv.lock: the runtime set only, the project as a wheel (not editable)
const docker = (answers: Answers): DockerInstall => ({
  base: pythonImage(answers),
  dependencyFiles: ['pyproject.toml', 'uv.lock', 'README.md'],
  dependencies: ['pip install --no-cache-dir "uv>=0.9,<1"', 'uv sync --locked --no-dev --no-install-project'],
  projectFiles: ['pyproject.toml', 'README.md'],
  project: ['uv sync --locked --no-dev --no-editable'],
  env: { UV_PROJECT_ENVIRONMENT: '/opt/venv', UV_COMPILE_BYTECODE: '1', UV_LINK_MODE: 'copy', UV_PYTHON_DOWNLOADS: 'never' },
});

export const uv: EnvToolModule = {
  id: 'uv',
  label: 'uv (pyproject.toml + uv.lock)',
  files: (answers) => ({
    'pyproject.toml': pyprojectToml(
      answers,
      { requires: ['uv_build>=0.9,<0.14'], 'build-backend': 'uv_build' },
      {
        uv: {
          'build-backend': { 'module-name': answers.packageName, 'source-include': sdistGlobs(answers, docker(answers), '**') },
        },
      },
      { groups: true },
    ),
  }),
  editors: { 'pyproject.toml': addToPyproject },
  recordedFiles: ['uv.lock'],
  lockFile: 'uv.lock',
  install: (_answers, python) => [{ command: 'uv', args: ['sync', '--python', python] }],
  needsPython: true,
  setup: () => ['uv sync'],
  runPrefix: 'uv run ',
  runner: () => 'uv run ',
  requirements: () => ['uv sync'],
  installCommand: 'uv sync',
  refresh: 'uv sync',
  installTeam: 'uv sync --extra team',
  group: (group) => ({ installsInside: false, run: `uv run --group ${group} ` }),
  docker,
  ci: (answers) => ({
    ...pythonSetup(answers),
    install: ['python -m pip install "uv>=0.9"', lockedOrFail('uv sync --locked', 'uv lock', 'uv.lock')],
    run: 'uv run ',
  }),
  docs: {
    kernel: () => "`.venv/bin/python` (the project's `.venv`, made by `uv sync`)",
    imageInstallsFrom: '`uv.lock`',
    withoutMake: () => ' from the project root',
  },
  e2e: 'uv-trackers.test.ts',
};
