/**
 * A team's shared infrastructure for real, on loopback: a throwaway PostgreSQL cluster from
 * Debian's packages (initdb/pg_ctl, as the `postgres` user when run as root) and Azurite (Azure
 * Blob's emulator, installed by .ci/run, path in MLEXP_AZURITE). One uv project follows its own
 * docs/experiment-tracking.md team-server recipe: every block marked `<!-- team-server: ... -->`
 * runs word for word in bash, except the `settings` block (site names), which this test replaces
 * with its loopback addresses, and the `<run-id>` placeholders, replaced by the run's id.
 */
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { execa, execaSync, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, tmpFolder } from '../helpers.js';
import { generate, projectEnv, type Generated } from './project.js';
import { AZURITE_KEY, azuriteConnectionString, startAzurite, waitFor } from './servers.js';

const secret = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;
const SECRETS = {
  postgres: secret('pg-super'),
  MLFLOW_DB_PASSWORD: secret('pg-mlflow'),
  OPTUNA_DB_PASSWORD: secret('pg-optuna'),
  MLFLOW_AUTH_ADMIN_PASSWORD: secret('mlflow-admin'),
  MLFLOW_FLASK_SERVER_SECRET_KEY: secret('flask'),
  alice: secret('alice'),
};

const background: ResultPromise[] = [];
let project: Generated;
let home: string;
let blocks: Record<string, string>;
let settings: string;
let serverEnv: Record<string, string>;
let pg: { bin: string; data: string; port: number; asPostgres: (command: string, args: string[]) => [string, string[]] };
let mlflowUrl: string;
const outputs: string[] = []; // everything the project's commands printed, checked for secrets

