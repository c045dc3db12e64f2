import { availablePythons } from '../project/python.js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ENV_TOOLS, STRUCTURES, TRACKERS, CIS, LICENSES, PYTHON_VERSIONS, DATA_VERSIONINGS, DATA_STORAGES } from '../options/values.js';
import { CATALOGUE } from '../options/catalogue.js';

const PYPI_NAME = new Map(CATALOGUE.flatMap((dependency) => (dependency.conda ? [[dependency.conda, dependency.name] as const] : [])));
import { listFiles, parseStructuredFiles, runApp, tmpFolder, unrenderedFiles } from '../../test/helpers.js';

describe('app generator: default project', () => {
  it('writes the expected file list', async () => {
    const result = await runApp('demo');
    const files = listFiles(path.join(result.cwd, 'demo'));
    expect(files).toMatchSnapshot();
  });

  it('stores the answers and the generator version in .yo-rc.json', async () => {
    const result = await runApp('Churn Model v2');
    const stored = JSON.parse(readFileSync(path.join(result.cwd, 'Churn Model v2', '.yo-rc.json'), 'utf8'));
    expect(stored['generator-mlexp']).toMatchObject({
      projectName: 'Churn Model v2',
      packageName: 'churn_model_v2',
      envTool: 'venv',
      tracker: 'mlflow',
      structure: 'ccds',
      python: availablePythons().at(-1) ?? '3.12',
      license: 'none',
      ci: 'github',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
    const pyproject = parseToml(readFileSync(path.join(result.cwd, 'Churn Model v2', 'pyproject.toml'), 'utf8'));
    expect((pyproject.project as { name: string }).name).toBe('churn-model-v2');
  });
});

describe('app generator: every option value', () => {
  const combos = ENV_TOOLS.flatMap((envTool) =>
    TRACKERS.flatMap((tracker) => STRUCTURES.map((structure) => ({ envTool, tracker, structure }))),
  );
  it.each(combos)('$envTool × $tracker × $structure renders, parses, leaves no marker', async (combo) => {
    const result = await runApp('combo', combo);
    const root = path.join(result.cwd, 'combo');
    expect(unrenderedFiles(root)).toEqual([]);
    const parsed = parseStructuredFiles(root);
    expect(Object.keys(parsed)).toContain('.yo-rc.json');
    expect(Object.keys(parsed)).toContain('pyproject.toml');
  });

  it.each([...CIS])('--ci %s writes its CI file', async (ci) => {
    const result = await runApp('ci', { ci });
    const files = listFiles(path.join(result.cwd, 'ci'));
    expect(files.includes('.github/workflows/ci.yml')).toBe(ci === 'github');
    expect(files.includes('azure-pipelines.yml')).toBe(ci === 'azure-pipelines');
  });

  it.each([...LICENSES])('--license %s', async (license) => {
    const result = await runApp('lic', { license, authorName: 'Ada Lovelace' });
    const root = path.join(result.cwd, 'lic');
    expect(existsSync(path.join(root, 'LICENSE'))).toBe(license !== 'none');
    const project = parseToml(readFileSync(path.join(root, 'pyproject.toml'), 'utf8')).project as Record<string, unknown>;
    expect(project.license).toBe(license === 'none' ? undefined : license);
    if (license !== 'none') expect(readFileSync(path.join(root, 'LICENSE'), 'utf8')).toContain('Ada Lovelace');
  });

  const dataCombos = DATA_VERSIONINGS.flatMap((dataVersioning) => DATA_STORAGES.map((dataStorage) => ({ dataVersioning, dataStorage })));
  it.each(dataCombos)('--data-versioning $dataVersioning --data-storage $dataStorage', async (combo) => {
    const result = await runApp('data', { ...combo, structure: 'generic' });
    const root = path.join(result.cwd, 'data');
    const files = listFiles(root);
    const dvc = combo.dataVersioning === 'dvc';
    const sync = combo.dataStorage !== 'none' && !dvc;
    expect(unrenderedFiles(root)).toEqual([]);
    expect(['.dvc/config', '.dvc/.gitignore', '.dvcignore'].every((file) => files.includes(file))).toBe(dvc);
    expect(files.includes('src/data/plumbing/sync.py') && files.includes('configs/storage/data.yaml')).toBe(sync);
    expect(files.includes('docs/data.md')).toBe(dvc || combo.dataStorage !== 'none');
    // every project reads DVC pointers (a run records what DVC tracks, whoever set it up)
    expect(files).toContain('src/data/plumbing/data_versions.py');
    const makefile = readFileSync(path.join(root, 'Makefile'), 'utf8');
    expect(makefile.includes('sync_data_up:')).toBe(combo.dataStorage !== 'none');
    if (dvc) {
      const config = readFileSync(path.join(root, '.dvc/config'), 'utf8');
      expect(readFileSync(path.join(root, '.dvc/.gitignore'), 'utf8')).toContain('/config.local');
      const url = { none: undefined, local: '/srv/data-storage/data/dvc', azure: 'azure://data-data/dvc', s3: 's3://data-data/dvc', gcs: 'gs://data-data/dvc' }[combo.dataStorage];
      if (url) expect(config).toMatch(new RegExp(`remote = storage\\n\\['remote "storage"'\\]\\n    url = ${url.replace(/[/.]/g, '\\$&')}\\n`));
      else expect(config).not.toContain('[core]');
      if (combo.dataStorage !== 'none') expect(makefile).toContain('dvc push');
      expect(config.split('\n').filter((line) => !line.startsWith('#')).join('\n')).not.toMatch(/key|secret|connection_string|password/i);
    }
    if (sync) expect(makefile).toMatch(/python -m data sync up/);
    // the pointers DVC writes beside the data are not ignored, the data is
    const gitignore = readFileSync(path.join(root, '.gitignore'), 'utf8');
    expect(gitignore).toContain('!/data/**/*.dvc');
    expect(JSON.parse(readFileSync(path.join(root, '.yo-rc.json'), 'utf8'))['generator-mlexp']).toMatchObject(combo);
    const mkdocs = parseYaml(readFileSync(path.join(root, 'mkdocs.yml'), 'utf8')) as { nav: Array<Record<string, string>> };
    expect(mkdocs.nav.some((page) => Object.values(page).includes('data.md'))).toBe(files.includes('docs/data.md'));
  });

  it.each([...PYTHON_VERSIONS])('--python %s reaches the environment files', async (python) => {
    const result = await runApp('pyver', { python, envTool: 'conda' });
    const environment = parseYaml(readFileSync(path.join(result.cwd, 'pyver', 'environment.yml'), 'utf8'));
    expect(environment.dependencies).toContain(`python=${python}`);
  });
});

describe('app generator: text that needs escaping', () => {
  it('keeps quotes, backslashes, #, : and non-ASCII intact in TOML and YAML', async () => {
    const description = `Say "hi" \\ it's #1: naïve — 日本語 {{x}} <% y %>`;
    const authorName = `O'Brien "Bob" \\ Zoë: #2`;
    const result = await runApp('escapes', { description, authorName, envTool: 'conda', license: 'MIT' });
    const root = path.join(result.cwd, 'escapes');
    const pyproject = parseToml(readFileSync(path.join(root, 'pyproject.toml'), 'utf8')) as {
      project: { description: string; authors: Array<{ name: string }> };
    };
    expect(pyproject.project.description).toBe(description);
    expect(pyproject.project.authors[0]?.name).toBe(authorName);
    const stored = JSON.parse(readFileSync(path.join(root, '.yo-rc.json'), 'utf8'));
    expect(stored['generator-mlexp'].description).toBe(description);
    expect(readFileSync(path.join(root, 'README.md'), 'utf8')).toContain(description);
    parseStructuredFiles(root);
  });
});

describe('app generator: re-runs', () => {
  it('reuses the stored answers when re-run inside the project', async () => {
    const parent = tmpFolder();
    await runApp('again', { tracker: 'wandb', envTool: 'uv' }).cd(parent);
    const root = path.join(parent, 'again');
    const second = await runApp(undefined, { yes: true }).cd(root);
    const stored = JSON.parse(readFileSync(path.join(second.cwd, '.yo-rc.json'), 'utf8'))['generator-mlexp'];
    expect(stored).toMatchObject({ tracker: 'wandb', envTool: 'uv', projectName: 'again' });
  });

  it('does not silently overwrite a file the user edited', async () => {
    const parent = tmpFolder();
    await runApp('edited').cd(parent);
    const root = path.join(parent, 'edited');
    writeFileSync(path.join(root, 'README.md'), 'my notes\n');
    await expect(runApp(undefined, { bail: true }).cd(root)).rejects.toThrow(/README\.md/);
    expect(readFileSync(path.join(root, 'README.md'), 'utf8')).toBe('my notes\n');
  });
});

describe('env tools install the same packages', () => {
  /** Distribution names a requirement list names (ranges dropped, `-r`/`-e` lines skipped). */
  const names = (specs: readonly unknown[]) =>
    specs
      .filter((spec): spec is string => typeof spec === 'string' && /^[A-Za-z]/.test(spec))
      .map((spec) => spec.split(/[<>=!~ []/)[0]!.toLowerCase())
      .filter((name) => name !== 'python' && name !== 'pip')
      .sort();

  const answerSets = [
    ...TRACKERS.map((tracker) => ({ tracker, dataVersioning: 'none', dataStorage: 'none', data: [] as string[] })),
    { tracker: 'mlflow', dataVersioning: 'dvc', dataStorage: 'azure', data: ['dvc', 'dvc-azure'] },
    { tracker: 'none', dataVersioning: 'none', dataStorage: 'gcs', data: ['fsspec', 'gcsfs'] },
  ];
  it.each(answerSets)('with --tracker $tracker --data-versioning $dataVersioning --data-storage $dataStorage, every env tool lists one runtime, dev, docs, notebook and team set', async ({ data, ...answers }) => {
    const sets: Record<string, { runtime: string[]; all: string[]; team: string[] }> = {};
    const liftedByPipenv = new Set<string>();
    for (const envTool of ENV_TOOLS) {
      const result = await runApp('same', { envTool, ...answers });
      const root = path.join(result.cwd, 'same');
      const pyproject = parseToml(readFileSync(path.join(root, 'pyproject.toml'), 'utf8')) as {
        project: { dependencies: string[]; 'optional-dependencies': { team: string[] } };
        'dependency-groups'?: Record<string, string[]>;
      };
      const runtime = names(pyproject.project.dependencies);
      // the optional `team` extra: in pyproject.toml for every tool, and in the tool's own file
      let team = names(pyproject.project['optional-dependencies'].team);
      expect(team).toContain('psycopg');
      let all: string[];
      if (envTool === 'venv') {
        const lines = (file: string) => readFileSync(path.join(root, file), 'utf8').split('\n');
        expect(names(lines('requirements.txt'))).toEqual(runtime);
        all = names(['requirements.txt', 'requirements-dev.txt', 'requirements-docs.txt', 'requirements-notebook.txt'].flatMap(lines));
        expect(names(lines('requirements-team.txt'))).toEqual(team);
      } else if (envTool === 'conda') {
        const environment = parseYaml(readFileSync(path.join(root, 'environment.yml'), 'utf8')) as {
          dependencies: Array<string | { pip: string[] }>;
        };
        const pip = environment.dependencies.find((entry): entry is { pip: string[] } => typeof entry === 'object');
        // a conda-forge package may be named differently (matplotlib-base): compare PyPI names
        all = names([...environment.dependencies, ...(pip?.pip ?? [])]).map((name) => (PYPI_NAME.get(name) ?? name).toLowerCase());
        const extra = parseYaml(readFileSync(path.join(root, 'environment-team.yml'), 'utf8')) as { dependencies: string[] };
        team = names(extra.dependencies).map((name) => (PYPI_NAME.get(name) ?? name).toLowerCase());
      } else if (envTool === 'pipenv') {
        const pipfile = parseToml(readFileSync(path.join(root, 'Pipfile'), 'utf8')) as Record<string, Record<string, unknown>>;
        // a package that includes a runtime one stands in its place in [packages] (mlflow for
        // mlflow-skinny, src/env-tools/pipenv.ts): the same packages installed, in one resolution
        const packages = Object.keys(pipfile.packages!);
        const lifted = CATALOGUE.filter((dependency) => dependency.includes && packages.includes(dependency.name));
        for (const dependency of lifted) liftedByPipenv.add(dependency.name);
        expect(names(packages.map((name) => lifted.find((dependency) => dependency.name === name)?.includes ?? name))).toEqual(runtime);
        // the project itself is a dev package (editable), not a dependency
        const devPackages = Object.keys(pipfile['dev-packages']!).filter((name) => name !== 'same');
        all = names(
          ['packages', 'docs', 'notebook']
            .flatMap((category) => Object.keys(pipfile[category]!))
            .concat(devPackages, lifted.map((dependency) => dependency.includes!)),
        );
        team = names(Object.keys(pipfile.team!));
      } else {
        const groups = pyproject['dependency-groups'] ?? {};
        expect(Object.keys(groups).sort()).toEqual(['dev', 'docs', 'notebook']);
        all = names([...pyproject.project.dependencies, ...Object.values(groups).flat()]);
      }
      sets[envTool] = { runtime, all: all.sort(), team };
      expect(all).toEqual(expect.arrayContaining(data));
    }
    for (const envTool of ENV_TOOLS) {
      // what pipenv lifted into [packages] its team category has no need to list again
      const expected = envTool === 'pipenv' ? { ...sets.venv!, team: sets.venv!.team.filter((name) => !liftedByPipenv.has(name)) } : sets.venv;
      expect(sets[envTool], envTool).toEqual(expected);
    }
  });
});

describe('pyproject.toml reads like a hand-kept one', () => {
  it.each([...ENV_TOOLS])('with --env-tool %s: one requirement per line, no line over 100 columns', async (envTool) => {
    const result = await runApp('tidy', { envTool, tracker: 'azureml' });
    const text = readFileSync(path.join(result.cwd, 'tidy', 'pyproject.toml'), 'utf8');
    const data = parseToml(text) as { project: { dependencies: string[] } };
    const block = /^dependencies = \[\n((?: {4}"[^"\n]+",\n)+)\]$/m.exec(text);
    expect(block?.[1]?.trimEnd().split('\n')).toEqual(data.project.dependencies.map((spec) => `    ${JSON.stringify(spec)},`));
    expect(text.split('\n').filter((line) => line.length > 100)).toEqual([]);
    expect(text).not.toMatch(/\[ "/);
  });
});
