/**
 * The declared option model: the single source of truth for prompts, command-line options,
 * `--help`, validation, `.yo-rc.json`, the README's option table and the tests' option matrix.
 *
 * Option names and values are a public contract: rename nothing without a major version.
 */
import { ENV_TOOL_MODULES } from '../env-tools/index.js';
import { TRACKER_MODULES } from '../trackers/index.js';
import {
  derivePackageName,
  quoted,
  validateEmail,
  validateFreeText,
  validatePackageName,
  validateProjectName,
} from './names.js';

import {
  CIS,
  DATA_STORAGES,
  DATA_VERSIONINGS,
  ENV_TOOLS,
  LICENSES,
  PYTHON_VERSIONS,
  STRUCTURES,
  TRACKERS,
  type Ci,
  type DataStorage,
  type DataVersioning,
  type EnvTool,
  type License,
  type PythonVersion,
  type Structure,
  type Tracker,
} from './values.js';
import type { AnswerKey, Answers } from './answers.js';

export * from './values.js';
export * from './answers.js';

/** What a default may depend on besides earlier answers (read once, e.g. from `git config`). */
export interface DefaultSources {
  gitUserName?: string;
  gitUserEmail?: string;
  /** Supported Python versions with an interpreter on this machine (PATH or pyenv), newest last. */
  pythons?: readonly string[];
}

/** A validator returns an error message (one line, says how to fix it) or undefined when fine. */
export type Validator = (value: string, answers: Partial<Answers>) => string | undefined;

interface OptionBase<K extends AnswerKey> {
  key: K;
  /** Command-line flag name, without the leading dashes. */
  flag: string;
  /** One line for `--help`, the prompt and the README table. */
  description: string;
  /** Question shown by the prompt. */
  message: string;
}

export interface ChoiceValue {
  value: string;
  /** Short label shown in the prompt. */
  label: string;
}

export interface ChoiceOption<K extends AnswerKey = AnswerKey> extends OptionBase<K> {
  kind: 'choice';
  choices: readonly ChoiceValue[];
  /** The default when `preferred` finds none (and in the README table). */
  default: Answers[K];
  /** A default read off the machine, when there is one (the newest Python found, say). */
  preferred?: (sources: DefaultSources) => Answers[K] | undefined;
  /** Why the preferred default was picked, for `--help` and the prompt, e.g. `newest found here`. */
  preferredHelp?: string;
  /** Text for the README/--help column "default", when `preferred` makes it differ from `default`. */
  defaultHelp?: string;
}

export interface TextOption<K extends AnswerKey = AnswerKey> extends OptionBase<K> {
  kind: 'text';
  /** Default shown in the prompt and taken by `--yes`; computed from earlier answers. */
  default: (answers: Partial<Answers>, sources: DefaultSources) => string;
  /** Text for the README/--help column "default". */
  defaultHelp: string;
  validate: Validator;
  /** The positional argument instead of a `--flag`. */
  positional?: boolean;
}

export type AnswerOption = ChoiceOption | TextOption;

/** Flags change how a run behaves; they are not stored in `.yo-rc.json`. */
export interface FlagOption {
  flag: string;
  key: 'skipGit' | 'skipInstall' | 'yes' | 'allowOlder';
  description: string;
}

/** Choices in the order of the value list; the labels record must name every value. */
const choices = <V extends string>(values: readonly V[], labels: Record<V, string>): ChoiceValue[] =>
  values.map((value) => ({ value, label: labels[value] }));

/**
 * The answer options, in prompt order. A default may depend only on options earlier in this list.
 */
