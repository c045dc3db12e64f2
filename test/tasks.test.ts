import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { checks } from '../src/render/ci.js';
import type { Answers } from '../src/options/options.js';
import { makefile, taskTable } from '../src/render/tasks.js';
import { ENV_TOOLS, type EnvTool } from '../src/options/values.js';
import { tmpFolder } from './helpers.js';

const answers = (envTool: EnvTool): Answers => ({
  projectName: 'Churn Model',
  packageName: 'churn_model',
  description: '',
  authorName: '',
  authorEmail: '',
  python: '3.13',
  envTool,
  tracker: 'mlflow',
  structure: 'ccds',
  license: 'none',
  ci: 'github',
  dataVersioning: 'none',
  dataStorage: 'none',
});

const VERBS = ['help', 'requirements', 'lint', 'format', 'test', 'docs', 'data', 'train', 'sweep', 'serve'];

/** Write the env tool's Makefile to a scratch folder; `make -n` there prints without running. */
function scratchMakefile(envTool: EnvTool): string {
  const folder = tmpFolder('mlexp-make-');
  writeFileSync(path.join(folder, 'Makefile'), makefile(answers(envTool)));
  return folder;
}

const dryRun = async (folder: string, ...args: string[]) =>
  (await execa('make', ['-n', '--no-print-directory', ...args], { cwd: folder })).stdout.split('\n');

describe('Makefile', () => {
  it.each(ENV_TOOLS)('%s: `make` alone lists every verb with its line, in order', async (envTool) => {
    const listed = (await execa('make', { cwd: scratchMakefile(envTool) })).stdout.split('\n');
    expect(listed.map((line) => line.trim().split(/\s+/)[0])).toEqual(VERBS);
    expect(listed.every((line) => /^ {2}[a-z]+ +\S.*$/.test(line))).toBe(true);
  });

  it.each(ENV_TOOLS)('%s: declares every verb phony and indents recipes with tabs', (envTool) => {
    const text = makefile(answers(envTool));
    expect(text).toContain(`.PHONY: ${VERBS.join(' ')}\n`);
    const recipes = text.split('\n').filter((line) => /^\s/.test(line));
    expect(recipes.length).toBeGreaterThan(VERBS.length);
    expect(recipes.every((line) => line.startsWith('\t') && !line.startsWith('\t '))).toBe(true);
  });

  it.each([
    ['venv', '.venv/bin/'],
    ['conda', 'conda run --no-capture-output -n churn-model '],
    ['poetry', 'poetry run '],
    ['uv', 'uv run '],
  ] as const)('%s: runs inside the environment through %j', async (envTool, runner) => {
    const folder = scratchMakefile(envTool);
    expect(await dryRun(folder, 'train')).toEqual([`${runner}python -m churn_model run`]);
    expect(await dryRun(folder, 'serve')).toEqual([`${runner}python -m churn_model ui`]);
    expect(await dryRun(folder, 'test')).toEqual([`${runner}pytest`]);
    // lint is what CI checks, through the same runner
    const ciLint = checks(answers(envTool), runner).filter((check) => check.verb === 'lint').map((check) => check.run);
    expect(await dryRun(folder, 'lint')).toEqual(ciLint);
  });

  it('sweep passes TRIALS and WORKERS on only when given', async () => {
    const folder = scratchMakefile('uv');
    expect((await dryRun(folder, 'sweep'))[0]!.trim()).toBe('uv run python -m churn_model sweep');
    expect((await dryRun(folder, 'sweep', 'TRIALS=3'))[0]!.trim()).toBe('uv run python -m churn_model sweep --trials 3');
    expect((await dryRun(folder, 'sweep', 'TRIALS=3', 'WORKERS=2'))[0]!).toBe(
      'uv run python -m churn_model sweep --trials 3 --workers 2',
    );
  });

  it.each([
    ['venv', ['test -x .venv/bin/python || python3.13 -m venv .venv', '.venv/bin/python -m pip install -r requirements-dev.txt -e .']],
    [
      'conda',
      [
        "if conda run -n churn-model python --version >/dev/null 2>&1; then conda env update -n churn-model -f environment.yml --prune; else conda env create -f environment.yml; fi",
      ],
    ],
    ['poetry', ['poetry install']],
    ['uv', ['uv sync']],
  ] as const)('%s: requirements creates or updates the environment with its own tool', async (envTool, expected) => {
    expect(await dryRun(scratchMakefile(envTool), 'requirements')).toEqual(expected);
  });
});

describe("README's table of the verbs", () => {
  it('venv: the commands as typed in the activated environment', () => {
    const rows = Object.fromEntries(taskTable(answers('venv')).map(([verb, , command]) => [verb, command]));
    expect(rows).toMatchObject({
      requirements: 'pip install -r requirements-dev.txt -e .',
      lint: 'ruff check . && ruff format --check . && hadolint Dockerfile && mypy && nbstripout --verify notebooks/*.ipynb',
      train: 'python -m churn_model run',
      sweep: 'python -m churn_model sweep [--trials N] [--workers N]',
    });
  });

  it('uv: every verb of the Makefile but help, with the runner prefix', () => {
    const rows = taskTable(answers('uv'));
    expect(rows.map(([verb]) => verb)).toEqual(VERBS.slice(1));
    expect(rows.find(([verb]) => verb === 'test')?.[2]).toBe('uv run pytest');
  });
});
