/**
 * Stateful property test (fast-check's model-based commands): random sequences of edits, deletions,
 * sub-generators, re-runs and upgrades with changed answers on a generated project. After every
 * step:
 * - no line the user wrote is lost, and a file the user deleted stays deleted;
 * - nothing outside the project changed;
 * - the command left nothing git cannot see: what it wrote is in `git status`, and once committed,
 *   the work tree is clean.
 * `PROPERTY_RUNS=3000 npx vitest run --project unit test/property.test.ts` runs thousands. CI runs
 * 100 (under 2 min of both cores on a quiet machine), new ones each run: fast-check draws a fresh
 * seed every time.
 */
import { appendFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, listFiles, tmpFolder } from './helpers.js';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 100);
const ENV = { NO_COLOR: '1', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.org', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.org' };

interface Real {
  root: string;
  outside: string;
  outsideBefore: Record<string, string>;
}

interface Model {
  /** Lines the user added, by file: each must still be there. */
  lines: Map<string, string[]>;
  deleted: Set<string>;
  counter: number;
  blocks: Set<string>;
}

async function mlexp(args: string[], cwd: string) {
  return execa('node', [CLI, ...args], { cwd, reject: false, stdin: 'ignore', all: true, env: ENV });
}

async function git(root: string, ...args: string[]) {
  return execa('git', args, { cwd: root, env: ENV, reject: false, all: true });
}

async function commitAll(root: string, message: string): Promise<void> {
  await git(root, 'add', '--all');
  await git(root, 'commit', '--quiet', '--no-verify', '-m', message);
}

function contents(folder: string): Record<string, string> {
  return Object.fromEntries(listFiles(folder).map((file) => [file, readFileSync(path.join(folder, file), 'utf8')]));
}

/** Every invariant, after every command. */
async function check(model: Model, real: Real, label: string): Promise<void> {
  for (const [file, lines] of model.lines) {
    if (model.deleted.has(file)) continue;
    const full = path.join(real.root, file);
    expect(existsSync(full), `${label}: ${file}, which the user edited, is gone`).toBe(true);
    const text = readFileSync(full, 'utf8');
    for (const line of lines) expect(text, `${label}: a user line of ${file} is lost`).toContain(line);
  }
  for (const file of model.deleted) expect(existsSync(path.join(real.root, file)), `${label}: deleted ${file} came back`).toBe(false);
  expect(contents(real.outside), `${label}: something outside the project changed`).toEqual(real.outsideBefore);
  expect(readdirSync(path.dirname(real.root)).sort(), `${label}: a file appeared beside the project`).toEqual(['outside', 'proj']);
  // whatever the command did is visible to git: committing it leaves a clean tree
  await commitAll(real.root, label);
  expect((await git(real.root, 'status', '--porcelain')).stdout, `${label}: git cannot account for a change`).toBe('');
}

const EDITABLE = ['README.md', 'configs/experiment.yaml', 'src/proj/models/linear.py', 'docs/evaluation.md', 'notes.md', 'analysis/work.py'];

class Edit implements fc.AsyncCommand<Model, Real> {
  constructor(readonly file: string) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const line = `# a line the user wrote, number ${(model.counter += 1)}`;
    mkdirSync(path.dirname(path.join(real.root, this.file)), { recursive: true });
    appendFileSync(path.join(real.root, this.file), `\n${line}\n`);
    model.deleted.delete(this.file);
    model.lines.set(this.file, [...(model.lines.get(this.file) ?? []), line]);
    await check(model, real, `edit ${this.file}`);
  }
  toString = () => `edit(${this.file})`;
}

class Delete implements fc.AsyncCommand<Model, Real> {
  constructor(readonly file: string) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    rmSync(path.join(real.root, this.file), { force: true });
    model.deleted.add(this.file);
    model.lines.delete(this.file);
    await check(model, real, `delete ${this.file}`);
  }
  toString = () => `delete(${this.file})`;
}

class AddBlock implements fc.AsyncCommand<Model, Real> {
  constructor(readonly kind: 'dataset' | 'model' | 'evaluator', readonly name: string) {}
  check = (model: Readonly<Model>) => !model.blocks.has(this.name);
  async run(model: Model, real: Real): Promise<void> {
    const result = await mlexp([this.kind, this.name], real.root);
    if (result.exitCode === 0) model.blocks.add(this.name);
    else expect(String(result.all).trim().split('\n').at(-1), `${this.kind} ${this.name}`).toMatch(/^error: /);
    await check(model, real, `${this.kind} ${this.name}`);
  }
  toString = () => `${this.kind}(${this.name})`;
}

