import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import helpers from 'yeoman-test';
import { normalizeBlockName } from './blocks.js';
import { CLI, generatorPath, listFiles, runApp, tmpFolder, unrenderedFiles } from '../../test/helpers.js';

/** A generated default project (no install, no git) in a folder that outlives yeoman-test. */
async function project(options: Record<string, unknown> = {}): Promise<string> {
  const parent = tmpFolder();
  await runApp('proj', options).cd(parent);
  return path.join(parent, 'proj');
}

function runBlock(kind: string, cwd: string, name: string | undefined, options: Record<string, unknown> = {}) {
  const context = helpers.run(generatorPath(kind)).cd(cwd).withOptions(options);
  return name === undefined ? context : context.withArguments([name]);
}

const mlexp = (args: string[], cwd: string) =>
  execa('node', [CLI, ...args], { cwd, reject: false, stdin: 'ignore', env: { NO_COLOR: '1' } });

describe('sub-generators write a block, its test and a config snippet', () => {
  it.each([
    ['dataset', { source: 'csv' }, 'datasets'],
    ['dataset', { source: 'parquet' }, 'datasets'],
    ['dataset', { source: 'sql' }, 'datasets'],
    ['dataset', { source: 'custom' }, 'datasets'],
    ['model', { kind: 'sklearn', task: 'classification' }, 'models'],
    ['model', { kind: 'pytorch', task: 'regression' }, 'models'],
    ['model', { kind: 'custom', task: 'regression' }, 'models'],
    ['evaluator', { task: 'classification' }, 'evaluators'],
    ['evaluator', { task: 'regression' }, 'evaluators'],
  ] as const)('%s %o', async (kind, options, folder) => {
    const root = await project();
    await runBlock(kind, root, 'Customer Churn', options);
    const files = listFiles(root);
    expect(files).toContain(`src/proj/${folder}/customer_churn.py`);
    expect(files).toContain(`tests/test_${kind}_customer_churn.py`);
    expect(files).toContain('configs/customer_churn.yaml');
    expect(unrenderedFiles(root)).toEqual([]);
    const snippet = parseYaml(readFileSync(path.join(root, 'configs/customer_churn.yaml'), 'utf8'));
    expect(snippet[kind].name).toBe('customer_churn');
    const module = readFileSync(path.join(root, `src/proj/${folder}/customer_churn.py`), 'utf8');
    expect(module).toContain(`.register("customer_churn")`);
    const stored = JSON.parse(readFileSync(path.join(root, '.yo-rc.json'), 'utf8'))['generator-mlexp'];
    expect(stored.blocks[folder].customer_churn).toMatchObject(options);
  });

  it('adds the dependency an option needs to the env files, keeping their content', async () => {
    const root = await project({ envTool: 'venv' });
    await runBlock('dataset', root, 'sales', { source: 'parquet' });
    await runBlock('dataset', root, 'orders', { source: 'sql' });
    const requirements = readFileSync(path.join(root, 'requirements.txt'), 'utf8');
    expect(requirements).toMatch(/^pyarrow>=15,<30$/m);
    // every project declares sqlalchemy already (drivers.py asks it which driver a URL needs)
    expect(requirements.match(/^sqlalchemy.*$/gm)).toEqual(['sqlalchemy>=2.1,<3']);
    expect(requirements).toMatch(/^pandas>=/m);
    const pyproject = parseToml(readFileSync(path.join(root, 'pyproject.toml'), 'utf8')) as { project: { dependencies: string[] } };
    expect(pyproject.project.dependencies).toEqual(expect.arrayContaining(['pyarrow>=15,<30', 'sqlalchemy>=2.1,<3', 'pandas>=2.2,<4']));
    const stored = JSON.parse(readFileSync(path.join(root, '.yo-rc.json'), 'utf8'))['generator-mlexp'];
    expect(stored.extras).toEqual(['pyarrow', 'sqlalchemy']);
  });

  it('says how to install what it added (and to commit the lock), only when it added something', async () => {
    const root = await project({ envTool: 'poetry' });
    const first = await mlexp(['dataset', 'sales', '--source', 'parquet'], root);
    expect(first.exitCode, first.stderr).toBe(0);
    // Yeoman's log is the process's stderr
    expect(first.stderr).toContain('poetry lock && poetry install    # installs what it added: pyarrow, then commit poetry.lock');
    const again = await mlexp(['dataset', 'orders', '--source', 'parquet'], root);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toContain("Added dataset 'orders'");
    expect(again.stderr).not.toContain('installs what it added');
  });

  it('adds a conda-forge dependency above the pip: section of environment.yml, keeping comments', async () => {
    const root = await project({ envTool: 'conda' });
    const file = path.join(root, 'environment.yml');
    writeFileSync(file, `# team note: keep this\n${readFileSync(file, 'utf8')}`);
    await runBlock('model', root, 'net', { kind: 'pytorch' });
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('# team note: keep this');
    const environment = parseYaml(text) as { dependencies: Array<string | { pip: string[] }> };
    expect(environment.dependencies).toContain('pytorch>=2.4,<3');
    expect(typeof environment.dependencies.at(-1)).toBe('object');
  });

  it('is idempotent: the same name and options again change nothing', async () => {
    const root = await project();
    await runBlock('model', root, 'gradient_boost');
    const before = Object.fromEntries(listFiles(root).map((file) => [file, readFileSync(path.join(root, file), 'utf8')]));
    await runBlock('model', root, 'gradient_boost');
    const after = Object.fromEntries(listFiles(root).map((file) => [file, readFileSync(path.join(root, file), 'utf8')]));
    expect(after).toEqual(before);
  });

  it('runs from any folder inside the project', async () => {
    const root = await project();
    const result = await mlexp(['evaluator', 'business_value'], path.join(root, 'src', 'proj', 'models'));
    expect(result.exitCode, result.stderr).toBe(0);
    expect(existsSync(path.join(root, 'src/proj/evaluators/business_value.py'))).toBe(true);
  });

  it('asks before overwriting a block file the user edited', async () => {
    const root = await project();
    await runBlock('model', root, 'gradient_boost');
    const file = path.join(root, 'src/proj/models/gradient_boost.py');
    writeFileSync(file, '# mine\n');
    await expect(runBlock('model', root, 'gradient_boost', { bail: true })).rejects.toThrow(/gradient_boost\.py/);
    expect(readFileSync(file, 'utf8')).toBe('# mine\n');
  });
});

