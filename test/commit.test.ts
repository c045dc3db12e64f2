/**
 * A new project is written in one pass (src/project/write-files.ts); these check that the result is
 * what Yeoman's own commit writes, and that Yeoman's commit still runs wherever its checks matter.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CLI, listFiles, tmpFolder } from './helpers.js';

const ARGS = ['demo', '--yes', '--skip-install', '--python', '3.11'];

function mlexp(args: string[], cwd: string) {
  return execa('node', [CLI, ...args], { cwd, reject: false, stdin: 'ignore', env: { NO_COLOR: '1' } });
}

/** Path → [contents, permission bits] of every file of a tree (no .git). */
function tree(root: string): Record<string, [string, number]> {
  return Object.fromEntries(
    listFiles(root).map((file) => {
      const full = path.join(root, file);
      return [file, [readFileSync(full, 'utf8'), statSync(full).mode & 0o777]];
    }),
  );
}

/** The files a run reported, whatever the status word (`create`, `force`). */
function reported(log: string): string[] {
  return log
    .split('\n')
    .map((line) => /^\s*(?:create|force)\s+(\S+)$/.exec(line)?.[1])
    .filter((file): file is string => file !== undefined)
    .sort();
}

describe('writing a new project', () => {
  it("writes and reports exactly what Yeoman's conflicter-checked commit does", async () => {
    const direct = tmpFolder();
    // an empty .yo-resolve above the project: no rule, but Yeoman's commit must run
    const checked = tmpFolder();
    writeFileSync(path.join(checked, '.yo-resolve'), '');

    const [fast, slow] = await Promise.all([mlexp(ARGS, direct), mlexp(ARGS, checked)]);
    expect(fast.exitCode, fast.stderr).toBe(0);
    expect(slow.exitCode, slow.stderr).toBe(0);
    // Yeoman logs file statuses on stderr
    expect(fast.stderr).not.toMatch(/^\s*force /m);
    expect(slow.stderr).toMatch(/^\s*force demo\/\.yo-rc\.json$/m);
    expect(reported(fast.stderr)).toEqual(reported(slow.stderr));
    expect(reported(fast.stderr).length).toBeGreaterThan(50);
    expect(tree(path.join(direct, 'demo'))).toEqual(tree(path.join(checked, 'demo')));
    const status = await execa('git', ['status', '--porcelain'], { cwd: path.join(direct, 'demo') });
    expect(status.stdout).toBe('');
  });

  it('honours a .yo-resolve rule above the new project', async () => {
    const cwd = tmpFolder();
    writeFileSync(path.join(cwd, '.yo-resolve'), 'demo/README.md skip\n');
    const result = await mlexp(ARGS, cwd);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(listFiles(path.join(cwd, 'demo'))).not.toContain('README.md');
    expect(listFiles(path.join(cwd, 'demo'))).toContain('pyproject.toml');
  });

  it('goes through the conflicter when the folder already holds the project', async () => {
    const cwd = tmpFolder();
    expect((await mlexp(ARGS, cwd)).exitCode).toBe(0);
    const project = path.join(cwd, 'demo');
    writeFileSync(path.join(project, 'README.md'), 'my own notes\n');
    mkdirSync(path.join(project, 'extra'));
    const again = await mlexp([...ARGS.slice(1), '--bail'], project);
    expect(again.exitCode).not.toBe(0);
    expect(`${again.stdout}\n${again.stderr}`).toMatch(/conflict/i);
    expect(readFileSync(path.join(project, 'README.md'), 'utf8')).toBe('my own notes\n');
  });
});
