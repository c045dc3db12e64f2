/**
 * Template layers. A layer is a folder `<templates>/<generator>/<id>/` holding `layer.json` (its
 * manifest: a description, and the layers it `extends`, stacked before it) and `files/` (EJS
 * templates, every file in it contributed). Layers are stacked in order; a later layer's file
 * replaces an earlier one's at the same path. Team presets are more layers on top, from another
 * root folder.
 *
 * Which layer an option value adds is declared here, per generator and option: a value with no
 * entry, or whose layer folder is missing, is an error, and `null` declares a value that adds none.
 *
 * Template paths map to project paths by two rules: a `__package__` segment becomes the Python
 * package name, and a segment starting with `dot-` starts with `.` instead (npm drops dotfiles).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { BlockKind } from '../blocks/blocks.js';
import type { Answers } from '../options/answers.js';
import { PACKAGE_ROOT } from '../core/paths.js';

export interface Layer {
  /** Absolute folder holding the layer's templates. */
  root: string;
  /** Every template in `root`, relative and `/`-separated, sorted. */
  files: string[];
}

/** What `layer.json` holds. */
export interface LayerManifest {
  description: string;
  /** Layers of the same generator stacked before this one (tracker/databricks extends tracker/mlflow). */
  extends?: string[];
}

/** A layer id under `templates/<generator>/`, or null: the value adds no layer, on purpose. */
export type LayerId = string | null;

/**
 * The package's own `templates/` folder (next to `generators/` and `src/`). MLEXP_TEMPLATES points
 * elsewhere: the upgrade tests use it to stand in for a newer generator's templates.
 */
export const TEMPLATES_ROOT =
  process.env.MLEXP_TEMPLATES ?? path.join(PACKAGE_ROOT, 'templates');

/** The project generator's layered options, in stacking order (after `base`), and each value's layer. */
export const APP_LAYERS: {
  [K in 'structure' | 'envTool' | 'tracker' | 'license' | 'dataVersioning' | 'dataStorage']: Record<Answers[K], LayerId>;
} = {
  structure: { ccds: 'structure/ccds', generic: 'structure/generic' },
  envTool: { venv: 'envTool/venv', conda: 'envTool/conda', poetry: 'envTool/poetry', uv: 'envTool/uv', pipenv: 'envTool/pipenv' },
  tracker: {
    mlflow: 'tracker/mlflow',
    databricks: 'tracker/databricks',
    azureml: 'tracker/azureml',
    wandb: 'tracker/wandb',
    none: 'tracker/none',
  },
  license: { MIT: 'license/MIT', 'BSD-3-Clause': 'license/BSD-3-Clause', 'Apache-2.0': 'license/Apache-2.0', none: null },
  dataVersioning: { none: null, dvc: 'dataVersioning/dvc' },
  dataStorage: { none: null, local: 'dataStorage/sync', azure: 'dataStorage/sync', s3: 'dataStorage/sync', gcs: 'dataStorage/sync' },
};

/** Layers that an answer adds only beside other answers, each with the condition. */
const APP_LAYER_CONDITIONS: Readonly<Record<string, (answers: Answers) => boolean>> = {
  // the fsspec sync of data/ serves a storage without DVC; with DVC, the storage is DVC's remote
  'dataStorage/sync': (answers) => answers.dataVersioning === 'none',
};

const TASK_LAYERS: Record<string, LayerId> = { classification: 'task/classification', regression: 'task/regression' };

/** Each block sub-generator's layered options (its choice options), in stacking order, and each value's layer. */
export const BLOCK_LAYERS: Record<BlockKind, Record<string, Record<string, LayerId>>> = {
  dataset: { source: { csv: 'source/csv', parquet: 'source/parquet', sql: 'source/sql', custom: 'source/custom' } },
  model: { kind: { sklearn: 'kind/sklearn', pytorch: 'kind/pytorch', custom: 'kind/custom' }, task: TASK_LAYERS },
  evaluator: { task: TASK_LAYERS },
};

