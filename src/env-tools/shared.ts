/**
 * What every env tool module answers (src/env-tools/<tool>.ts), and the helpers they share: the
 * PEP 621 `[project]` table and tool settings every pyproject.toml carries, the sdist contents,
 * the Docker base image, and the editors that add a dependency to a TOML, YAML or requirements file.
 */
import { parse as parseToml } from 'smol-toml';
import { isMap, isSeq, parseDocument } from 'yaml';
import { toToml } from '../render/toml.js';
import { dependenciesFor, OPTIONAL_GROUPS, requirement, teamDependencies, type OptionalGroup, type PythonDependency } from '../options/catalogue.js';
import { distributionName } from '../options/names.js';
import { TRACKER_MODULES } from '../trackers/index.js';
import type { Answers } from '../options/answers.js';
import type { EnvTool } from '../options/values.js';

export interface Command {
  command: string;
  args: string[];
  /** Environment the command needs beside the generator's own (e.g. where the tool puts the venv). */
  env?: Record<string, string>;
}

/** How an optional group (docs, notebook) gets into the environment, and how commands then run. */
export interface GroupUse {
  /** A shell line that adds the group to the environment once, when the tool needs one. */
  install?: string;
  /**
   * Whether `install` runs inside the environment (behind its run prefix: `pip` must be the
   * environment's) or is the tool's own command run from outside (`poetry install --with docs`).
   */
  installsInside: boolean;
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
  /** Project files the project's own install reads beside `src/` (copied after the dependency layer). */
  projectFiles: string[];
  /** RUN lines that install the project itself once `src/` is copied. */
  project: string[];
  /** Environment the tool's install reads in the build stage. */
  env?: Record<string, string>;
}

/** How a CI job gets the tool and the environment (src/render/ci.ts builds the files from it). */
export interface CiEnvironment {
  /** GitHub Actions steps that provide the interpreter or the tool (before the install step). */
  github: Array<Record<string, unknown>>;
  /** The same for Azure Pipelines. */
  azure: Array<Record<string, unknown>>;
  /** Shell lines that create the environment on a fresh machine (from the committed lock, if any). */
  install: string[];
  /** Prefix that runs a command inside the environment there. */
  run: string;
}

/** Adds dependencies to one env file's text; says whether nothing else changed. */
export type DependencyEditor = (text: string, dependencies: readonly PythonDependency[]) => FileEdit;

export interface FileEdit {
  content: string;
  /** True when nothing but the additions changed (comments and layout kept). */
  lossless: boolean;
}

/**
 * Everything the generator knows about one env tool. Adding a tool is one module answering this,
 * its name in ENV_TOOLS (src/options/values.ts) and its template folder (templates/app/envTool/<tool>/,
 * the tool's docs/environment.md); test/env-tools.test.ts fails when one of them is missing.
 */
export interface EnvToolModule {
  id: EnvTool;
  /** The choice's label in the prompt, `--help` and the README's options table. */
  label: string;
  /** Files the tool is configured by, rendered from the catalogue with TOML/YAML libraries: path → content. */
  files: (answers: Answers) => Record<string, string>;
  /** The env files that declare runtime dependencies, and how a sub-generator adds one to each. */
  editors: Record<string, DependencyEditor>;
  /** Globs (at the project root) of the files that pin or declare the environment, logged with every run. */
  recordedFiles: string[];
  /** The lock file the install writes and CI insists on, when the tool locks. */
  lockFile?: string;
  /**
   * What the generator's install step runs, unless --skip-install. `python` is the interpreter
   * found for the chosen version (src/project/python.ts), or `python3.X` when there is none.
   */
  install: (answers: Answers, python: string) => Command[];
  /** Whether the install needs the chosen interpreter on this machine (conda brings its own). */
  needsPython: boolean;
  /** A faster way to the same environment when another tool is on PATH (uv for venv + pip). */
  fastInstall?: { tool: string; says: string; commands: (answers: Answers, python: string) => Command[] };
  /** Commands a newcomer runs once from the project root, in order, to get a working environment. */
  setup: (answers: Answers) => string[];
  /** The command that activates the environment in a shell, when commands need it. */
  activate?: (answers: Answers) => string;
  /** Prefix that runs a command inside the environment, e.g. `uv run `; empty when activated. */
  runPrefix: string;
  /**
   * Prefix that runs a command inside the environment without activating it, from the project
   * root (the Makefile's): `.venv/bin/`, `uv run `.
   */
  runner: (answers: Answers) => string;
  /** Shell lines that create the environment when missing, then install the declared set (`make requirements`). */
  requirements: (answers: Answers) => string[];
  /** The install step typed in the project's environment (activated, for venv and conda). */
  installCommand: string;
  /** What brings the environment, and the lock when there is one, up to date after its dependency files changed. */
  refresh: string;
  /** The command that adds the optional `team` extra to the environment (for docs). */
  installTeam: string;
  /** How to install and run with the `docs` or `notebook` group. */
  group: (group: OptionalGroup) => GroupUse;
  /** The container's build stage (see src/render/dockerfile.ts). */
  docker: (answers: Answers) => DockerInstall;
  /** The CI job's tool set-up, install and run prefix. */
  ci: (answers: Answers) => CiEnvironment;
  /** Phrases the generated docs use. */
  docs: {
    /** The interpreter an editor's notebook picks as the kernel (README, Notebooks). */
    kernel: (answers: Answers) => string;
    /** What the image's dependency layer installs from (docs/container.md). */
    imageInstallsFrom: string;
    /** How the README's task table is typed without make: ` in the activated environment (…)`. */
    withoutMake: (answers: Answers) => string;
  };
  /** The e2e test file (under test/e2e/) that installs a project with this tool for real. */
  e2e: string;
}