describe('sub-generators refuse bad input with one line and write nothing', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['a path as a name', ['dataset', '../evil'], /is a path, not a name/],
    ['a keyword', ['model', 'class'], /'class' is a Python keyword/],
    ['a standard-library name', ['dataset', 'json'], /standard-library module 'json'/],
    ['a name that is no identifier', ['evaluator', '9lives'], /does not make a Python identifier/],
    ['a reserved module name', ['model', 'base'], /reserved/],
    ['a clash with a registered block', ['model', 'logistic_regression'], /already registered in models\/linear\.py/],
    ['a clash with an existing module', ['dataset', 'breast_cancer'], /datasets\/breast_cancer\.py already exists/],
    ['an unknown option value', ['dataset', 'sales', '--source', 'excel'], /invalid --source 'excel': use one of csv, parquet, sql, custom/],
    ['no name', ['model'], /no name given/],
    ['a clash with a generated config', ['model', 'regression', '--force'], /configs\/regression\.yaml already exists/],
    ['the main config', ['dataset', 'experiment'], /configs\/experiment\.yaml already exists/],
    ['a name beyond ASCII', ['model', 'ünï'], /'ünï' has letters a Python module name cannot hold: use the ASCII name you mean, e\.g\. 'uni'$/],
    ['a name beyond ASCII, folded', ['dataset', 'forêt'], /e\.g\. 'foret'$/],
  ];
  it.each(cases)('%s', async (_name, args, message) => {
    const root = await project();
    const before = Object.fromEntries(listFiles(root).map((file) => [file, readFileSync(path.join(root, file), 'utf8')]));
    const result = await mlexp(args, root);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr.trim()).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    const after = Object.fromEntries(listFiles(root).map((file) => [file, readFileSync(path.join(root, file), 'utf8')]));
    expect(after).toEqual(before);
  });

  it('outside a project', async () => {
    const cwd = tmpFolder();
    mkdirSync(path.join(cwd, 'empty'));
    const result = await mlexp(['dataset', 'customer_churn'], path.join(cwd, 'empty'));
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr.trim()).toMatch(/is not inside an mlexp project/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(listFiles(cwd)).toEqual([]);
  });
});

describe('block names', () => {
  it.each([
    ['customer_churn', 'customer_churn'],
    ['Customer Churn', 'customer_churn'],
    ['gradientBoost', 'gradient_boost'],
    ['business-value', 'business_value'],
  ])('%s → %s', (raw, name) => expect(normalizeBlockName(raw)).toBe(name));
});

describe('block templates stay within the line length with the longest allowed name', () => {
  it.each([
    ['dataset', { source: 'csv' }],
    ['dataset', { source: 'parquet' }],
    ['dataset', { source: 'sql' }],
    ['dataset', { source: 'custom' }],
    ['model', { kind: 'sklearn' }],
    ['model', { kind: 'pytorch' }],
    ['model', { kind: 'custom', task: 'regression' }],
    ['evaluator', { task: 'classification' }],
    ['evaluator', { task: 'regression' }],
  ] as const)('%s %o', async (kind, options) => {
    const root = await project();
    const name = 'a'.repeat(40);
    await runBlock(kind, root, name, { ...options, target: 't'.repeat(60) });
    for (const file of listFiles(root).filter((file) => file.includes(name) && file.endsWith('.py'))) {
      const long = readFileSync(path.join(root, file), 'utf8').split('\n').filter((line) => line.length > 100);
      expect(long, file).toEqual([]);
    }
  });

  it('refuses a name longer than 40 characters', async () => {
    const root = await project();
    const result = await mlexp(['model', 'a'.repeat(41)], root);
    expect(result.stderr.trim()).toMatch(/is longer than 40 characters: shorten it$/);
  });
});