class Rerun implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const result = await mlexp(['--yes', '--skip-install'], real.root);
    // over the user's edits with no terminal: one line, nothing written
    if (result.exitCode !== 0) expect(String(result.all).trim().split('\n').at(-1)).toMatch(/^error: \d+ file\(s\) conflict with what mlexp writes/);
    // a re-run writes the generated files again, those the user deleted included (an upgrade does not)
    for (const file of model.deleted) if (existsSync(path.join(real.root, file))) model.deleted.delete(file);
    await check(model, real, 're-run');
  }
  toString = () => 'rerun';
}

class Upgrade implements fc.AsyncCommand<Model, Real> {
  constructor(readonly flag: string, readonly value: string) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const result = await mlexp(['upgrade', `--${this.flag}`, this.value], real.root);
    if (result.exitCode !== 0) {
      expect(String(result.all), `upgrade --${this.flag} ${this.value}`).toMatch(/^error: /m);
      // the user drops a conflicted upgrade: nothing may be lost by that either
      if ((await git(real.root, 'rev-parse', '--verify', '--quiet', 'MERGE_HEAD')).exitCode === 0) await git(real.root, 'merge', '--abort');
    }
    await check(model, real, `upgrade --${this.flag} ${this.value}`);
  }
  toString = () => `upgrade(--${this.flag} ${this.value})`;
}

const commands = [
  fc.constantFrom(...EDITABLE).map((file) => new Edit(file)),
  fc.constantFrom('docs/evaluation.md', 'configs/regression.yaml', 'notes.md').map((file) => new Delete(file)),
  fc.tuple(fc.constantFrom('dataset' as const, 'model' as const, 'evaluator' as const), fc.constantFrom('sales', 'churn', 'boost', 'margin')).map(([kind, name]) => new AddBlock(kind, name)),
  fc.constant(new Rerun()),
  fc.oneof(
    fc.constantFrom('MIT', 'Apache-2.0', 'none').map((value) => new Upgrade('license', value)),
    fc.constantFrom('github', 'azure-pipelines', 'none').map((value) => new Upgrade('ci', value)),
    fc.constantFrom('mlflow', 'none', 'wandb').map((value) => new Upgrade('tracker', value)),
  ),
];

describe('stateful: random sequences of what users do never lose their work', () => {
  // one generation, copied for every sequence (a copy of the folder, .git included, is the same
  // project): the sequences' time goes to the commands they try
  let template = '';
  beforeAll(async () => {
    const parent = tmpFolder('mlexp-stateful-template-');
    const made = await mlexp(['proj', '--yes', '--skip-install', '--python', '3.11'], parent);
    expect(made.exitCode, String(made.all)).toBe(0);
    template = path.join(parent, 'proj');
  });

  // the sequences run in two halves at once: the work is in child processes, so both cores serve
  const ran: Record<string, number> = {};
  const HALVES = [Math.ceil(RUNS / 2), Math.floor(RUNS / 2)];
  it.concurrent.each(HALVES.map((runs, half) => [half + 1, runs]))('half %i: %i sequences of edits, deletions, sub-generators, re-runs and upgrades', async (_half, runs) => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 6 }), async (sequence) => {
        for (const command of sequence) {
          const kind = String(command).split('(')[0]!;
          ran[kind] = (ran[kind] ?? 0) + 1;
        }
        const parent = tmpFolder('mlexp-stateful-');
        const outside = path.join(parent, 'outside');
        mkdirSync(outside);
        writeFileSync(path.join(outside, 'keep.txt'), 'not the project\n');
        cpSync(template, path.join(parent, 'proj'), { recursive: true, verbatimSymlinks: true });
        const real: Real = { root: path.join(parent, 'proj'), outside, outsideBefore: contents(outside) };
        const model: Model = { lines: new Map(), deleted: new Set(), counter: 0, blocks: new Set() };
        await fc.asyncModelRun(() => ({ model, real }), sequence);
      }),
      { numRuns: runs },
    );
  }, 1_800_000);

  afterAll(() => {
    console.log(`stateful: ${RUNS} sequences; commands tried: ${JSON.stringify(ran)}`);
    // the sequences did exercise every kind of step (in a hundred sequences, each shows up)
    if (RUNS >= 100) for (const kind of ['edit', 'delete', 'rerun', 'upgrade', 'dataset', 'model', 'evaluator']) expect(ran[kind] ?? 0, kind).toBeGreaterThan(0);
  });
});