/** The conda environment's name, the distribution name (`churn-model`). */
export const environmentName = (answers: Answers) => distributionName(answers.projectName) ?? answers.packageName;

/** A shell line that fails CI, saying what to do, when the committed lock file is missing or stale. */
export function lockedOrFail(check: string, lock: string, file: string): string {
  return `${check} || { echo "${file} is missing or out of date: run '${lock}' and commit ${file}" >&2; exit 1; }`;
}

/** CI steps that put the project's Python on PATH (every tool but conda). */
export function pythonSetup(answers: Answers): Pick<CiEnvironment, 'github' | 'azure'> {
  return {
    github: [{ uses: 'actions/setup-python@v5', with: { 'python-version': answers.python } }],
    azure: [{ task: 'UsePythonVersion@0', inputs: { versionSpec: answers.python }, displayName: 'Use Python' }],
  };
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
 * first-party under src/) run clean. They depend on the dependency set: `addToPyproject` keeps
 * deptry's list of plugins in the same sorted order, so a render and an edit agree line for line.
 */
function checkerTables(answers: Answers): { mypy: Record<string, unknown>; deptry: Record<string, unknown> } {
  const needed = [...dependenciesFor(answers, 'runtime'), ...dependenciesFor(answers, 'dev'), ...teamDependencies(answers)];
  const untyped = needed.filter((dependency) => dependency.untyped).flatMap((dependency) => dependency.imports);
  const plugins = needed
    .filter((dependency) => dependency.plugin)
    .map((dependency) => dependency.name)
    .sort();
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
function sdistSources(answers: Answers, copied: readonly string[]): { folders: string[]; files: string[] } {
  const tracker = TRACKER_MODULES[answers.tracker];
  return {
    folders: ['tests', 'configs', ...tracker.sdist.folders],
    // the suite checks that git ignores .env and keeps .env.example
    files: ['.gitignore', '.env.example', 'Dockerfile', '.dockerignore', ...copied.filter((file) => !['pyproject.toml', 'README.md'].includes(file)), ...tracker.sdist.files],
  };
}

/** The sdist sources as globs (`folder/**` for a whole folder), as uv_build and Poetry take them. */
export function sdistGlobs(answers: Answers, docker: DockerInstall, everything: string): string[] {
  const { folders, files } = sdistSources(answers, docker.dependencyFiles);
  return [...folders.map((folder) => `${folder}/${everything}`), ...files];
}

/** setuptools takes sdist contents from MANIFEST.in (folders grafted, bytecode left out). */
export function manifestIn(answers: Answers, docker: DockerInstall): string {
  const { folders, files } = sdistSources(answers, docker.dependencyFiles);
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
export const pythonImage = (answers: Answers) => `python:${answers.python}-slim-bookworm`;

/** The venv every image installs into, so the runtime stage copies one folder. */
export const MAKE_VENV = 'python -m venv /opt/venv';

/** Build and install the project's own wheel into /opt/venv, its dependencies being there already. */
export const PIP_PROJECT = ['pip install --no-cache-dir --no-deps .'];

const SETUPTOOLS_BUILD = { requires: ['setuptools>=77'], 'build-backend': 'setuptools.build_meta' };

/**
 * A pyproject.toml: the `[project]` table, PEP 735 groups when the tool reads them (uv, Poetry;
 * the pip-installed tools keep their dev set in their own files), the tool's build system, and its
 * own `[tool]` tables beside the quality tools every project shares.
 */
export function pyprojectToml(
  answers: Answers,
  build: { requires: string[]; 'build-backend': string },
  tool: Record<string, unknown>,
  { groups }: { groups: boolean },
): string {
  return toToml({
    project: projectTable(answers),
    ...(groups ? { 'dependency-groups': dependencyGroups(answers) } : {}),
    'build-system': build,
    tool: { ...tool, ...qualityTools(answers) },
  });
}

/** A setuptools pyproject.toml (venv, conda and pipenv install the project with pip). */
export const setuptoolsPyproject = (answers: Answers): string =>
  pyprojectToml(answers, SETUPTOOLS_BUILD, { setuptools: { packages: { find: { where: ['src'] } } } }, { groups: false });

export function requirementsFile(header: string, lines: string[]): string {
  return `${header}\n${lines.join('\n')}\n`;
}


const distribution = (spec: string) => spec.split(/[<>=!~;[ ]/)[0]!.trim().toLowerCase();

interface Pyproject extends Record<string, unknown> {
  project?: { dependencies?: string[] };
  tool?: { deptry?: { per_rule_ignores?: { DEP002?: string[] } } };
}

/** Adds to `[project] dependencies` of a pyproject.toml (and tells deptry a plugin is used). */
export function addToPyproject(text: string, dependencies: readonly PythonDependency[]): FileEdit {
  const data = parseToml(text) as Pyproject;
  const lossless = toToml(data) === text;
  const project = (data.project ??= {});
  const list = (project.dependencies ??= []);
  for (const dependency of dependencies) {
    if (!list.some((spec) => distribution(spec) === dependency.name)) list.push(requirement(dependency));
    // a plugin (pyarrow, which pandas loads) is never imported: deptry is told it is used
    const deptry = data.tool?.deptry;
    if (dependency.plugin && deptry) {
      const unused = ((deptry.per_rule_ignores ??= {}).DEP002 ??= []);
      if (!unused.includes(dependency.name)) unused.push(dependency.name);
      unused.sort();
    }
  }
  return { content: toToml(data), lossless };
}

/** Appends requirement lines to a requirements file, leaving every other line as it was. */
export function addToRequirements(text: string, dependencies: readonly PythonDependency[]): FileEdit {
  const present = new Set(text.split('\n').map(distribution));
  const added = dependencies.filter((dependency) => !present.has(dependency.name)).map(requirement);
  const base = text.endsWith('\n') || text === '' ? text : `${text}\n`;
  return { content: added.length ? `${base}${added.join('\n')}\n` : text, lossless: true };
}

/** Adds to environment.yml: the conda-forge name where there is one, else under `pip:`. */
export function addToEnvironmentYml(text: string, dependencies: readonly PythonDependency[]): FileEdit {
  const document = parseDocument(text);
  const list = document.get('dependencies');
  if (!isSeq(list)) throw new Error('environment.yml has no dependencies list');
  const pip = list.items.find((item) => isMap(item) && item.has('pip'));
  const pipList = isMap(pip) ? pip.get('pip') : undefined;
  const names = new Set(
    list.items.flatMap((item) => (isMap(item) ? [] : [distribution(String((item as { value?: unknown }).value ?? item))])),
  );
  for (const dependency of dependencies) {
    if (dependency.conda !== null) {
      if (!names.has(dependency.conda)) list.items.splice(isMap(pip) ? list.items.indexOf(pip) : list.items.length, 0, document.createNode(`${dependency.conda}${dependency.range}`));
    } else if (isSeq(pipList) && !pipList.items.some((item) => distribution(String((item as { value?: unknown }).value)) === dependency.name)) {
      pipList.items.unshift(document.createNode(requirement(dependency)));
    }
  }
  return { content: document.toString(), lossless: true };
}
