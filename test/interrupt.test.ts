/**
 * A run killed in the middle of its writes (SIGKILL, as a power cut stops it: no handler runs) is
 * finished by running the same command again. test/fixtures/kill-after-writes.mjs kills the
 * process half-way through its n-th file write; the tests then run the command again and compare
 * the result with an uninterrupted run's.
 */
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, listFiles, ROOT, tmpFolder } from './helpers.js';

const KILLER = path.join(ROOT, 'test', 'fixtures', 'kill-after-writes.mjs');
const ENV = { NO_COLOR: '1', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.org', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.org' };
const NEW = ['proj', '--yes', '--skip-install', '--python', '3.11'];

function mlexp(args: string[], cwd: string, killAfter?: number) {
  const preload = killAfter === undefined ? [] : ['--import', KILLER];
  return execa('node', [...preload, CLI, ...args], {
    cwd,
    reject: false,
    stdin: 'ignore',
    all: true,
    env: { ...ENV, ...(killAfter === undefined ? {} : { MLEXP_KILL_AFTER_WRITES: String(killAfter) }) },
  });
}

function contents(root: string): Record<string, string> {
  return Object.fromEntries(listFiles(root).map((file) => [file, readFileSync(path.join(root, file), 'utf8')]));
}

/** A killed run's lock is taken over once stale (20 s): age it rather than wait. */
function ageLock(root: string): void {
  const lock = path.join(root, '.mlexp.lock');
  if (existsSync(lock)) utimesSync(lock, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
}

async function gitLines(root: string, ...args: string[]): Promise<string> {
  return (await execa('git', args, { cwd: root, env: ENV })).stdout;
}

describe('a run killed while it writes is finished by running it again', () => {
  let reference: Record<string, string> = {};
  beforeAll(async () => {
    const parent = tmpFolder('mlexp-interrupt-reference-');
    expect((await mlexp(NEW, parent)).exitCode).toBe(0);
    reference = contents(path.join(parent, 'proj'));
  });

  // the journal itself, the first file, one in the middle, and .yo-rc.json (the last write)
  for (const at of ['journal', 'first file', 'middle', 'answers'] as const) {
    it(`a new project killed while writing ${at === 'journal' ? 'its journal' : `the ${at}`}`, async () => {
      const count = Object.keys(reference).length;
      const killAfter = { journal: 1, 'first file': 2, middle: Math.floor(count / 2), answers: count + 1 }[at];
      const parent = tmpFolder('mlexp-interrupt-');
      const root = path.join(parent, 'proj');
      const killed = await mlexp(NEW, parent, killAfter);
      expect(killed.signal, String(killed.all)).toBe('SIGKILL');
      expect(existsSync(path.join(root, '.mlexp-journal.json'))).toBe(true);
      ageLock(root);

      const again = await mlexp(NEW, parent);
      expect(again.exitCode, String(again.all)).toBe(0);
      expect(again.all).toContain('stopped while writing');
      expect(contents(root)).toEqual(reference);
      expect(await gitLines(root, 'status', '--porcelain')).toBe('');
      expect(await gitLines(root, 'branch', '--list', 'mlexp/pristine')).toContain('mlexp/pristine');
    });
  }

  it('a sub-generator killed half-way through its module is finished by running it again', async () => {
    const parent = tmpFolder('mlexp-interrupt-block-');
    const root = path.join(parent, 'proj');
    expect((await mlexp(NEW, parent)).exitCode).toBe(0);
    const clean = tmpFolder('mlexp-interrupt-block-clean-');
    expect((await mlexp(NEW, clean)).exitCode).toBe(0);
    expect((await mlexp(['model', 'boost'], path.join(clean, 'proj'))).exitCode).toBe(0);

    // write 1 is the journal, 2 the first of the block's files, cut short
    const killed = await mlexp(['model', 'boost'], root, 2);
    expect(killed.signal).toBe('SIGKILL');
    ageLock(root);
    const again = await mlexp(['model', 'boost'], root);
    expect(again.exitCode, String(again.all)).toBe(0);
    expect(contents(root)).toEqual(contents(path.join(clean, 'proj')));
  });

  it('what the user wrote after the stop is still theirs: a conflict, refused in one line', async () => {
    const parent = tmpFolder('mlexp-interrupt-edit-');
    const root = path.join(parent, 'proj');
    const killed = await mlexp(NEW, parent, 40);
    expect(killed.signal).toBe('SIGKILL');
    ageLock(root);
    writeFileSync(path.join(root, 'README.md'), '# my own notes\n');
    const again = await mlexp(NEW, parent);
    expect(again.exitCode).toBe(1);
    expect(String(again.all).trim().split('\n').at(-1)).toMatch(/^error: 1 file\(s\) conflict with what mlexp writes \(README\.md\)/);
    expect(readFileSync(path.join(root, 'README.md'), 'utf8')).toBe('# my own notes\n');
  });
});
