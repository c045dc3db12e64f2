/**
 * The default `--python`: the newest supported interpreter this machine has, found on PATH or in
 * pyenv's versions (never through a pyenv shim, which exists for versions that are not installed).
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAnswers } from '../src/options/resolve-answers.js';
import { availablePythons, findPython } from '../src/project/python.js';
import { tmpFolder } from './helpers.js';

function executable(file: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, '#!/bin/sh\n');
  chmodSync(file, 0o755);
  return file;
}

describe('finding Python interpreters', () => {
  it('takes python3.X from PATH, and pyenv versions behind its shims, newest patch first', () => {
    const root = tmpFolder('mlexp-python-');
    const bin = path.join(root, 'bin');
    const onPath = executable(path.join(bin, 'python3.11'));
    const pyenv = path.join(root, 'pyenv');
    // shims exist for every version; only 3.13 is installed (twice: the newest patch wins)
    for (const version of ['3.11', '3.12', '3.13']) executable(path.join(pyenv, 'shims', `python${version}`));
    executable(path.join(pyenv, 'versions', '3.13.0', 'bin', 'python3.13'));
    const newest = executable(path.join(pyenv, 'versions', '3.13.10', 'bin', 'python3.13'));
    mkdirSync(path.join(pyenv, 'versions', '3.12.4-dev'), { recursive: true });
    const env = { PATH: [path.join(pyenv, 'shims'), bin].join(path.delimiter), HOME: root };
    expect(findPython('3.11', env)).toBe(onPath);
    expect(findPython('3.12', env)).toBeUndefined();
    expect(findPython('3.13', env)).toBe(newest);
    expect(availablePythons(env)).toEqual(['3.11', '3.13']);
    expect(availablePythons({ PATH: bin, HOME: root })).toEqual(['3.11']);
    expect(availablePythons({ PATH: '', HOME: root })).toEqual([]);
  });
});

describe('the --python default', () => {
  const resolve = (pythons: string[] | undefined, prompt?: (questions: Array<Record<string, unknown>>) => Promise<Record<string, unknown>>) =>
    resolveAnswers({
      read: (flag) => ({ 'project-name': 'demo', yes: prompt ? undefined : 'true' })[flag],
      stored: undefined,
      interactive: prompt !== undefined,
      prompt: prompt ?? (async () => ({})),
      gitIdentity: () => ({ pythons }),
    });

  it('is the newest interpreter found, else 3.12', async () => {
    expect((await resolve(['3.11'])).answers.python).toBe('3.11');
    expect((await resolve(['3.11', '3.13'])).answers.python).toBe('3.13');
    expect((await resolve([])).answers.python).toBe('3.12');
  });

  it('the prompt preselects it and says why; an invalid derived package name is not offered', async () => {
    const asked: Array<Record<string, unknown>> = [];
    const answers = await resolveAnswers({
      read: (flag) => ({ 'project-name': 'class' })[flag],
      stored: undefined,
      interactive: true,
      gitIdentity: () => ({ pythons: ['3.11', '3.12'] }),
      prompt: async ([question]) => {
        asked.push(question!);
        const fallback = question!.name === 'packageName' ? 'klass' : question!.default;
        return { [String(question!.name)]: fallback };
      },
    });
    const python = asked.find((question) => question.name === 'python')!;
    expect(python.default).toBe('3.12');
    expect(python.choices).toContainEqual({ name: 'Python 3.12 (the newest found on this machine)', value: '3.12' });
    expect(asked.find((question) => question.name === 'packageName')!.default).toBe('');
    expect(answers.answers.packageName).toBe('klass');
  });
});
