/**
 * `mlexp`: the generators without `yo`, run through yeoman-environment directly (no generator
 * lookup). `mlexp <project-name> [options]` is `yo mlexp <project-name> [options]`;
 * `mlexp <sub-generator> ...` is `yo mlexp:<sub-generator> ...`.
 *
 * This module is the bundled entry `generators/cli/main.js`, which the bin loads (scripts/bundle.mjs):
 * the generators are imported here rather than looked up on disk, so they come from the bundle.
 */
import path from 'node:path';
import process from 'node:process';
import { prepareCommand } from 'yeoman-environment';
import { commandsHelp, SUB_COMMANDS } from './commands.js';
import { isInterrupted, isUserError, UserError } from '../core/errors.js';
import { GENERATORS_DIR } from '../core/paths.js';
import { GENERATOR_VERSION } from '../core/version.js';
import { ENVIRONMENT_OPTION_HELP, HIDDEN_ENVIRONMENT_OPTIONS } from '../options/resolve-answers.js';

/** Every generator the command runs; `app` is the default. Each is loaded only when it runs. */
const GENERATORS = {
  app: () => import('../app/index.js'),
  dataset: () => import('../dataset/index.js'),
  model: () => import('../model/index.js'),
  evaluator: () => import('../evaluator/index.js'),
  preset: () => import('../preset/index.js'),
  upgrade: () => import('../upgrade/index.js'),
} as const;
type GeneratorName = keyof typeof GENERATORS;
/** Yeoman's declared constructor has optional arguments; ours always receive them from the environment. */
type RegisteredGenerator = Parameters<typeof prepareCommand>[0]['generator'];

function isGeneratorName(word: string | undefined): word is GeneratorName {
  return word !== undefined && Object.hasOwn(GENERATORS, word);
}

/**
 * Yeoman logs "An error occured while running <task>" before a failing task rejects; this command
 * prints the error itself in one line, so that extra line is dropped.
 */
function quietTaskFailureLine(environment: unknown): void {
  const log = (environment as { adapter?: { log?: { error?: (...args: unknown[]) => unknown } } }).adapter?.log;
  const original = log?.error;
  if (!log || !original) return;
  log.error = (...args: unknown[]) =>
    typeof args[0] === 'string' && args[0].startsWith('An error occured while running') ? log : original.apply(log, args);
}

/** `mlexp help [command]` is `mlexp [command] --help`; anything else is left as typed. */
function expandHelp(argv: string[]): string[] {
  if (argv[0] !== 'help') return argv;
  const topic = argv[1];
  if (topic !== undefined && !Object.hasOwn(SUB_COMMANDS, topic)) {
    throw new UserError(`no command '${topic}': use one of ${Object.keys(SUB_COMMANDS).join(', ')}, or \`mlexp help\``);
  }
  return topic === undefined ? ['--help'] : [topic, '--help'];
}

async function main(argv: string[]): Promise<void> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(`${GENERATOR_VERSION}\n`);
    return;
  }
  const words = expandHelp(argv);
  const [first, ...rest] = words;
  const sub = isGeneratorName(first) && first !== 'app' ? first : undefined;
  const name: GeneratorName = sub ?? 'app';
  const args = sub ? rest : words;
  const { default: generator } = await GENERATORS[name]();
  // `resolved` is where yo finds the same generator: yeoman-generator reads the package.json above it.
  const resolved = path.join(GENERATORS_DIR, name, 'index.js');
  const command = await prepareCommand({
    generator: generator as unknown as RegisteredGenerator,
    resolved,
    namespace: `mlexp:${name}`,
  });
  quietTaskFailureLine(command.env);
  command.name(sub ? `mlexp ${sub}` : 'mlexp');
  // Yeoman's own switches that an mlexp user never needs stay accepted but out of --help.
  for (const option of command.options) {
    const name = option.long?.replace(/^--/, '') ?? '';
    if (HIDDEN_ENVIRONMENT_OPTIONS.has(name)) option.hideHelp();
    const help = ENVIRONMENT_OPTION_HELP[name];
    if (help) {
      option.description = help;
      option.defaultValue = undefined;
    }
  }
  command.version(GENERATOR_VERSION, '-V, --version', 'print the generator version');
  if (!sub) command.addHelpText('after', `\n${commandsHelp('mlexp')}`);
  command.exitOverride();
  command.showSuggestionAfterError(false);
  await command.parseAsync(args, { from: 'user' });
}

// `mlexp --help | head` closes the pipe early: that is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  const code = (error as { code?: string }).code ?? '';
  if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') {
    process.exitCode = 0;
  } else if (code.startsWith('commander.')) {
    // commander has already printed its one-line message
    process.exitCode = 1;
  } else if (isInterrupted(error)) {
    process.stderr.write('mlexp: interrupted, nothing more was done\n');
    process.exitCode = 130;
  } else if (isUserError(error)) {
    process.stderr.write(`error: ${error.message}\n`);
    process.exitCode = 1;
  } else {
    process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  }
}
