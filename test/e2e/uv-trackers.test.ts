/**
 * uv projects: a project upgraded from venv + MLflow to uv + W&B (offline) with user edits, grown
 * with every sub-generator option; and Databricks and Azure ML projects, whose suites test up to
 * the network and whose runs without credentials stop in one line.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CLI } from '../helpers.js';
import { generate, MAKE_VERBS, makeInProject, metricLines, projectEnv, runId, runInProject, type Generated } from './project.js';

const mlexp = (args: string[], cwd: string) =>
  execa('node', [CLI, ...args], { cwd, reject: false, stdin: 'ignore', all: true, env: projectEnv() });
const uvSync = (project: Generated) =>
  execa('uv', ['sync'], { cwd: project.root, env: projectEnv(), all: true, reject: false });

describe('venv + MLflow project upgraded to uv + W&B, then grown with every block option', () => {
  let project: Generated;

  it('keeps the user edits, runs its make verbs with the new tracker, runs offline', async () => {
    project = await generate('switch', { 'env-tool': 'venv', tracker: 'mlflow', structure: 'ccds', ci: 'none', license: 'none' }, false);
    project = { ...project, envTool: 'uv' };
    const config = path.join(project.root, 'configs/experiment.yaml');
    writeFileSync(config, readFileSync(config, 'utf8').replace('C: 1.0', 'C: 0.5'));
    await execa('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '-qam', 'tune C'], { cwd: project.root });

    const upgrade = await mlexp(['upgrade', '--tracker', 'wandb', '--env-tool', 'uv'], project.root);
    expect(upgrade.exitCode, upgrade.all).toBe(0);
    expect(readFileSync(config, 'utf8')).toContain('C: 0.5');
    expect(readFileSync(config, 'utf8')).toMatch(/name: wandb/);
    const log = await execa('git', ['log', '-1', '--format=%s'], { cwd: project.root });
    expect(log.stdout).toMatch(/^Upgrade: Generated output of generator-mlexp .* with --env-tool uv --tracker wandb$/);

    const sync = await uvSync(project);
    expect(sync.exitCode, sync.all).toBe(0);
    // the Makefile was re-rendered for uv: every target runs through `uv run`
    const help = await makeInProject(project, []);
    expect(help.output.split('\n').map((line) => line.trim().split(/\s+/)[0])).toEqual(MAKE_VERBS);
    expect((await makeInProject(project, ['requirements'])).output).toMatch(/^uv sync$/m);
    // `make test` runs once, on the grown project below (the suite is the same plus the blocks' tests)
    const lint = await makeInProject(project, ['lint']);
    expect(lint.output).toMatch(/^Success: no issues found in \d+ source files$/m);
    const before = await execa('git', ['status', '--porcelain'], { cwd: project.root });
    await makeInProject(project, ['format']);
    expect((await execa('git', ['status', '--porcelain'], { cwd: project.root })).stdout).toBe(before.stdout);
    expect((await makeInProject(project, ['docs'])).output).toMatch(/Documentation built in/);
    expect((await makeInProject(project, ['data'])).output).toMatch(/^dataset breast_cancer version 1: 569 rows/m);
    expect((await makeInProject(project, ['serve'])).output).toMatch(/upload the offline runs with `wandb sync /);
    expect((await makeInProject(project, ['sweep', 'TRIALS=1'])).output).toMatch(/^uv run python -m switch sweep --trials 1 *$/m);
    const first = await makeInProject(project, ['train']);
    expect(first.output).toMatch(/tracker wandb/);
    const id = runId(first.output);
    expect((await runInProject(project, 'python', ['-m', 'switch', 'compare'])).output).toContain(id);
    const reproduce = await runInProject(project, 'python', ['-m', 'switch', 'reproduce', id]);
    expect(reproduce.output).toMatch(/metrics match/);
    expect(metricLines(first.output).length).toBeGreaterThanOrEqual(3);
  });

  it('takes a block of every sub-generator option; `make test`, ruff and every snippet run pass', async () => {
    const blocks = [
      ['dataset', 'sales_csv', '--source', 'csv', '--target', 'label'],
      ['dataset', 'sales_parquet', '--source', 'parquet'],
      ['dataset', 'sales_sql', '--source', 'sql'],
      ['dataset', 'sales_api', '--source', 'custom'],
      ['model', 'forest', '--kind', 'sklearn', '--task', 'regression'],
      ['model', 'baseline', '--kind', 'custom', '--task', 'classification'],
      ['evaluator', 'tolerance', '--task', 'regression'],
      ['evaluator', 'business_value', '--task', 'classification'],
    ];
    for (const args of blocks) {
      const result = await mlexp(args, project.root);
      expect(result.exitCode, result.all).toBe(0);
    }
    const sync = await uvSync(project); // pyarrow and sqlalchemy were added to pyproject.toml
    expect(sync.exitCode, sync.all).toBe(0);
    const tests = await makeInProject(project, ['test'], { env: { PYTEST_ADDOPTS: '-q -p no:cacheprovider' } });
    expect(tests.output).toMatch(/^uv run pytest$/m);
    expect(tests.output).toMatch(/\d+ passed/);
    await runInProject(project, 'ruff', ['check', '.']);
    await runInProject(project, 'ruff', ['format', '--check', '.']);
    for (const name of blocks.map((args) => args[1]!)) {
      const run = await runInProject(project, 'python', ['-m', 'switch', 'run', '--config', `configs/${name}.yaml`]);
      runId(run.output);
    }
  });

  it('renders the PyTorch model kind lint-clean and compilable (torch itself is not installed here)', async () => {
    const result = await mlexp(['model', 'net', '--kind', 'pytorch', '--task', 'classification'], project.root);
    expect(result.exitCode, result.all).toBe(0);
    expect(readFileSync(path.join(project.root, 'pyproject.toml'), 'utf8')).toMatch(/torch>=2\.4,<3/);
    await runInProject(project, 'ruff', ['check', 'src/switch/models/net.py', 'tests/test_model_net.py']);
    await runInProject(project, 'ruff', ['format', '--check', 'src/switch/models/net.py', 'tests/test_model_net.py']);
    await runInProject(project, 'python', ['-m', 'py_compile', 'src/switch/models/net.py', 'tests/test_model_net.py']);
  });
});

describe.each([
  ['databricks', 'generic', 'github', /error: databricks tracker: no Databricks credentials; set DATABRICKS_HOST and DATABRICKS_TOKEN/],
  ['azureml', 'ccds', 'azure-pipelines', /error: azureml tracker: no Azure ML workspace configured; set AZURE_SUBSCRIPTION_ID, AZURE_RESOURCE_GROUP and AZUREML_WORKSPACE_NAME/],
])('uv + %s project', (tracker, structure, ci, message) => {
  it('installs, passes its tests (up to the network) and fails a run without credentials in one line', async () => {
    const name = `${tracker}-proj`;
    const project = await generate(name, { 'env-tool': 'uv', tracker, structure, ci, license: 'Apache-2.0' });
    const tests = await runInProject(project, 'pytest', ['-q', '-p', 'no:cacheprovider']);
    expect(tests.output).toMatch(/\d+ passed/);
    await runInProject(project, 'ruff', ['check', '.']);
    // --quiet: no progress lines, so the output is the error line alone
    const run = await runInProject(project, 'python', ['-m', project.packageName, '--quiet', 'run'], { reject: false, env: { HOME: project.root } });
    expect(run.exitCode).toBe(2);
    expect(run.output.trim()).toMatch(message);
    expect(run.output.trim().split('\n')).toHaveLength(1);
  });
});
