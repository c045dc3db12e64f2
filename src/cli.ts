#!/usr/bin/env node
/**
 * `mlexp`: the generators without `yo`, run through yeoman-environment directly (no generator
 * lookup, so it starts fast). `mlexp <project-name> [options]` is `yo mlexp <project-name> [options]`;
 * `mlexp <sub-generator> ...` is `yo mlexp:<sub-generator> ...`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { prepareCommand } from 'yeoman-environment';
import { isUserError } from './lib/errors.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Sub-generators are the folders next to `app/` that hold an index.js. */
function generatorPath(name: string): string | undefined {
  const file = path.join(here, name, 'index.js');
  return name !== 'lib' && existsSync(file) ? file : undefined;
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

async function main(argv: string[]): Promise<void> {
  const [first, ...rest] = argv;
  const sub = first !== undefined && first !== 'app' && generatorPath(first) ? first : undefined;
  const name = sub ?? 'app';
  const args = sub ? rest : argv;
  const resolved = generatorPath(name);
  if (!resolved) throw new Error(`generator ${name} is missing from ${here}: rebuild the package`);
  const command = await prepareCommand({ resolved, namespace: `mlexp:${name}` });
  quietTaskFailureLine(command.env);
  command.name(sub ? `mlexp ${sub}` : 'mlexp');
  command.exitOverride();
  command.showSuggestionAfterError(false);
  await command.parseAsync(args, { from: 'user' });
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
  } else if (isUserError(error)) {
    process.stderr.write(`error: ${error.message}\n`);
    process.exitCode = 1;
  } else {
    process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  }
}
