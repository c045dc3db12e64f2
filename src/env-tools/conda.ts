/** Conda: one environment.yml on conda-forge (pip for what it lacks), a setuptools pyproject.toml. */
import { stringify as toYaml } from 'yaml';
import { dependenciesFor, OPTIONAL_GROUPS, requirement, teamDependencies } from '../options/catalogue.js';
import type { Answers } from '../options/answers.js';
import {
  addToEnvironmentYml,
  addToPyproject,
  environmentName,
  MAKE_VENV,
  manifestIn,
  pythonImage,
  setuptoolsPyproject,
  type DockerInstall,
  type EnvToolModule,
} from './shared.js';

// environment.yml also holds the dev, docs and notebook tools: the image takes the runtime set
// only, with pip from pyproject.toml (the same catalogue ranges), on the official Python image
const docker = (answers: Answers): DockerInstall => ({
  base: pythonImage(answers),
  dependencyFiles: [],
  dependencies: [MAKE_VENV],
  projectFiles: ['pyproject.toml', 'README.md', 'MANIFEST.in'],
  project: ['pip install --no-cache-dir .'],
});

const UPDATE = 'conda env update -f environment.yml --prune';

export const conda: EnvToolModule = {
  id: 'conda',
  label: 'Conda (environment.yml, conda-forge)',
  files: (answers) => {
    // one environment per project: the docs and notebook tools are in it too
    const all = (['runtime', 'dev', ...OPTIONAL_GROUPS] as const).flatMap((group) => dependenciesFor(answers, group));
    const fromConda = all.filter((dependency) => dependency.conda !== null);
    const fromPip = all.filter((dependency) => dependency.conda === null);
    const environment = {
      name: environmentName(answers),
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
      'MANIFEST.in': manifestIn(answers, docker(answers)),
    };
  },
  editors: { 'pyproject.toml': addToPyproject, 'environment.yml': addToEnvironmentYml },
  recordedFiles: ['environment.yml', 'environment.lock.yml'],
  install: () => [{ command: 'conda', args: ['env', 'create', '-f', 'environment.yml'] }],
  needsPython: false,
  setup: (answers) => ['conda env create -f environment.yml', `conda activate ${environmentName(answers)}`],
  activate: (answers) => `conda activate ${environmentName(answers)}`,
  runPrefix: '',
  runner: (answers) => `conda run --no-capture-output -n ${environmentName(answers)} `,
  requirements: (answers) => {
    const name = environmentName(answers);
    return [
      `if conda run -n ${name} python --version >/dev/null 2>&1; then conda env update -n ${name} -f environment.yml --prune; else conda env create -f environment.yml; fi`,
    ];
  },
  installCommand: UPDATE,
  refresh: UPDATE,
  installTeam: 'conda env update -f environment-team.yml',
  group: () => ({ installsInside: false, run: '' }),
  docker,
  ci: (answers) => ({
    github: [
      {
        uses: 'conda-incubator/setup-miniconda@v3',
        with: { 'miniforge-version': 'latest', 'python-version': answers.python },
      },
    ],
    azure: [{ bash: 'echo "##vso[task.prependpath]$CONDA/bin"', displayName: 'Put conda on PATH' }],
    install: ['conda env create -f environment.yml'],
    run: `conda run --no-capture-output -n ${environmentName(answers)} `,
  }),
  docs: {
    kernel: (answers) => `the \`${environmentName(answers)}\` conda environment`,
    imageInstallsFrom: "`pyproject.toml`'s ranges, with pip: `environment.yml` also holds the dev tools",
    withoutMake: (answers) => ` in the activated environment\n(\`conda activate ${environmentName(answers)}\`)`,
  },
  e2e: 'poetry-conda.test.ts',
};
