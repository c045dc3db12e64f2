/**
 * The default project, as a newcomer gets it: venv + pip, embedded MLflow, the ccds layout,
 * GitHub CI. Installed for real by the generator's install step, then every `make` target (its own
 * tests, what CI lints, format, data, train, sweep, serve), the example experiment twice (with its
 * figures read back from the tracker and its HTML report rendered in headless Chromium), compare,
 * reproduce, the notebook, the pre-commit hooks, and a real `mlflow server` on 127.0.0.1.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, freePort, ROOT, tmpFolder } from '../helpers.js';
import { renderInChromium } from './chromium.js';
import { generate, MAKE_VERBS, makeInProject, metricLines, mlflowLogLines, projectEnv, runId, runInProject, type Generated } from './project.js';

let project: Generated;

beforeAll(async () => {
  project = await generate('churn-model', { 'env-tool': 'venv', tracker: 'mlflow', structure: 'ccds', ci: 'github', license: 'MIT' });
});

/** The project's venv first on PATH, as after `source .venv/bin/activate`. */
function activated(): Record<string, string> {
  return { PATH: `${path.join(project.root, '.venv', 'bin')}:${process.env.PATH ?? ''}`, VIRTUAL_ENV: path.join(project.root, '.venv') };
}

async function git(args: string[], reject = true) {
  return execa('git', args, { cwd: project.root, env: projectEnv(activated()), reject, all: true, stdin: 'ignore' });
}