function declaredLayer(table: Record<string, LayerId>, option: string, value: string, generator: string): LayerId {
  const id = Object.hasOwn(table, value) ? table[value] : undefined;
  if (id === undefined) throw new Error(`${generator}: no layer is declared for --${option} ${value} (src/render/layers.ts)`);
  return id;
}

/** Layer ids for a project, base first (each layer's `extends` is added when loading). */
export function layerIdsFor(answers: Answers): string[] {
  const ids = Object.entries(APP_LAYERS).map(([key, table]) =>
    declaredLayer(table, key, String(answers[key as keyof typeof APP_LAYERS]), 'app'),
  );
  return ['base', ...ids.filter((id): id is string => id !== null && (APP_LAYER_CONDITIONS[id]?.(answers) ?? true))];
}

/** Layer ids for a block sub-generator, one per layered option, in declared order. */
export function layerIdsForBlock(kind: BlockKind, values: Record<string, string>): string[] {
  const ids = Object.entries(BLOCK_LAYERS[kind]).map(([option, table]) =>
    declaredLayer(table, option, values[option] ?? '', kind),
  );
  return ids.filter((id) => id !== null);
}

/** Every file below `root`, relative and `/`-separated, sorted. */
export function filesBelow(root: string, relative = ''): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(path.join(root, relative))) {
    const child = relative ? `${relative}/${entry}` : entry;
    if (statSync(path.join(root, child)).isDirectory()) files.push(...filesBelow(root, child));
    else files.push(child);
  }
  return files.sort();
}

/** Read and check a layer's manifest. */
export function readManifest(id: string, generatorRoot: string): LayerManifest {
  const manifestPath = path.join(generatorRoot, id, 'layer.json');
  if (!existsSync(manifestPath)) throw new Error(`${manifestPath} is missing: layer '${id}' is declared but has no folder`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
  const unknown = Object.keys(manifest).filter((key) => key !== 'description' && key !== 'extends');
  if (typeof manifest.description !== 'string' || unknown.length > 0) {
    throw new Error(`${manifestPath}: a layer manifest holds "description" and optionally "extends", nothing else`);
  }
  const parents = manifest.extends ?? [];
  if (!Array.isArray(parents) || !parents.every((parent) => typeof parent === 'string' && !parent.split('/').includes('..'))) {
    throw new Error(`${manifestPath}: "extends" must list layer ids of the same generator`);
  }
  return { description: manifest.description, extends: parents as string[] };
}

/** One layer: its `files/` folder and everything in it. */
export function loadLayer(id: string, generatorRoot: string): Layer {
  readManifest(id, generatorRoot);
  const root = path.join(generatorRoot, id, 'files');
  return { root, files: existsSync(root) ? filesBelow(root) : [] };
}

/** The layers for `ids`, each preceded by what it extends (recursively, each layer once), in order. */
export function loadLayers(ids: readonly string[], generatorRoot: string): Layer[] {
  const order: string[] = [];
  const visit = (id: string, from: readonly string[]) => {
    if (from.includes(id)) throw new Error(`${path.join(generatorRoot, id)}: layers extend each other in a cycle (${[...from, id].join(' → ')})`);
    if (order.includes(id)) return;
    for (const parent of readManifest(id, generatorRoot).extends ?? []) visit(parent, [...from, id]);
    order.push(id);
  };
  for (const id of ids) visit(id, []);
  return order.map((id) => loadLayer(id, generatorRoot));
}

/** Project-relative path of a template path (`__block__` names a sub-generator's new block). */
export function targetPath(templatePath: string, packageName: string, blockName = ''): string {
  return templatePath
    .split('/')
    .map((segment) =>
      segment === '__package__' ? packageName : segment.replace(/^dot-/, '.').replaceAll('__block__', blockName),
    )
    .join('/');
}

/** Stack layers: project path → absolute template file. Later layers win. */
export function resolveTemplates(layers: readonly Layer[], packageName: string, blockName = ''): Map<string, string> {
  const files = new Map<string, string>();
  for (const layer of layers) {
    for (const file of layer.files) {
      files.set(targetPath(file, packageName, blockName), path.join(layer.root, file));
    }
  }
  return files;
}
