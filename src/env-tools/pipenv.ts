/**
 * Pipenv: a Pipfile rendered from the catalogue (runtime `[packages]`, `[dev-packages]` with the
 * project itself, editable, and one category per optional group and for the `team` extra),
 * Pipfile.lock, and a setuptools pyproject.toml for the package. The environment is the project's
 * `.venv` (PIPENV_VENV_IN_PROJECT=1 on the first install; pipenv keeps using a `.venv` it finds).
 */
import { parse as parseToml } from 'smol-toml';
import { dependenciesFor, OPTIONAL_GROUPS, teamDependencies, type PythonDependency } from '../options/catalogue.js';
import type { Answers } from '../options/answers.js';
import { toToml } from '../render/toml.js';
import {
  addToPyproject,
  environmentName,
  lockedOrFail,
  MAKE_VENV,
  manifestIn,
  PIP_PROJECT,
  pythonImage,
  pythonSetup,
  setuptoolsPyproject,
  type DockerInstall,
  type EnvToolModule,
  type FileEdit,
} from './shared.js';

/** The Pipfile's category for the `team` extra (pyproject.toml's optional dependency of that name). */
const TEAM = 'team';
/** Puts the environment in the project's `.venv` (then pipenv finds it there without the variable). */
const IN_PROJECT = 'PIPENV_VENV_IN_PROJECT=1';
const INSTALL = 'pipenv install --dev';
/** The pipenv release line the CI job and the image install (categories, `verify`). */
const PIPENV = 'pipenv>=2024.1';

type PipfileEntry = string | { version: string; extras?: string[] } | { path: string; editable: boolean };

/** A catalogue entry as a Pipfile entry: `numpy = ">=1.26,<3"`, or a table when it has extras. */
function entry(dependency: PythonDependency): PipfileEntry {
  return dependency.extras?.length ? { version: dependency.range, extras: [...dependency.extras] } : dependency.range;
}

const category = (dependencies: readonly PythonDependency[]) =>
  Object.fromEntries(dependencies.map((dependency) => [dependency.name, entry(dependency)]));

/**
 * The Pipfile's categories. pipenv locks `[packages]` first, then every other category against
 * that lock, so a runtime package that another category's package includes (mlflow-skinny, in the
 * dev set's `mlflow`) would be locked at its newest release even when the including package's
 * same release cannot be installed yet (one of its own pins not published), and the lock would
 * fail. The including package takes the included one's place in `[packages]` instead: one
 * resolution for both, at the cost of a larger runtime set for Pipenv projects.
 */
function categories(answers: Answers): { packages: PythonDependency[]; others: Record<string, PythonDependency[]> } {
  const runtime = dependenciesFor(answers, 'runtime');
  const others: Record<string, PythonDependency[]> = {
    'dev-packages': dependenciesFor(answers, 'dev'),
    ...Object.fromEntries(OPTIONAL_GROUPS.map((group) => [group, dependenciesFor(answers, group)])),
    [TEAM]: teamDependencies(answers),
  };
  const runtimeNames = new Set(runtime.map((dependency) => dependency.name));
  const lifted = new Map<string, PythonDependency>();
  for (const dependency of Object.values(others).flat()) {
    if (dependency.includes && runtimeNames.has(dependency.includes)) lifted.set(dependency.name, dependency);
  }
  const includer = (name: string) => [...lifted.values()].find((dependency) => dependency.includes === name);
  return {
    packages: runtime.map((dependency) => includer(dependency.name) ?? dependency),
    others: Object.fromEntries(
      Object.entries(others).map(([name, dependencies]) => [name, dependencies.filter((dependency) => !lifted.has(dependency.name))]),
    ),
  };
}

function pipfile(answers: Answers): string {
  const { packages, others } = categories(answers);
  const { 'dev-packages': dev = [], ...rest } = others;
  return toToml({
    source: [{ name: 'pypi', url: 'https://pypi.org/simple', verify_ssl: true }],
    packages: category(packages),
    // the project itself, editable, with the dev tools: the image installs [packages] only, then its wheel
    'dev-packages': { ...category(dev), [environmentName(answers)]: { path: '.', editable: true } },
    ...Object.fromEntries(Object.entries(rest).map(([name, dependencies]) => [name, category(dependencies)])),
    requires: { python_version: answers.python },
  });
}

/** Adds runtime dependencies to the Pipfile's `[packages]` (pipenv's own `pipenv install <pkg>` also locks). */
function addToPipfile(text: string, dependencies: readonly PythonDependency[]): FileEdit {
  const data = parseToml(text) as { packages?: Record<string, unknown> };
  const lossless = toToml(data) === text;
  const packages = (data.packages ??= {});
  const present = new Set(Object.keys(packages).map((name) => name.toLowerCase()));
  for (const dependency of dependencies) if (!present.has(dependency.name)) packages[dependency.name] = entry(dependency);
  return { content: toToml(data), lossless };
}

const docker = (answers: Answers): DockerInstall => ({
  base: pythonImage(answers),
  dependencyFiles: ['Pipfile', 'Pipfile.lock'],
  // pipenv goes into the build stage's system Python; it installs [packages] from the lock into
  // the active venv (VIRTUAL_ENV), refusing a lock that is out of date with the Pipfile
  dependencies: [`pip install --no-cache-dir "${PIPENV}"`, MAKE_VENV, 'pipenv install --deploy'],
  projectFiles: ['pyproject.toml', 'README.md', 'MANIFEST.in'],
  project: PIP_PROJECT,
});

export const pipenv: EnvToolModule = {
  id: 'pipenv',
  label: 'Pipenv (Pipfile + Pipfile.lock)',
  files: (answers) => ({
    Pipfile: pipfile(answers),
    'pyproject.toml': setuptoolsPyproject(answers),
    'MANIFEST.in': manifestIn(answers, docker(answers)),
  }),
  editors: { 'pyproject.toml': addToPyproject, Pipfile: addToPipfile },
  recordedFiles: ['Pipfile', 'Pipfile.lock'],
  lockFile: 'Pipfile.lock',
  install: (_answers, python) => [
    { command: 'pipenv', args: ['install', '--dev', '--python', python], env: { PIPENV_VENV_IN_PROJECT: '1' } },
  ],
  needsPython: true,
  setup: () => [`${IN_PROJECT} ${INSTALL}`],
  runPrefix: 'pipenv run ',
  runner: () => 'pipenv run ',
  requirements: () => [`${IN_PROJECT} ${INSTALL}`],
  installCommand: INSTALL,
  refresh: INSTALL, // it locks again when the Pipfile changed
  installTeam: `pipenv sync --categories ${TEAM}`,
  group: (group) => ({ install: `pipenv sync --categories ${group}`, installsInside: false, run: 'pipenv run ' }),
  docker,
  ci: (answers) => ({
    ...pythonSetup(answers),
    install: [
      `python -m pip install "${PIPENV}"`,
      lockedOrFail('pipenv verify', 'pipenv lock', 'Pipfile.lock'),
      `${IN_PROJECT} pipenv sync --dev`,
    ],
    run: 'pipenv run ',
  }),
  docs: {
    kernel: () => "`.venv/bin/python` (the project's `.venv`, made by `pipenv install`)",
    imageInstallsFrom: '`Pipfile.lock`',
    withoutMake: () => ' from the project root',
  },
  e2e: 'workflow.test.ts',
};