describe('default project (venv + pip, MLflow)', () => {
  it('was installed and committed by the generator', async () => {
    expect(existsSync(path.join(project.root, '.venv', 'bin', 'python'))).toBe(true);
    const log = await git(['log', '--oneline']);
    expect(log.stdout).toMatch(/Generate churn-model with generator-mlexp/);
  });

  it('passes its own tests and what CI lints through make; make help, requirements, format and data work', async () => {
    const help = await makeInProject(project, []);
    expect(help.output.split('\n').map((line) => line.trim().split(/\s+/)[0])).toEqual(MAKE_VERBS);
    const requirements = await makeInProject(project, ['requirements']);
    expect(requirements.output).toMatch(/^\.venv\/bin\/python -m pip install -r requirements-dev.txt -e \.$/m);
    const tests = await makeInProject(project, ['test'], { env: { PYTEST_ADDOPTS: '-q -p no:cacheprovider' } });
    expect(tests.output).toMatch(/\d+ passed/);
    expect(tests.output).not.toMatch(/failed|error/i);
    const lint = await makeInProject(project, ['lint']); // ruff check, ruff format --check, mypy, nbstripout --verify
    expect(lint.output).toMatch(/^All checks passed!$/m);
    expect(lint.output).toMatch(/^Success: no issues found in \d+ source files$/m);
    await makeInProject(project, ['format']);
    // the docs site, as CI builds it (the docs group installed into .venv); site/ is ignored
    expect((await makeInProject(project, ['docs'])).output).toMatch(/Documentation built in/);
    expect((await git(['status', '--porcelain'])).stdout).toBe('');
    const data = await makeInProject(project, ['data']);
    expect(data.output).toMatch(/^dataset breast_cancer version 1: 569 rows, 30 features, target target$/m);
    expect(existsSync(path.join(project.root, 'data/raw/breast_cancer.csv'))).toBe(true);
  });

  it('runs the example experiment twice with identical metrics, then compares and reproduces it', async () => {
    const first = await makeInProject(project, ['train']);
    const second = await runInProject(project, 'python', ['-m', 'churn_model', 'run']);
    expect(metricLines(first.output).length).toBeGreaterThanOrEqual(3);
    expect(mlflowLogLines(first.output)).toEqual([]); // the first run creates the store, silently
    expect(metricLines(second.output)).toEqual(metricLines(first.output));
    const id = runId(first.output);
    expect(existsSync(path.join(project.root, 'mlflow.db'))).toBe(true);

    const predictions = readdirSync(path.join(project.root, 'mlartifacts'), { recursive: true }).map(String);
    expect(predictions.some((file) => file.endsWith(path.join(id, 'artifacts', 'predictions.csv')))).toBe(true);

    const compare = await runInProject(project, 'python', ['-m', 'churn_model', 'compare']);
    expect(compare.output).toContain(id);
    const serve = await makeInProject(project, ['-n', 'serve']);  // `make serve` runs `ui`, which serves until Ctrl-C
    expect(serve.output).toMatch(/python -m churn_model ui$/m);

    const reproduce = await runInProject(project, 'python', ['-m', 'churn_model', 'reproduce', id]);
    expect(reproduce.output).toMatch(/metrics match/);

    const logged = JSON.parse(
      (await runInProject(project, 'python', [path.join(ROOT, 'test/e2e/readback.py'), `sqlite:///${project.root}/mlflow.db`, id])).output,
    );
    const tags = logged.tags;
    expect(tags['git.commit']).toMatch(/^[0-9a-f]{40}$/);
    expect(tags['git.dirty']).toBe('false');
    expect(tags['dataset.fingerprint']).toMatch(/^[0-9a-f]{64}$/);

    // the figures, read back from the tracker, are PNGs that Pillow decodes and that are not blank
    const images = logged.images as Record<string, [number, number, number, number]>;
    expect(Object.keys(images)).toEqual(['calibration', 'confusion_matrix', 'pr_curve', 'roc_curve', 'slice_mean_radius'].map((name) => `figures/${name}.png`));
    for (const [width, height, darkest, lightest] of Object.values(images)) {
      expect(Math.min(width, height)).toBeGreaterThanOrEqual(300);
      expect(lightest - darkest).toBeGreaterThan(100);
    }
    expect(logged.artifacts).toContain('report.html');

    // MLflow's UI: the model under "Logged models", "Source" and "Created by" filled, the Model training view
    expect(logged.logged_models).toEqual([
      expect.objectContaining({ name: 'model', status: 'READY', source_run_id: id, metrics: expect.arrayContaining(['test/accuracy']) }),
    ]);
    expect(tags['mlflow.source.name']).toBe('python -m churn_model run');
    expect(tags['mlflow.source.git.commit']).toBe(tags['git.commit']);
    expect(tags['mlflow.user']).toBeTruthy();
    expect(logged.experiment_tags['mlflow.experimentKind']).toBe('custom_model_development');
  });

  it('serves MLflow\'s UI on the project\'s store with `ui` until Ctrl-C, leaving no process behind', async () => {
    const ui = execa(path.join(project.root, '.venv', 'bin', 'python'), ['-m', 'churn_model', 'ui'], {
      cwd: project.root, env: projectEnv(), reject: false, stdin: 'ignore',
    });
    let port = '';
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let seen = '';
        ui.stdout?.on('data', (chunk: Buffer) => {
          seen += chunk.toString();
          if (seen.includes('\n')) resolve(seen.split('\n')[0]!);
        });
        ui.once('exit', () => reject(new Error(`ui ended before printing its address: ${seen}`)));
      });
      const match = /^http:\/\/127\.0\.0\.1:(\d+)\/#\/experiments\/(\d+)\/runs\?workflowType=machine_learning$/.exec(line);
      expect(match, line).not.toBeNull();
      port = match![1]!;
      expect((await fetch(line)).status).toBe(200);
      const experiment = await fetch(`http://127.0.0.1:${port}/ajax-api/2.0/mlflow/experiments/get?experiment_id=${match![2]}`);
      expect(((await experiment.json()) as { experiment: { name: string } }).experiment.name).toBe('churn-model');
    } finally {
      ui.kill('SIGINT');
    }
    expect((await ui).exitCode).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  });

  it('renders the latest run\'s HTML report in headless Chromium with every figure loaded', async () => {
    const report = path.join(project.root, 'reports', 'report.html');
    expect(readFileSync(report, 'utf8')).not.toMatch(/(src|href)="(?!data:)/); // nothing to fetch
    const rendered = await renderInChromium(report);
    expect(rendered.images).toHaveLength(5);
    for (const [complete, width, height] of rendered.images) {
      expect(complete).toBe(true);
      expect(Math.min(width, height)).toBeGreaterThan(0);
    }
    // the screenshot shows the figures: matplotlib's blues, which no text or table of the page has
    const count = 'import sys, numpy; from PIL import Image; rgb = numpy.asarray(Image.open(sys.argv[1]).convert("RGB")).astype(int); print(int((rgb[..., 2] - rgb[..., 0] > 60).sum()))';
    const blue = Number((await runInProject(project, 'python', ['-c', count, rendered.screenshot])).output.trim());
    expect(blue).toBeGreaterThan(5000);
  });

  it('refuses a bad config value, and a tracking store that is not a database, in one line with exit 2', async () => {
    const result = await runInProject(project, 'python', ['-m', 'churn_model', 'run', '--set', 'model.name=nope'], { reject: false });
    expect(result.exitCode).toBe(2);
    expect(result.output.trim().split('\n')).toHaveLength(1);
    expect(result.output).toMatch(/^error: unknown model 'nope'/);

    // garbage bytes where the SQLite store should be: the real entry point, MLflow's logging included
    const store = path.join(tmpFolder('corrupt-store-'), 'mlflow.db');
    writeFileSync(store, Buffer.alloc(4096, 0x5a));
    const corrupt = await runInProject(project, 'python', ['-m', 'churn_model', 'compare'], { reject: false, env: { MLFLOW_TRACKING_URI: `sqlite:///${store}` } });
    expect(corrupt.exitCode).toBe(2);
    expect(corrupt.output.trim().split('\n')).toHaveLength(1);
    expect(corrupt.output.startsWith(`error: the MLflow store ${store} is not a readable SQLite database`)).toBe(true);
    expect(readFileSync(store)).toEqual(Buffer.alloc(4096, 0x5a));
  });

  it('logs a full run to a real mlflow server on 127.0.0.1 over HTTP', async () => {
    const port = await freePort();
    const store = tmpFolder('mlflow-server-');
    const server = execa(
      path.join(project.root, '.venv', 'bin', 'mlflow'),
      ['server', '--host', '127.0.0.1', '--port', String(port), '--workers', '1',
        '--backend-store-uri', `sqlite:///${store}/server.db`, '--artifacts-destination', path.join(store, 'artifacts')],
      { cwd: store, env: projectEnv(), reject: false, all: true },
    );
    try {
      const uri = `http://127.0.0.1:${port}`;
      await waitForHealth(uri, server);
      const result = await runInProject(project, 'python', ['-m', 'churn_model', 'run'], { env: { MLFLOW_TRACKING_URI: uri } });
      const id = runId(result.output);
      const run = JSON.parse((await runInProject(project, 'python', [path.join(ROOT, 'test/e2e/readback.py'), uri, id])).output);
      expect(run.status).toBe('FINISHED');
      expect(run.params['model.name']).toBe('logistic_regression');
      expect(Object.keys(run.metrics)).toEqual(expect.arrayContaining(['test/accuracy', 'test/accuracy_ci_low', 'test/accuracy_ci_high']));
      expect(Object.keys(run.metrics).some((name: string) => name.startsWith('slice/'))).toBe(true);
      expect(run.tags['dataset.fingerprint']).toMatch(/^[0-9a-f]{64}$/);
      expect(run.tags['git.commit']).toMatch(/^[0-9a-f]{40}$/);
      expect(run.tags['git.dirty']).toBe('false');
      expect(run.artifacts).toEqual(expect.arrayContaining(['predictions.csv', 'config.yaml', 'environment/packages.txt']));
      expect(run.inputs.length).toBeGreaterThan(0);
    } finally {
      server.kill('SIGTERM');
      await server;
    }
  });

  it('predicts in batch from a tracked run, refuses a mismatched input, and serves the model over HTTP', async () => {
    const id = runId((await runInProject(project, 'python', ['-m', 'churn_model', 'run'])).output);
    const rows = readFileSync(path.join(project.root, 'data/raw/breast_cancer.csv'), 'utf8').trim().split('\n');
    const header = rows[0]!.split(',');
    const targetAt = header.indexOf('target');
    const drop = (line: string) => line.split(',').filter((_cell, index) => index !== targetAt).join(',');
    const work = tmpFolder('predict-');
    writeFileSync(path.join(work, 'new.csv'), `${[rows[0]!, ...rows.slice(1, 11)].map(drop).join('\n')}\n`);
    await runInProject(project, 'python', ['-m', 'churn_model', 'predict', '--run', id, '--input', path.join(work, 'new.csv'), '--output', path.join(work, 'out.csv')]);
    const out = readFileSync(path.join(work, 'out.csv'), 'utf8').trim().split('\n');
    expect(out[0]).toMatch(/^prediction,score_0,score_1/);
    expect(out).toHaveLength(11);

    writeFileSync(path.join(work, 'bad.csv'), 'id,mean radius\n1,abc\n');
    const bad = await runInProject(project, 'python', ['-m', 'churn_model', 'predict', '--run', id, '--input', path.join(work, 'bad.csv'), '--output', path.join(work, 'bad-out.csv')], { reject: false });
    expect(bad.exitCode).toBe(2);
    expect(bad.output.trim()).toMatch(/^error: input does not match the training data: missing column\(s\) /);

    const port = await freePort();
    const serve = execa(
      path.join(project.root, '.venv', 'bin', 'mlflow'),
      ['models', 'serve', '-m', `runs:/${id}/model`, '--env-manager', 'local', '-h', '127.0.0.1', '-p', String(port)],
      // activated, as the docs say: the server starts uvicorn from the environment's PATH
      { cwd: project.root, env: projectEnv({ ...activated(), MLFLOW_TRACKING_URI: `sqlite:///${project.root}/mlflow.db` }), reject: false, all: true },
    );
    try {
      await waitForHealth(`http://127.0.0.1:${port}`, serve, '/ping');
      const columns = header.filter((_name, index) => index !== targetAt);
      const data = rows.slice(1, 4).map((line) => drop(line).split(',').map(Number));
      const response = await fetch(`http://127.0.0.1:${port}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ dataframe_split: { columns, data } }),
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { predictions: unknown[] };
      expect(body.predictions).toHaveLength(3);
    } finally {
      serve.kill('SIGTERM');
      await serve;
    }
  });

  it('sweeps with two workers: a parent run with a best-trial summary and its child runs', async () => {
    const sweep = await makeInProject(project, ['sweep', 'TRIALS=4', 'WORKERS=2']);
    expect(sweep.output).toMatch(/ trials 4$/m);
    // one progress line per finished trial, across both workers: trial n/4, its objective, the best so far
    for (const n of [1, 2, 3, 4]) expect(sweep.output).toMatch(new RegExp(`^trial +${n}/4: test/accuracy [0-9.]+, best [0-9.]+ \\(trial \\d+\\)`, 'm'));
    const parent = /parent run ([0-9a-f]+)/i.exec(sweep.output)?.[1] ?? runId(sweep.output);
    const run = JSON.parse((await runInProject(project, 'python', [path.join(ROOT, 'test/e2e/readback.py'), `sqlite:///${project.root}/mlflow.db`, parent])).output);
    expect(Object.keys(run.metrics).some((name: string) => name.startsWith('best/'))).toBe(true);
    expect(run.tags['sweep.best_run']).toMatch(/^[0-9a-f]+$/);
  });

  it('runs the example notebook through a real kernel (nbclient) into the project\'s tracker and experiment, and JupyterLab opens it', async () => {
    const file = path.join(project.root, 'notebooks', '01-example-experiment.ipynb');
    const original = readFileSync(file, 'utf8');
    // the kernel is the project's own: ipykernel in .venv, started by nbclient from the same interpreter
    const driver = [
      'import sys, nbformat',
      'from nbclient import NotebookClient',
      'notebook = nbformat.read(sys.argv[1], as_version=4)',
      'NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": "."}}).execute()',
      'outputs = notebook.cells[1].outputs',
      'said = "".join(output["text"] for output in outputs if output["output_type"] == "stream" and output["name"] == "stdout")',
      'metrics = [output for output in outputs if output["output_type"] == "execute_result"][0]["data"]["text/plain"]',
      'table = notebook.cells[-1].outputs[0]["data"]["text/plain"]',
      'print(said.strip())',
      'print("metrics:", metrics.replace(chr(10), " "))',
      'print("table rows:", len(table.splitlines()))',
      // read the run back through MLflow's own client, from the store the command line uses
      'from mlflow import MlflowClient',
      'client = MlflowClient(tracking_uri=sys.argv[2])',
      'run = client.get_run(said.split()[1])',
      'print("tracked:", client.get_experiment(run.info.experiment_id).name, run.info.status)',
    ].join('\n');
    const store = `sqlite:///${project.root}/mlflow.db`;
    const result = await execa(path.join(project.root, '.venv', 'bin', 'python'), ['-c', driver, file, store], {
      cwd: path.join(project.root, 'notebooks'),
      env: projectEnv(),
      all: true,
    });
    expect(result.all).toMatch(/metrics: \{'test\/accuracy': 0\.\d+/);
    expect(result.all).toMatch(/table rows: [2-9]/);
    // the run is the command line's kind: configured tracker, the config's experiment, the root's store
    expect(result.all).toMatch(/^run \S+ {2}experiment churn-model {2}tracker mlflow$/m);
    expect(result.all).toMatch(/^tracked: churn-model FINISHED$/m);
    expect(existsSync(path.join(project.root, 'notebooks', 'mlflow.db'))).toBe(false);
    // as written by the generator, the notebook is in nbformat's own form: the tools leave it alone
    await runInProject(project, 'nbstripout', ['--verify', 'notebooks/01-example-experiment.ipynb']);
    const rewrite = 'import sys, nbformat; nbformat.write(nbformat.read(sys.argv[1], as_version=4), sys.argv[2])';
    const copy = path.join(tmpFolder('notebook-'), 'copy.ipynb');
    await runInProject(project, 'python', ['-c', rewrite, file, copy]);
    expect(readFileSync(copy, 'utf8')).toBe(original);
    expect(readFileSync(file, 'utf8')).toBe(original);
    // and the template is what scripts/notebook.py writes with this nbformat
    await runInProject(project, 'python', [path.join(ROOT, 'scripts', 'notebook.py'), '--check']);

    // the README's front end: the notebook group (installed as uv pip would, the fast path), then
    // JupyterLab is there and its python3 kernel is the project's interpreter (VS Code's pick too)
    const started = Date.now();
    await execa('uv', ['pip', 'install', '--python', path.join(project.root, '.venv', 'bin', 'python'), '-r', 'requirements-notebook.txt'], { cwd: project.root, env: projectEnv() });
    console.log(`notebook group installed with uv pip in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect((await runInProject(project, 'jupyter', ['lab', '--version'])).output).toMatch(/^4\.\d+/m);
    const kernels = JSON.parse((await runInProject(project, 'jupyter', ['kernelspec', 'list', '--json'])).output);
    expect(kernels.kernelspecs.python3.resource_dir.startsWith(path.join(project.root, '.venv', 'share', 'jupyter', 'kernels'))).toBe(true);
  });

  it('strips notebook outputs on commit and refuses a private key (pre-commit hooks)', async () => {
    await runInProject(project, 'pre-commit', ['install']);
    const file = path.join(project.root, 'notebooks', '01-example-experiment.ipynb');
    const notebook = JSON.parse(readFileSync(file, 'utf8'));
    const code = notebook.cells.find((cell: { cell_type: string }) => cell.cell_type === 'code');
    code.execution_count = 3;
    code.outputs = [{ output_type: 'stream', name: 'stdout', text: ['secret output\n'] }];
    writeFileSync(file, JSON.stringify(notebook, null, 1));
    await git(['add', 'notebooks']);
    // the hook rewrites the notebook and fails the first commit, as pre-commit does
    await git(['commit', '-m', 'notebook with outputs'], false);
    await git(['add', 'notebooks']);
    // the stripped notebook is the generated one byte for byte, so there may be nothing left to commit
    const second = await git(['commit', '-m', 'notebook with outputs'], false);
    expect(second.exitCode === 0 || /nothing to commit/.test(String(second.all)), String(second.all)).toBe(true);
    expect((await git(['status', '--porcelain', 'notebooks'])).stdout).toBe('');
    const committed = JSON.parse((await git(['show', 'HEAD:notebooks/01-example-experiment.ipynb'])).stdout);
    for (const cell of committed.cells) {
      if (cell.cell_type === 'code') {
        expect(cell.outputs).toEqual([]);
        expect(cell.execution_count).toBeNull();
      }
    }

    const head = (await git(['rev-parse', 'HEAD'])).stdout;
    writeFileSync(path.join(project.root, 'deploy_key'), '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n');
    await git(['add', 'deploy_key']);
    const refused = await git(['commit', '-m', 'add a key'], false);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.all).toMatch(/private key/i);
    expect((await git(['rev-parse', 'HEAD'])).stdout).toBe(head);
    await git(['rm', '--cached', '-q', 'deploy_key']);
  });

  it('grows with the sub-generators: new blocks pass the suite and run through their configs', async () => {
    for (const args of [['dataset', 'customer_churn'], ['model', 'gradient_boost'], ['evaluator', 'business_value']]) {
      const result = await execa('node', [CLI, ...args], { cwd: path.join(project.root, 'src'), env: projectEnv(), reject: false, all: true });
      expect(result.exitCode, result.all).toBe(0);
    }
    // the contract tests pick the new blocks up with no test written for them
    const collected = (await runInProject(project, 'pytest', ['--collect-only', '-q', '-p', 'no:cacheprovider'])).output;
    expect(collected).toContain('test_dataset_contract[customer_churn@customer_churn.yaml]');
    expect(collected).toContain('test_model_contract[gradient_boost@gradient_boost.yaml]');
    expect(collected).toContain('test_evaluator_contract[business_value@business_value.yaml]');
    // the new blocks' own tests and their contract cases; the whole suite of a grown project runs
    // in quickstart.test.ts (its CI, after a dataset) and uv-trackers.test.ts (every block option)
    const tests = await runInProject(project, 'pytest', ['-q', '-p', 'no:cacheprovider', '-k', 'customer_churn or gradient_boost or business_value']);
    expect(tests.output).toMatch(/^(\d+) passed, \d+ deselected/m);
    expect(Number(/^(\d+) passed/m.exec(tests.output)?.[1])).toBeGreaterThanOrEqual(20); // 22 today
    await runInProject(project, 'ruff', ['check', '.']);
    await runInProject(project, 'ruff', ['format', '--check', '.']);
    for (const snippet of ['customer_churn', 'gradient_boost', 'business_value']) {
      const run = await runInProject(project, 'python', ['-m', 'churn_model', 'run', '--config', `configs/${snippet}.yaml`]);
      runId(run.output);
      if (snippet !== 'business_value') continue;
      // its headline metric is bootstrapped over resamples, not the whole test set each time
      const [, low, high] = /^\s*test\/business_value\s+\S+\s+CI (\S+) to (\S+)$/m.exec(run.output) ?? [];
      expect(Number(low), run.output).toBeLessThan(Number(high));
    }
  });

  it('has a valid pyproject.toml and CI workflow', async () => {
    await execa('validate-pyproject', ['pyproject.toml'], { cwd: project.root });
    await execa('check-jsonschema', ['--builtin-schema', 'vendor.github-workflows', '.github/workflows/ci.yml'], { cwd: project.root });
  });
});


async function waitForHealth(uri: string, server: { exitCode?: number | null; all?: unknown }, probe = '/health'): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${uri}${probe}`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (server.exitCode !== undefined && server.exitCode !== null) throw new Error(`mlflow server exited: ${String(server.all)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`mlflow server at ${uri} did not become healthy within 120 s`);
}
