/**
 * CI files for the generated project, one renderer per `--ci` value, built as data and written
 * with the YAML library. Each creates the environment with the chosen tool (from the committed lock
 * file, for the tools that lock), runs ruff, hadolint, mypy, pytest, `nbstripout --verify` on the
 * notebooks and `mkdocs build --strict`; the GitHub workflow also builds the container image.
 */
import { stringify as toYaml } from 'yaml';
import { ENV_TOOL_MODULES } from '../env-tools/index.js';
import { distributionName } from '../options/names.js';
import type { Answers } from '../options/answers.js';
import type { Ci } from '../options/values.js';

/**
 * `mkdocs build --strict` with the docs group added the env tool's way, each command behind `run`
 * where it runs in the environment (the group's install only when the tool says it runs inside).
 */
export function docsCommands(answers: Answers, run: string): string[] {
  const docs = ENV_TOOL_MODULES[answers.envTool].group('docs');
  const install = docs.install && docs.installsInside ? `${run}${docs.install}` : docs.install;
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
  const environment = ENV_TOOL_MODULES[answers.envTool].ci(answers);
  const workflow = {
    name: 'CI',
    on: { push: { branches: ['main'] }, pull_request: {} },
    jobs: {
      test: {
        'runs-on': 'ubuntu-latest',
        defaults: { run: { shell: 'bash -el {0}' } },
        steps: [
          { uses: 'actions/checkout@v4' },
          ...environment.github,
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
  const environment = ENV_TOOL_MODULES[answers.envTool].ci(answers);
  const pipeline = {
    trigger: { branches: { include: ['main'] } },
    pr: { branches: { include: ['main'] } },
    pool: { vmImage: 'ubuntu-latest' },
    steps: [
      ...environment.azure,
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
