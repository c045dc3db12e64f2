/**
 * The option model applied to a run: registers every declared option on a generator, and turns
 * command-line values, stored answers, prompts and defaults into validated answers.
 */
import type Generator from 'yeoman-generator';
import { isInterrupted, UserError } from '../core/errors.js';
import {
  ANSWER_OPTIONS,
  FLAG_OPTIONS,
  defaultFor,
  optionName,
  validateAnswer,
  type AnswerOption,
  type Answers,
  type DefaultSources,
} from './options.js';

export interface RunFlags {
  skipGit: boolean;
  skipInstall: boolean;
  yes: boolean;
  allowOlder: boolean;
}

/**
 * Yeoman's own switches (environment and generator) that an mlexp user never needs: still
 * accepted, left out of `--help`. `--force`, `--bail`, `--dry-run` and `--skip-install` stay listed.
 */
export const HIDDEN_ENVIRONMENT_OPTIONS: ReadonlySet<string> = new Set([
  'cwd',
  'skip-cache',
  'local-config-only',
  'ask-answered',
  'whitespace',
  'skip-yo-resolve',
  'force-install',
]);

/** What Yeoman's switches that stay in `--help` do, in mlexp's words. */
export const ENVIRONMENT_OPTION_HELP: Readonly<Record<string, string>> = {
  'skip-install': 'Do not create the environment nor install dependencies.',
  force: 'Overwrite files you changed without asking.',
  'dry-run': 'Report what would be written and what would conflict; write nothing.',
  bail: 'Stop at the first file you changed (a conflict), keeping it.',
};

/** A sentence ends with one full stop, whatever the text it ends with. */
const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);