/** PostgreSQL's server binaries from Debian's packages: the newest /usr/lib/postgresql/N/bin. */
function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((name) => existsSync(path.join(root, name, 'bin', 'initdb'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error('PostgreSQL is not installed (.ci/run installs it: apt-get install -y postgresql)');
  return path.join(root, newest, 'bin');
}

async function startPostgres(): Promise<typeof pg> {
  const bin = postgresBin();
  const folder = tmpFolder('mlexp-pg-');
  const data = path.join(folder, 'data');
  const port = await freePort();
  // initdb and postgres refuse to run as root: run them as Debian's `postgres` user then
  const root = process.getuid?.() === 0;
  if (root) {
    const uid = Number(execaSync('id', ['-u', 'postgres']).stdout);
    const gid = Number(execaSync('id', ['-g', 'postgres']).stdout);
    chownSync(folder, uid, gid);
  }
  const asPostgres = (command: string, args: string[]): [string, string[]] =>
    root ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  const passwordFile = path.join(folder, 'superuser-password');
  writeFileSync(passwordFile, `${SECRETS.postgres}\n`, { mode: 0o600 });
  if (root) execaSync('chown', ['postgres', passwordFile]);
  await execa(...asPostgres(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', `--pwfile=${passwordFile}`, '--auth=scram-sha-256', '-E', 'UTF8']));
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${folder}`;
  await execa(...asPostgres(path.join(bin, 'pg_ctl'), ['-D', data, '-o', options, '-l', path.join(folder, 'log'), '-w', 'start']));
  return { bin, data, port, asPostgres };
}

/** The marked bash blocks of the generated team-server recipe, by name. */
function recipeBlocks(markdown: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const match of markdown.matchAll(/<!-- team-server: ([\w-]+) -->\n```bash\n([\s\S]*?)\n```/g)) found[match[1]!] = match[2]!;
  return found;
}

type RunOptions = { input?: string; env?: Record<string, string>; detached?: boolean };

/** Run a script in bash after the settings, in the project, with `input` on stdin. */
function bash(script: string, options: RunOptions = {}) {
  // --norc: Debian's /etc/bash.bashrc, read for shells whose stdin is not a terminal, fails under -u
  return execa('bash', ['--norc', '--noprofile', '-euo', 'pipefail', '-c', `${settings}\n${script}`], {
    cwd: project.root,
    env: projectEnv({ HOME: home, ...serverEnv, ...options.env }),
    input: options.input ?? '',
    reject: false,
    all: true,
    detached: options.detached,
    // a detached block is a server, stopped by afterAll; any other block gets ten minutes
    ...(options.detached ? {} : { timeout: 600_000 }),
  });
}

/** One recipe block, word for word. */
function block(name: string): string {
  const script = blocks[name];
  if (script === undefined) throw new Error(`the recipe has no ${name} block`);
  return script;
}

/** The line of the `commands` block that holds `words`, its `<run-id>` replaced by `id`. */
function command(words: string, id = '<run-id>'): string {
  const line = block('commands').split('\n').find((candidate) => candidate.includes(words));
  if (!line) throw new Error(`the commands block has no ${words} line`);
  return line.replaceAll('<run-id>', id);
}

async function ok(script: string, options: RunOptions = {}): Promise<string> {
  const result = await bash(script, options);
  outputs.push(String(result.all));
  expect(result.exitCode, `${script}\n${String(result.all)}`).toBe(0);
  return String(result.all);
}

/** Run `script` as alice: the `client` block first, her password then `input` on stdin. */
function asAlice(script: string, options: RunOptions = {}) {
  return bash(`${block('client')}\n${script}`, { ...options, input: `${SECRETS.alice}\n${options.input ?? ''}` });
}

function hostRequest(url: string, host: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host, ...headers } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

/** One MLflow REST call as alice: GET with a query for reads by id or name, else POST JSON. */
async function mlflowApi(route: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const get = route.endsWith('/get') || route.endsWith('/get-by-name');
  const query = get ? `?${new URLSearchParams(body as Record<string, string>).toString()}` : '';
  const response = await fetch(`${mlflowUrl}/api/2.0/mlflow/${route}${query}`, {
    method: get ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', ...basic('alice', SECRETS.alice) },
    ...(get ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  outputs.push(text);
  expect(response.status, text).toBe(200);
  return JSON.parse(text) as Record<string, unknown>;
}

/** Optuna's view of the shared study, read with the project's own optuna (the team extra's psycopg). */
async function studyTrials(study: string): Promise<Array<{ number: number; state: string; run_id: string | null }>> {
  const script = [
    'import json, os, sys, optuna',
    'study = optuna.load_study(study_name=sys.argv[1], storage=sys.argv[2])',
    'print(json.dumps([{"number": t.number, "state": t.state.name, "run_id": t.user_attrs.get("run_id")} for t in study.trials]))',
  ].join('\n');
  const storage = `postgresql://optuna@127.0.0.1:${pg.port}/optuna`;
  const result = await execa('uv', ['run', '--frozen', 'python', '-c', script, study, storage], {
    cwd: project.root,
    env: projectEnv({ PGPASSWORD: SECRETS.OPTUNA_DB_PASSWORD }),
    all: true,
  });
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!);
}

beforeAll(async () => {
  const [postgres, azuritePort, generated] = await Promise.all([
    startPostgres(),
    startAzurite(background),
    generate('team-ml', { 'env-tool': 'uv', tracker: 'mlflow' }),
  ]);
  pg = postgres;
  project = generated;
  home = tmpFolder('mlexp-team-home-');
  blocks = recipeBlocks(readFileSync(path.join(project.root, 'docs', 'experiment-tracking.md'), 'utf8'));
  const mlflowPort = await freePort();
  mlflowUrl = `http://127.0.0.1:${mlflowPort}`;
  const site: Record<string, string> = {
    DB_HOST: '127.0.0.1',
    DB_PORT: String(pg.port),
    MLFLOW_HOST: '127.0.0.1',
    MLFLOW_PORT: String(mlflowPort),
    MLFLOW_BIND: '127.0.0.1',
    AZURE_STORAGE_ACCOUNT: 'devstoreaccount1',
  };
  // the docs' settings block must set exactly the variables this test replaces
  const documented = [...(blocks.settings ?? '').matchAll(/\b([A-Z_]+)=/g)].map((match) => match[1]).sort();
  expect(documented).toEqual(Object.keys(site).sort());
  settings = Object.entries(site).map(([name, value]) => `export ${name}=${value}`).join('\n');
  serverEnv = {
    MLFLOW_DB_PASSWORD: SECRETS.MLFLOW_DB_PASSWORD,
    OPTUNA_DB_PASSWORD: SECRETS.OPTUNA_DB_PASSWORD,
    MLFLOW_AUTH_ADMIN_PASSWORD: SECRETS.MLFLOW_AUTH_ADMIN_PASSWORD,
    MLFLOW_FLASK_SERVER_SECRET_KEY: SECRETS.MLFLOW_FLASK_SERVER_SECRET_KEY,
    AZURE_STORAGE_CONNECTION_STRING: azuriteConnectionString(azuritePort),
  };
});

afterAll(async () => {
  const logs: string[] = [];
  for (const server of background.reverse()) {
    if (server.pid !== undefined && server.exitCode === null) {
      try {
        process.kill(-server.pid, 'SIGTERM'); // a detached recipe block: its whole process group
      } catch {
        server.kill('SIGTERM');
      }
    }
    const result = await server.catch((error: { all?: string }) => error);
    logs.push(String(result.all ?? ''));
  }
  if (pg) await execa(...pg.asPostgres(path.join(pg.bin, 'pg_ctl'), ['-D', pg.data, '-m', 'immediate', 'stop']), { reject: false });
  // the servers' own logs (MLflow, Azurite, the model server) hold no secret either
  for (const [name, value] of Object.entries(SECRETS)) {
    if (logs.some((log) => log.includes(value))) throw new Error(`the ${name} secret appears in a server log`);
  }
});

describe('team server recipe (PostgreSQL + Azurite + basic auth), word for word', () => {
  it('creates the databases, installs the team extra and starts an authenticated server', async () => {
    await ok(block('database'), { env: { PGPASSWORD: SECRETS.postgres } });
    await ok(block('install'));
    expect(readFileSync(path.join(home, '.config', 'mlflow', 'basic_auth.ini'), 'utf8')).not.toMatch(/password\s*=/);

    const server = bash(block('server'), { detached: true });
    background.push(server);
    await waitFor(async () => (await fetch(`${mlflowUrl}/health`)).status === 200, server, 300_000);

    const search = `${mlflowUrl}/api/2.0/mlflow/experiments/search?max_results=1`;
    expect((await fetch(search)).status).toBe(401); // no credentials: refused
    expect(await hostRequest(search, 'evil.example', basic('admin', SECRETS.MLFLOW_AUTH_ADMIN_PASSWORD))).toBe(403); // --allowed-hosts
    await ok(block('user'), { input: `${SECRETS.alice}\n` });
    expect((await fetch(search, { headers: basic('alice', SECRETS.alice) })).status).toBe(200);
  });

  it('refuses a client without an account in one line', async () => {
    const result = await bash(command(' run'), { env: { MLFLOW_TRACKING_URI: mlflowUrl } });
    outputs.push(String(result.all));
    expect(result.exitCode).toBe(2);
    // the run's progress lines (data, split) come before the one error line
    const lines = String(result.all).trim().split('\n');
    expect(lines.filter((line) => line.startsWith('error:'))).toHaveLength(1);
    expect(lines.at(-1)).toBe(
      `error: the MLflow server at ${mlflowUrl} requires a login (HTTP 401): set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD in the environment`,
    );
  });

  it('runs, compares, reproduces, predicts and serves through the server, artifacts in Azurite', async () => {
    const run = await asAlice(command(' run'));
    outputs.push(String(run.all));
    expect(run.exitCode, String(run.all)).toBe(0);
    const id = /^run ([0-9a-f]+)\s/m.exec(String(run.all))?.[1];
    expect(id, String(run.all)).toBeDefined();

    const rows = readFileSync(path.join(project.root, 'data/raw/breast_cancer.csv'), 'utf8').trim().split('\n');
    const targetAt = rows[0]!.split(',').indexOf('target');
    const drop = (line: string) => line.split(',').filter((_cell, index) => index !== targetAt).join(',');
    writeFileSync(path.join(project.root, 'new.csv'), `${rows.slice(0, 6).map(drop).join('\n')}\n`);
    for (const verb of [' compare', ' reproduce', ' predict']) {
      const result = await asAlice(command(verb, id));
      outputs.push(String(result.all));
      expect(result.exitCode, `${verb}:\n${String(result.all)}`).toBe(0);
      if (verb === ' compare') expect(String(result.all)).toContain(id!.slice(0, 8));
    }
    expect(readFileSync(path.join(project.root, 'predictions.csv'), 'utf8').trim().split('\n')).toHaveLength(6);

    // the artifacts went through the server's proxy into the Azurite container
    const artifacts = (await mlflowApi('runs/get', { run_id: id })) as { run: { info: { artifact_uri: string } } };
    expect(artifacts.run.info.artifact_uri).toMatch(/^mlflow-artifacts:/);
    const list = [
      'import os',
      'from azure.storage.blob import BlobServiceClient',
      'service = BlobServiceClient.from_connection_string(os.environ["AZURE_STORAGE_CONNECTION_STRING"])',
      'print("\\n".join(blob.name for blob in service.get_container_client("mlflow").list_blobs()))',
    ].join('\n');
    const blobs = await execa('uv', ['run', '--frozen', 'python', '-c', list], { cwd: project.root, env: projectEnv(serverEnv) });
    expect(blobs.stdout).toContain(`${id}/artifacts/predictions.csv`);
    expect(blobs.stdout).toMatch(/\/models\/m-[0-9a-f]{32}\/artifacts\/MLmodel$/m);  // a logged model, beside the run

    const servePort = await freePort();
    const serve = asAlice(command('models serve', id).replace('-p 5001', `-p ${servePort}`), { detached: true });
    background.push(serve);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${servePort}/ping`)).status === 200, serve, 300_000);
    const header = rows[0]!.split(',').filter((_name, index) => index !== targetAt);
    const response = await fetch(`http://127.0.0.1:${servePort}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ dataframe_split: { columns: header, data: rows.slice(1, 3).map((line) => drop(line).split(',').map(Number)) } }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { predictions: unknown[] }).predictions).toHaveLength(2);
    process.kill(-serve.pid!, 'SIGTERM');
  });

  it('shares one study and one parent run between two sweep processes of two workers each', async () => {
    const sweepConfig = path.join(project.root, 'configs', 'sweeps', 'default.yaml');
    // a short study: two trials per command (one per worker); heartbeat 1 s for the dying case below
    writeFileSync(sweepConfig, readFileSync(sweepConfig, 'utf8').replace(/^trials: \d+/m, 'trials: 2').replace(/^seed:/m, 'heartbeat: 1\nseed:'));
    const study = /^study: (\S+)/m.exec(readFileSync(sweepConfig, 'utf8'))![1]!;
    const input = `${SECRETS.OPTUNA_DB_PASSWORD}\n`;
    const [first, second] = await Promise.all([asAlice(block('sweep'), { input }), asAlice(block('sweep'), { input })]);
    for (const result of [first, second]) {
      outputs.push(String(result.all));
      expect(result.exitCode, String(result.all)).toBe(0);
    }
    const parents = [first, second].map((result) => /parent run ([0-9a-f]+)/.exec(String(result.all))?.[1]);
    expect(parents[0]).toBeDefined();
    expect(parents[1]).toBe(parents[0]);

    const trials = await studyTrials(study);
    expect(trials.map((trial) => trial.number).sort()).toEqual([0, 1, 2, 3]);
    expect(trials.map((trial) => trial.state), `${String(first.all)}\n${String(second.all)}`).toEqual(Array(4).fill('COMPLETE'));
    const runIds = trials.map((trial) => trial.run_id);
    expect(new Set(runIds).size).toBe(4);

    const experiment = (await mlflowApi('experiments/get-by-name', { experiment_name: 'team-ml' })) as { experiment: { experiment_id: string } };
    const found = (await mlflowApi('runs/search', {
      experiment_ids: [experiment.experiment.experiment_id],
      filter: `tags.\`sweep.parent\` = '${parents[0]}'`,
      max_results: 100,
    })) as { runs: Array<{ info: { run_id: string; status: string }; data: { tags: Array<{ key: string; value: string }> } }> };
    expect(found.runs.map((run) => run.info.run_id).sort()).toEqual([...runIds].sort());
    const trialTags = found.runs.map((run) => run.data.tags.find((tag) => tag.key === 'sweep.trial')?.value).sort();
    expect(trialTags).toEqual(['0', '1', '2', '3']);
  });

  it('fails the trial of a machine that dies mid-trial; a third machine joins and the study goes on', async () => {
    const study = /^study: (\S+)/m.exec(readFileSync(path.join(project.root, 'configs', 'sweeps', 'default.yaml'), 'utf8'))![1]!;
    const before = (await studyTrials(study)).length;
    const dying = asAlice(block('sweep'), { detached: true, input: `${SECRETS.OPTUNA_DB_PASSWORD}\n` });
    background.push(dying);
    await waitFor(async () => (await studyTrials(study)).some((trial) => trial.state === 'RUNNING'), dying, 300_000);
    process.kill(-dying.pid!, 'SIGKILL'); // the machine dies: no process is left to close its trial
    await dying.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // past two missed beats (heartbeat: 1)

    const third = await asAlice(block('sweep'), { input: `${SECRETS.OPTUNA_DB_PASSWORD}\n` });
    outputs.push(String(third.all));
    expect(third.exitCode, String(third.all)).toBe(0);
    const trials = await studyTrials(study);
    const states = trials.map((trial) => trial.state);
    expect(states).not.toContain('RUNNING');
    expect(states.filter((state) => state === 'FAIL').length).toBeGreaterThanOrEqual(1);
    expect(states.filter((state) => state === 'COMPLETE').length).toBeGreaterThanOrEqual(before + 2);
  });

  it('never shows a password: not in any output, run tag, param or error line', async () => {
    const experiment = (await mlflowApi('experiments/get-by-name', { experiment_name: 'team-ml' })) as { experiment: { experiment_id: string } };
    const runs = await mlflowApi('runs/search', { experiment_ids: [experiment.experiment.experiment_id], max_results: 1000 });
    const everything = [...outputs, JSON.stringify(runs)].join('\n');
    for (const [name, value] of Object.entries(SECRETS)) expect(everything.includes(value), name).toBe(false);
    expect(everything).not.toContain(AZURITE_KEY);
  });
});