export const ANSWER_OPTIONS: readonly AnswerOption[] = [
  {
    kind: 'text',
    key: 'projectName',
    flag: 'project-name',
    positional: true,
    description: 'Folder and distribution name of the new project.',
    message: 'Project name',
    default: () => 'ml-experiments',
    defaultHelp: 'asked',
    validate: validateProjectName,
  },
  {
    kind: 'text',
    key: 'packageName',
    flag: 'package-name',
    description: 'Python import name of the project package.',
    message: 'Python package name',
    // a derived name that is not valid (`class`, `json`) is refused with `--yes`, never offered at a prompt
    default: (answers) => derivePackageNameOrEmpty(answers.projectName),
    defaultHelp: 'derived from the project name (`Churn Model v2` → `churn_model_v2`)',
    validate: validatePackageName,
  },
  {
    kind: 'text',
    key: 'description',
    flag: 'description',
    description: 'One-line description of the project.',
    message: 'Description',
    default: () => 'Machine-learning experiments.',
    defaultHelp: '`Machine-learning experiments.`',
    validate: validateFreeText('description'),
  },
  {
    kind: 'text',
    key: 'authorName',
    flag: 'author-name',
    description: 'Author name for the package metadata and licence.',
    message: 'Author name',
    default: (_answers, sources) => sources.gitUserName ?? '',
    defaultHelp: '`git config user.name` where set',
    validate: validateFreeText('author name'),
  },
  {
    kind: 'text',
    key: 'authorEmail',
    flag: 'author-email',
    description: 'Author e-mail for the package metadata.',
    message: 'Author e-mail',
    default: (_answers, sources) => sources.gitUserEmail ?? '',
    defaultHelp: '`git config user.email` where set',
    validate: validateEmail,
  },
  {
    kind: 'choice',
    key: 'python',
    flag: 'python',
    description: 'Python version the environment is created with.',
    message: 'Python version',
    choices: choices(PYTHON_VERSIONS, { '3.11': 'Python 3.11', '3.12': 'Python 3.12', '3.13': 'Python 3.13' }),
    default: '3.12',
    preferred: (sources) => sources.pythons?.at(-1) as PythonVersion | undefined,
    preferredHelp: 'the newest found on this machine',
    defaultHelp: 'the newest of these found on the machine (`python3.X` on PATH, or pyenv), else `3.12`',
  },
  {
    kind: 'choice',
    key: 'envTool',
    flag: 'env-tool',
    description: 'Tool that creates the environment and installs the dependencies.',
    message: 'Environment tool',
    // each tool's label is its module's (src/env-tools/<tool>.ts)
    choices: choices(ENV_TOOLS, Object.fromEntries(ENV_TOOLS.map((tool) => [tool, ENV_TOOL_MODULES[tool].label])) as Record<EnvTool, string>),
    default: 'venv',
  },
  {
    kind: 'choice',
    key: 'tracker',
    flag: 'tracker',
    description: 'Experiment tracker the runs are logged to.',
    message: 'Experiment tracker',
    // each tracker's label is its module's (src/trackers/<tracker>.ts)
    choices: choices(TRACKERS, Object.fromEntries(TRACKERS.map((tracker) => [tracker, TRACKER_MODULES[tracker].label])) as Record<Tracker, string>),
    default: 'mlflow',
  },
  {
    kind: 'choice',
    key: 'structure',
    flag: 'structure',
    description: 'Folder layout of the repository.',
    message: 'Folder layout',
    choices: choices(STRUCTURES, {
      ccds: 'CookieCutter Data Science layout',
      generic: 'Lean generic layout',
    }),
    default: 'ccds',
  },
  {
    kind: 'choice',
    key: 'license',
    flag: 'license',
    description: 'Licence of the project.',
    message: 'Licence',
    choices: choices(LICENSES, { MIT: 'MIT', 'BSD-3-Clause': 'BSD 3-Clause', 'Apache-2.0': 'Apache 2.0', none: 'None' }),
    default: 'none',
  },
  {
    kind: 'choice',
    key: 'ci',
    flag: 'ci',
    description: 'Continuous integration for the generated project.',
    message: 'Continuous integration',
    choices: choices(CIS, { github: 'GitHub Actions', 'azure-pipelines': 'Azure Pipelines', none: 'None' }),
    default: 'github',
  },
  {
    kind: 'choice',
    key: 'dataVersioning',
    flag: 'data-versioning',
    description: 'How the data files are versioned: with DVC, every run records the version it read.',
    message: 'Data versioning',
    choices: choices(DATA_VERSIONINGS, {
      none: 'None (data/ stays out of git; runs record its SHA-256)',
      dvc: 'DVC (pointer files in git, data in a cache and a remote)',
    }),
    default: 'none',
  },
  {
    kind: 'choice',
    key: 'dataStorage',
    flag: 'data-storage',
    description: "Where data/ is shared: DVC's remote, or `make sync_data_up` / `sync_data_down` without DVC.",
    message: 'Data storage',
    choices: choices(DATA_STORAGES, {
      none: 'None (data stays on this machine)',
      local: 'A folder every machine mounts (a network share)',
      azure: 'Azure Blob Storage',
      s3: 'Amazon S3 (or an S3-compatible store)',
      gcs: 'Google Cloud Storage',
    }),
    default: 'none',
  },
];

export const FLAG_OPTIONS: readonly FlagOption[] = [
  { flag: 'skip-git', key: 'skipGit', description: 'Do not initialise git nor make the initial commit.' },
  { flag: 'skip-install', key: 'skipInstall', description: 'Do not create the environment nor install dependencies.' },
  {
    flag: 'yes',
    key: 'yes',
    description: 'Accept the default for every option not given: no prompt at all (scripts, CI, no TTY).',
  },
  {
    flag: 'allow-older',
    key: 'allowOlder',
    description: 'Re-run a project that a newer generator-mlexp made with this older one (it records the older version).',
  },
];

export const ANSWER_KEYS: readonly AnswerKey[] = ANSWER_OPTIONS.map((option) => option.key);

export function optionFor(key: AnswerKey): AnswerOption {
  const option = ANSWER_OPTIONS.find((candidate) => candidate.key === key);
  if (!option) throw new Error(`no option declared for ${key}`);
  return option;
}

/** Valid values of a choice option, e.g. `choiceValues('tracker')`. */
export function choiceValues(key: AnswerKey): string[] {
  const option = optionFor(key);
  return option.kind === 'choice' ? option.choices.map((choice) => choice.value) : [];
}

/** How a message names the option: `--tracker`, or `<project-name>` for the positional argument. */
export function optionName(option: AnswerOption): string {
  return option.kind === 'text' && option.positional ? `<${option.flag}>` : `--${option.flag}`;
}

/** Validate one answer against its declaration; returns a one-line message or undefined. */
export function validateAnswer(key: AnswerKey, value: unknown, answers: Partial<Answers>): string | undefined {
  const option = optionFor(key);
  const name = optionName(option);
  if (typeof value !== 'string') {
    return `${name} needs a text value`;
  }
  if (option.kind === 'choice') {
    const values = option.choices.map((choice) => choice.value);
    return values.includes(value) ? undefined : `invalid ${name} ${quoted(value)}: use one of ${values.join(', ')}`;
  }
  const problem = option.validate(value, answers);
  return problem === undefined ? undefined : `invalid ${name}: ${problem}`;
}

/** The default an option takes when it is neither given nor stored nor asked (`--yes`). */
export function defaultFor(key: AnswerKey, answers: Partial<Answers>, sources: DefaultSources): string {
  const option = optionFor(key);
  return option.kind === 'choice' ? (option.preferred?.(sources) ?? option.default) : option.default(answers, sources);
}


function derivePackageNameOrEmpty(projectName: string | undefined): string {
  return projectName === undefined ? '' : (derivePackageName(projectName) ?? '');
}
