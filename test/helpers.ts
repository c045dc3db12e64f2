/**
 * Shared test helpers: run the built generators (the tests exercise what is published), list and
 * parse generated files.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import helpers from 'yeoman-test';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CLI = path.join(ROOT, 'generators', 'cli.js');

export function generatorPath(name: string): string {
  return path.join(ROOT, 'generators', name, 'index.js');
}

/** Options that keep a unit test fast and offline. */
export const QUIET = { skipInstall: true, skipGit: true, yes: true };

/** Run the app generator in a fresh temporary folder; the project is `<cwd>/<name>`. */
export function runApp(name: string | undefined, options: Record<string, unknown> = {}) {
  const context = helpers.run(generatorPath('app'));
  if (name !== undefined) context.withArguments([name]);
  return context.withOptions({ ...QUIET, ...options });
}

/** Every file below `root`, as sorted forward-slash paths relative to it (`.git` left out). */
export function listFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder)) {
      if (entry === '.git') continue;
      const full = path.join(folder, entry);
      if (statSync(full).isDirectory()) walk(full);
      else files.push(path.relative(root, full).split(path.sep).join('/'));
    }
  };
  walk(root);
  return files.sort();
}

/** Parse every TOML, YAML, JSON and notebook file; throws naming the file that does not parse. */
export function parseStructuredFiles(root: string): Record<string, unknown> {
  const parsed: Record<string, unknown> = {};
  for (const file of listFiles(root)) {
    const text = readFileSync(path.join(root, file), 'utf8');
    try {
      if (file.endsWith('.toml')) parsed[file] = parseToml(text);
      else if (/\.ya?ml$/.test(file)) parsed[file] = parseYaml(text);
      else if (/\.(json|ipynb)$/.test(file)) parsed[file] = JSON.parse(text);
    } catch (error) {
      throw new Error(`${file} does not parse: ${(error as Error).message}`);
    }
  }
  return parsed;
}

/** Files that still hold an EJS marker (an unrendered template). */
export function unrenderedFiles(root: string): string[] {
  return listFiles(root).filter((file) => /<%|%>/.test(readFileSync(path.join(root, file), 'utf8')));
}

/** A temporary folder that outlives one yeoman-test run (yeoman-test removes its own). */
export function tmpFolder(prefix = 'mlexp-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** A TCP port free on 127.0.0.1 right now, for a server a test starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
