import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { BLOCK_KINDS } from '../src/blocks/blocks.js';
import { ANSWER_OPTIONS, type Answers } from '../src/options/options.js';
import {
  APP_LAYERS,
  BLOCK_LAYERS,
  layerIdsFor,
  layerIdsForBlock,
  loadLayer,
  loadLayers,
  readManifest,
  targetPath,
  TEMPLATES_ROOT,
} from '../src/render/layers.js';

/** Every layer folder (one holding layer.json) under templates/<generator>/. */
function layerFolders(): Array<[string, string]> {
  const found: Array<[string, string]> = [];
  const walk = (generatorRoot: string, relative: string) => {
    const folder = path.join(generatorRoot, relative);
    const entries = readdirSync(folder);
    if (entries.includes('layer.json')) {
      found.push([generatorRoot, relative]);
      return;
    }
    for (const entry of entries) if (statSync(path.join(folder, entry)).isDirectory()) walk(generatorRoot, path.join(relative, entry));
  };
  for (const generator of readdirSync(TEMPLATES_ROOT)) walk(path.join(TEMPLATES_ROOT, generator), '');
  return found;
}

/** Every layer id some declaration or `extends` names, per generator. */
function declaredLayers(): Map<string, Set<string>> {
  const declared = new Map<string, Set<string>>([['app', new Set(['base'])], ['preset', new Set(['base'])]]);
  const add = (generator: string, id: string | null) => {
    if (id !== null) declared.set(generator, (declared.get(generator) ?? new Set()).add(id));
  };
  for (const table of Object.values(APP_LAYERS)) for (const id of Object.values(table)) add('app', id);
  for (const [kind, options] of Object.entries(BLOCK_LAYERS)) {
    for (const table of Object.values(options)) for (const id of Object.values(table)) add(kind, id);
  }
  return declared;
}