/** `--help` text of an option: description, valid values and default, from the model. */
export function optionHelp(option: AnswerOption, sources: DefaultSources = {}): string {
  if (option.kind === 'choice') {
    const values = option.choices.map((choice) => choice.value).join(', ');
    const preferred = option.preferred?.(sources);
    const fallback = preferred === undefined ? option.default : preferred;
    const why = option.preferredHelp && preferred !== undefined ? ` (${option.preferredHelp})` : '';
    return `${option.description} One of: ${values}. Default: ${fallback}${why}.`;
  }
  return `${option.description} Default: ${sentence(option.defaultHelp.replace(/`/g, ''))}`;
}


export function registerOptions(generator: Generator, sources: DefaultSources = {}): void {
  for (const option of ANSWER_OPTIONS) {
    if (option.kind === 'text' && option.positional) {
      generator.argument(option.flag, { type: String, required: false, description: optionHelp(option, sources) });
    } else {
      generator.option(option.flag, { type: String, description: optionHelp(option, sources) });
    }
  }
  for (const flag of FLAG_OPTIONS) {
    generator.option(flag.flag, { type: Boolean, description: flag.description });
  }
  generator.option('preset', { type: String, description: PRESET_HELP });
  hideYeomanOptions(generator);
}

/** Keep Yeoman's internal generator options out of `yo mlexp --help` (they still work). */
export function hideYeomanOptions(generator: Generator): void {
  const options = (generator as unknown as { _options: Record<string, { hide?: boolean }> })._options;
  for (const name of HIDDEN_ENVIRONMENT_OPTIONS) {
    if (options[name]) options[name].hide = true;
  }
}

/**
 * The positional argument as typed. Yeoman parses positionals with minimist, which turns `007`
 * into 7 and `1e3` into 1000, and reads `-0` as a switch: names must stay the strings given.
 */
export function rawArgument(generator: Generator, index: number): string | undefined {
  return (generator as unknown as { _args?: unknown[] })._args?.map(String)[index];
}

export const PRESET_HELP =
  'A team preset to build on: an npm package name, name@version or range, a tarball or a folder (resolved by npm).';

export interface AnswerSources {
  /** The command-line value of a flag, if given. */
  read: (flag: string) => string | undefined;
  /** Answers stored in `.yo-rc.json` by an earlier run. */
  stored: Record<string, unknown> | undefined;
  prompt: (questions: Array<Record<string, unknown>>) => Promise<Record<string, unknown>>;
  gitIdentity: () => DefaultSources;
  /** False when prompts cannot be answered (a terminal adapter with no TTY on stdin). */
  interactive: boolean;
  /** A team preset's answers: defaults replace the model's, locked ones cannot change. */
  preset?: { name: string; defaults: Partial<Answers>; locked: Partial<Answers> };
}

const isTrue = (value: string | undefined) => value !== undefined && value !== 'false';

function question(
  option: AnswerOption,
  defaultValue: string,
  answers: Partial<Answers>,
  preferred: string | undefined,
): Record<string, unknown> {
  const validate = (value: string) => validateAnswer(option.key, value, answers) ?? true;
  if (option.kind === 'choice') {
    return {
      type: 'select',
      name: option.key,
      message: option.message,
      choices: option.choices.map((choice) => ({
        name: option.preferredHelp && preferred === choice.value ? `${choice.label} (${option.preferredHelp})` : choice.label,
        value: choice.value,
      })),
      default: defaultValue,
    };
  }
  return { type: 'input', name: option.key, message: option.message, default: defaultValue, validate };
}

async function ask(sources: AnswerSources, option: AnswerOption, fallback: string, answers: Partial<Answers>) {
  const where = optionName(option);
  if (!sources.interactive) {
    throw new UserError(`${where} not given and there is no terminal to ask: give ${where}, or --yes to take the defaults`);
  }
  // an invalid default (a package name derived from `class`) is never offered
  const offered = validateAnswer(option.key, fallback, answers) === undefined ? fallback : '';
  try {
    const preferred = option.kind === 'choice' ? option.preferred?.(sources.gitIdentity()) : undefined;
    const reply = await sources.prompt([question(option, offered, answers, preferred)]);
    return String(reply[option.key] ?? offered);
  } catch (error) {
    if (isInterrupted(error)) throw error;
    throw new UserError(
      `could not ask for ${where} (${(error as Error).message || 'no terminal'}): give ${where}, or --yes to take the defaults`,
    );
  }
}

/**
 * Resolve every answer in declaration order: command line, then stored, then `--yes` default or a
 * prompt. Everything given is validated before anything is asked, so a typo fails at once.
 */
export async function resolveAnswers(sources: AnswerSources): Promise<{ answers: Answers; flags: RunFlags }> {
  const flags: RunFlags = {
    skipGit: isTrue(sources.read('skip-git')),
    skipInstall: isTrue(sources.read('skip-install')),
    yes: isTrue(sources.read('yes')),
    allowOlder: isTrue(sources.read('allow-older')),
  };
  const given: Partial<Record<keyof Answers, string>> = {};
  const locked = sources.preset?.locked ?? {};
  for (const option of ANSWER_OPTIONS) {
    const value = sources.read(option.flag);
    if (value === undefined) continue;
    const problem = validateAnswer(option.key, value, {});
    if (problem) throw new UserError(problem);
    const lock = locked[option.key as keyof typeof locked];
    if (lock !== undefined && lock !== value) {
      throw new UserError(
        `--${option.flag} is locked to '${String(lock)}' by preset ${sources.preset!.name}: leave --${option.flag} out or use another preset`,
      );
    }
    given[option.key] = value;
  }
  let defaults: DefaultSources | undefined;
  const answers: Partial<Answers> = {};
  for (const option of ANSWER_OPTIONS) {
    const lock = locked[option.key as keyof typeof locked];
    let value = given[option.key] ?? (lock === undefined ? undefined : String(lock));
    const stored = sources.stored?.[option.key];
    if (value === undefined && stored !== undefined) {
      const problem = validateAnswer(option.key, stored, answers);
      if (problem) throw new UserError(`.yo-rc.json holds an ${problem.replace(/^invalid /, 'invalid value for ')}`);
      value = stored as string;
    }
    if (value === undefined) {
      defaults ??= sources.gitIdentity();
      const presetDefault = sources.preset?.defaults[option.key as keyof Answers];
      const fallback = presetDefault === undefined ? defaultFor(option.key, answers, defaults) : String(presetDefault);
      if (flags.yes) {
        if (option.kind === 'text' && option.positional) {
          throw new UserError('no project name given: run `mlexp <project-name> --yes`');
        }
        value = fallback;
      } else {
        value = await ask(sources, option, fallback, answers);
      }
    }
    const problem = validateAnswer(option.key, value, answers);
    if (problem) throw new UserError(problem);
    (answers as Record<string, string>)[option.key] = value;
  }
  return { answers: answers as Answers, flags };
}
