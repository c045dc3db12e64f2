/**
 * Poetry and Conda projects. Poetry is installed for real by the generator's install step. Conda
 * channels are not reachable here: environment.yml is parsed, checked against the catalogue, and
 * its pip-equivalent set is installed with uv into a plain venv to run the project's tests.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, isNeeded } from '../../src/options/catalogue.js';
import type { Answers } from '../../src/options/options.js';
import { generate, metricLines, projectEnv, runId, runInProject } from './project.js';

describe('poetry project (no tracker service, ccds, no CI, BSD licence)', () => {
  it('installs with poetry, passes its tests and ruff, runs, compares and reproduces', async () => {
    const project = await generate(
      'poetry-proj',
      { 'env-tool': 'poetry', tracker: 'none', structure: 'ccds', ci: 'none', license: 'BSD-3-Clause' },
      false,
    );
    const poetry = (args: string[]) => execa('poetry', args, { cwd: project.root, env: projectEnv(), all: true });
    await poetry(['check']);
    // This machine's PyPI mirror serves the simple index but not the per-version JSON API that
    // Poetry's default PyPI source reads, so the test points Poetry at the simple index. Users'
    // projects keep the default source.
    await poetry(['source', 'add', '--priority=primary', 'pypi-simple', 'https://pypi.org/simple/']);
    // The README's commands for Poetry, as the generator's install step runs them.
    await poetry(['env', 'use', 'python3.11']);
    await poetry(['install']);
    await execa('validate-pyproject', ['pyproject.toml'], { cwd: project.root });
    const tests = await runInProject(project, 'pytest', ['-q', '-p', 'no:cacheprovider']);
    expect(tests.output).toMatch(/\d+ passed/);
    await runInProject(project, 'ruff', ['check', '.']);
    await runInProject(project, 'ruff', ['format', '--check', '.']);
    const first = await runInProject(project, 'python', ['-m', 'poetry_proj', 'run']);
    const second = await runInProject(project, 'python', ['-m', 'poetry_proj', 'run']);
    expect(metricLines(second.output)).toEqual(metricLines(first.output));
    expect(first.output).toMatch(/tracker local/);
    const id = runId(first.output);
    expect((await runInProject(project, 'python', ['-m', 'poetry_proj', 'compare'])).output).toContain(id);
    expect((await runInProject(project, 'python', ['-m', 'poetry_proj', 'reproduce', id])).output).toMatch(/metrics match/);
  });
});

describe('conda project (MLflow, generic layout, Azure Pipelines, Apache licence)', () => {
  it('names the catalogue in environment.yml and its pip-equivalent set passes the tests', async () => {
    const project = await generate(
      'conda-proj',
      { 'env-tool': 'conda', tracker: 'mlflow', structure: 'generic', ci: 'azure-pipelines', license: 'Apache-2.0' },
      false,
    );
    const environment = parseYaml(readFileSync(path.join(project.root, 'environment.yml'), 'utf8')) as {
      name: string;
      channels: string[];
      dependencies: Array<string | { pip: string[] }>;
    };
    expect(environment.channels).toEqual(['conda-forge']);
    const condaSpecs = environment.dependencies.filter((entry): entry is string => typeof entry === 'string');
    const pipSection = environment.dependencies.find((entry): entry is { pip: string[] } => typeof entry === 'object');
    expect(condaSpecs).toContain('python=3.11');
    expect(condaSpecs).toContain('pip');
    expect(pipSection?.pip).toContain('-e .');

    // Every catalogue entry this project needs appears once, from conda-forge or (if conda-forge
    // lacks it) under pip:, with the catalogue's range.
    // (the team extra is environment-team.yml's, an update on top of this environment)
    const needed = CATALOGUE.filter((dependency) => dependency.group !== 'team' && isNeeded(dependency, { tracker: 'mlflow' } as Answers));
    const listed = [...condaSpecs, ...(pipSection?.pip ?? [])];
    for (const dependency of needed) {
      const spec = `${dependency.conda ?? dependency.name}${dependency.range}`;
      expect(listed.filter((entry) => entry === spec), spec).toHaveLength(1);
    }
    expect(listed.filter((entry) => /^[a-z]/.test(entry) && entry !== 'pip' && !entry.startsWith('python='))).toHaveLength(needed.length);

    // The pip-equivalent set: conda-forge names mapped back to PyPI names (matplotlib-base).
    const pypiName = new Map(CATALOGUE.flatMap((dependency) => (dependency.conda ? [[dependency.conda, dependency.name] as const] : [])));
    const toPypi = (entry: string) => entry.replace(/^[A-Za-z0-9_.-]+/, (name) => pypiName.get(name) ?? name);
    const requirements = listed.filter((entry) => entry !== 'pip' && !entry.startsWith('python=') && entry !== '-e .').map(toPypi);
    const venv = path.join(project.root, '.venv');
    await execa('uv', ['venv', '--python', '3.11', venv], { cwd: project.root, env: projectEnv() });
    await execa('uv', ['pip', 'install', '--python', path.join(venv, 'bin', 'python'), ...requirements, '-e', '.'], {
      cwd: project.root,
      env: projectEnv(),
    });
    const tests = await runInProject(project, 'pytest', ['-q', '-p', 'no:cacheprovider']);
    expect(tests.output).toMatch(/\d+ passed/);
    await runInProject(project, 'ruff', ['check', '.']);
    const run = await runInProject(project, 'python', ['-m', 'conda_proj', 'run']);
    runId(run.output);

    await execa('validate-pyproject', ['pyproject.toml'], { cwd: project.root });
    await execa('check-jsonschema', ['--regex-variant', 'python', '--builtin-schema', 'vendor.azure-pipelines', 'azure-pipelines.yml'], {
      cwd: project.root,
    });
  });
});
