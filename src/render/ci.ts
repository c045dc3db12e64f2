/**
 * CI files for the generated project, one renderer per `--ci` value, built as data and written
 * with the YAML library. Each creates the environment with the chosen tool (from the committed lock
 * file, for the tools that lock), runs ruff, hadolint, mypy, pytest, `nbstripout --verify` on the
 * notebooks and `mkdocs build --strict`; the GitHub workflow also builds the container image.
 */
import { stringify as toYaml } from 'yaml';
import { ENV_TOOL_STRATEGIES } from '../lib/env-tools.js';
import { distributionName } from '../options/names.js';
import type { Answers, Ci, EnvTool } from '../options/options.js';

/** Shell lines that create the environment on a fresh CI machine, and the prefix to run inside it. */
interface CiEnvironment {
  install: string[];
  run: string;
}

/** A shell line that fails CI, saying what to do, when the committed lock file is missing or stale. */
function lockedOrFail(check: string, lock: string, file: string): string {
  return `${check} || { echo "${file} is missing or out of date: run '${lock}' and commit ${file}" >&2; exit 1; }`;
}

function ciEnvironment(answers: Answers): CiEnvironment {
  const name = distributionName(answers.projectName) ?? answers.packageName;
  const byTool: Record<EnvTool, CiEnvironment> = {
    venv: { install: ['python -m pip install -r requirements-dev.txt -e .'], run: '' },
    conda: {
      install: ['conda env create -f environment.yml'],
      run: `conda run --no-capture-output -n ${name} `,
    },
    poetry: {
      install: ['python -m pip install "poetry>=2.2,<3"', lockedOrFail('poetry check --lock', 'poetry lock', 'poetry.lock'), 'poetry install'],
      run: 'poetry run ',
    },
    uv: {
      install: ['python -m pip install "uv>=0.9"', lockedOrFail('uv sync --locked', 'uv lock', 'uv.lock')],
      run: 'uv run ',
    },
  };
  return byTool[answers.envTool];
}

/**
 * `mkdocs build --strict` with the docs group added the env tool's way, each command behind `run`
 * where it runs in the environment (a group pip installs goes into the environment's python).
 */
export function docsCommands(answers: Answers, run: string): string[] {
  const docs = ENV_TOOL_STRATEGIES[answers.envTool].group('docs');
  const install = docs.install?.startsWith('python ') ? `${run}${docs.install}` : docs.install;
  return [...(install ? [install] : []), `${docs.run || run}mkdocs build --strict`];
}

export interface Check {
  name: string;
  run: string;
  /** The project's `make` verb that runs it too (src/render/tasks.ts). */
  verb: 'lint' | 'test' | 'docs';
}

/** The checks every CI runs, in order, each behind the environment's `run` prefix. */
export function checks(answers: Answers, run: string): Check[] {
  return [
    { name: 'Lint', run: `${run}ruff check . && ${run}ruff format --check . && ${run}hadolint Dockerfile`, verb: 'lint' },
    { name: 'Type check', run: `${run}mypy`, verb: 'lint' },
    { name: 'Test', run: `${run}pytest`, verb: 'test' },
    { name: 'Notebooks have no outputs', run: `${run}nbstripout --verify notebooks/*.ipynb`, verb: 'lint' },
    { name: 'Docs', run: docsCommands(answers, run).join(' && '), verb: 'docs' },
  ];
}

function githubWorkflow(answers: Answers): string {
  const environment = ciEnvironment(answers);
  const setup =
    answers.envTool === 'conda'
      ? [
          {
            uses: 'conda-incubator/setup-miniconda@v3',
            with: { 'miniforge-version': 'latest', 'python-version': answers.python },
          },
        ]
      : [{ uses: 'actions/setup-python@v5', with: { 'python-version': answers.python } }];
  const workflow = {
    name: 'CI',
    on: { push: { branches: ['main'] }, pull_request: {} },
    jobs: {
      test: {
        'runs-on': 'ubuntu-latest',
        defaults: { run: { shell: 'bash -el {0}' } },
        steps: [
          { uses: 'actions/checkout@v4' },
          ...setup,
          { name: 'Create the environment', run: environment.install.join('\n') },
          ...checks(answers, environment.run).map(({ name, run }) => ({ name, run })),
        ],
      },
      // the Dockerfile is linted and parsed in `test`; this job builds it (GitHub's runners have docker)
      image: {
        'runs-on': 'ubuntu-latest',
        steps: [
          { uses: 'actions/checkout@v4' },
          { name: 'Build the image', run: `docker build --tag ${distributionName(answers.projectName) ?? answers.packageName}:ci .` },
        ],
      },
    },
  };
  return toYaml(workflow);
}

function azurePipeline(answers: Answers): string {
  const environment = ciEnvironment(answers);
  const setup =
    answers.envTool === 'conda'
      ? [{ bash: 'echo "##vso[task.prependpath]$CONDA/bin"', displayName: 'Put conda on PATH' }]
      : [{ task: 'UsePythonVersion@0', inputs: { versionSpec: answers.python }, displayName: 'Use Python' }];
  const pipeline = {
    trigger: { branches: { include: ['main'] } },
    pr: { branches: { include: ['main'] } },
    pool: { vmImage: 'ubuntu-latest' },
    steps: [
      ...setup,
      { bash: environment.install.join('\n'), displayName: 'Create the environment' },
      ...checks(answers, environment.run).map(({ name, run }) => ({ bash: run, displayName: name })),
    ],
  };
  return toYaml(pipeline);
}

const RENDERERS: Record<Ci, (answers: Answers) => Record<string, string>> = {
  github: (answers) => ({ '.github/workflows/ci.yml': githubWorkflow(answers) }),
  'azure-pipelines': (answers) => ({ 'azure-pipelines.yml': azurePipeline(answers) }),
  none: () => ({}),
};

export function ciFiles(answers: Answers): Record<string, string> {
  return RENDERERS[answers.ci](answers);
}