describe('template layers', () => {
  it('declares a layer (or null) for every value of every layered option, and each declared layer loads', () => {
    for (const option of ANSWER_OPTIONS) {
      if (option.kind !== 'choice' || !(option.key in APP_LAYERS)) continue;
      const table = APP_LAYERS[option.key as keyof typeof APP_LAYERS] as Record<string, string | null>;
      expect(Object.keys(table).sort(), option.key).toEqual(option.choices.map((choice) => choice.value).sort());
      for (const id of Object.values(table)) if (id !== null) expect(loadLayer(id, path.join(TEMPLATES_ROOT, 'app')).files.length, id).toBeGreaterThan(0);
    }
    for (const [kind, spec] of Object.entries(BLOCK_KINDS)) {
      const layered = BLOCK_LAYERS[kind as keyof typeof BLOCK_LAYERS];
      expect(Object.keys(layered).sort(), kind).toEqual(spec.options.filter((option) => option.values).map((option) => option.flag).sort());
      for (const option of spec.options.filter((each) => each.values)) {
        expect(Object.keys(layered[option.flag]!).sort(), `${kind} --${option.flag}`).toEqual([...option.values!].sort());
      }
      for (const table of Object.values(layered)) {
        for (const id of Object.values(table)) if (id !== null) expect(loadLayer(id, path.join(TEMPLATES_ROOT, kind)).files.length, id).toBeGreaterThan(0);
      }
    }
  });

  it('every layer folder on disk is declared, every "extends" names one, and the folders are named after their option', () => {
    const declared = declaredLayers();
    for (const [generatorRoot, id] of layerFolders()) {
      const generator = path.basename(generatorRoot);
      expect(declared.get(generator)?.has(id), `${generator}/${id} is a layer folder no option value declares`).toBe(true);
      for (const parent of readManifest(id, generatorRoot).extends ?? []) expect(declared.get(generator)?.has(parent), `${id} extends ${parent}`).toBe(true);
    }
    for (const key of Object.keys(APP_LAYERS)) expect(ANSWER_OPTIONS.some((option) => option.key === key), key).toBe(true);
    for (const table of Object.values(APP_LAYERS)) for (const id of Object.values(table)) if (id !== null) expect(Object.keys(APP_LAYERS)).toContain(id.split('/')[0]);
  });

  it('stacks a layer after what it extends: databricks and azureml come on top of the MLflow layer', () => {
    const answers = { structure: 'ccds', envTool: 'uv', tracker: 'databricks', license: 'none', dataVersioning: 'none', dataStorage: 'none' } as Answers;
    expect(layerIdsFor(answers)).toEqual(['base', 'structure/ccds', 'envTool/uv', 'tracker/databricks']);
    // a storage adds the sync layer only without DVC (with DVC, the storage is DVC's remote)
    expect(layerIdsFor({ ...answers, dataStorage: 'azure' }).slice(4)).toEqual(['dataStorage/sync']);
    expect(layerIdsFor({ ...answers, dataStorage: 'azure', dataVersioning: 'dvc' }).slice(4)).toEqual(['dataVersioning/dvc']);
    const roots = loadLayers(layerIdsFor(answers), path.join(TEMPLATES_ROOT, 'app')).map((layer) => path.relative(TEMPLATES_ROOT, layer.root));
    expect(roots).toEqual(['app/base/files', 'app/structure/ccds/files', 'app/envTool/uv/files', 'app/tracker/mlflow/files', 'app/tracker/databricks/files']);
    expect(layerIdsForBlock('model', { kind: 'pytorch', task: 'regression' })).toEqual(['kind/pytorch', 'task/regression']);
  });

  it('fails loudly on an undeclared value, a declared layer with no folder, a stale manifest and a cycle', () => {
    const answers = { structure: 'ccds', envTool: 'pixi', tracker: 'none', license: 'MIT', dataVersioning: 'none', dataStorage: 'none' } as unknown as Answers;
    expect(() => layerIdsFor(answers)).toThrow('app: no layer is declared for --envTool pixi');
    expect(() => layerIdsForBlock('dataset', { source: '../model/kind/custom' })).toThrow('dataset: no layer is declared for --source ../model/kind/custom');
    const root = mkdtempSync(path.join(tmpdir(), 'mlexp-layers-'));
    expect(() => loadLayers(['missing'], root)).toThrow("layer 'missing' is declared but has no folder");
    const layer = (id: string, manifest: object) => {
      mkdirSync(path.join(root, id, 'files'), { recursive: true });
      writeFileSync(path.join(root, id, 'layer.json'), JSON.stringify(manifest));
    };
    layer('stale', { description: 'x', files: ['a.txt'] });
    expect(() => loadLayers(['stale'], root)).toThrow('a layer manifest holds "description" and optionally "extends", nothing else');
    layer('a', { description: 'a', extends: ['b'] });
    layer('b', { description: 'b', extends: ['a'] });
    expect(() => loadLayers(['a'], root)).toThrow('layers extend each other in a cycle (a → b → a)');
  });

  // a placeholder glued to a name (`def tes<%- packageName %>_…`, left by a search-and-replace)
  // makes a test pytest never collects, or a function named after the user's package
  it('no template glues the package name onto another identifier, and every test function is collected', () => {
    const glued: string[] = [];
    for (const [generatorRoot, id] of layerFolders()) {
      const layer = loadLayer(id, generatorRoot);
      for (const file of layer.files.filter((each) => each.endsWith('.py'))) {
        const text = readFileSync(path.join(layer.root, file), 'utf8');
        const where = `${path.relative(TEMPLATES_ROOT, layer.root)}/${file}`;
        if (/[A-Za-z0-9_]<%[-=] *(packageName|name)\b/.test(text.replace(/(from|import) <%- packageName %>/g, ''))) glued.push(`${where}: a placeholder glued onto a name`);
        if (file.split('/').at(-1)!.startsWith('test_')) {
          for (const match of text.matchAll(/^def (\w*)/gm)) {
            if (match[1]!.startsWith('tes') && !match[1]!.startsWith('test_')) glued.push(`${where}: def ${match[1]} is not collected by pytest`);
          }
        }
      }
    }
    expect(glued).toEqual([]);
  });

  it('maps __package__ and dot- segments to project paths', () => {
    expect(targetPath('src/__package__/dot-env/dot-gitkeep', 'churn')).toBe('src/churn/.env/.gitkeep');
    expect(targetPath('tests/test_dot-notation.py', 'x')).toBe('tests/test_dot-notation.py');
  });
});
