/**
 * Template layers. A layer is a folder `<templates>/<id>/` holding `layer.json` (its manifest:
 * a description and the files it contributes) and `files/` (EJS templates). Layers are stacked in
 * order; a later layer's file replaces an earlier one's at the same path. Team presets are more
 * layers on top, from another root folder.
 *
 * Template paths map to project paths by two rules: a `__package__` segment becomes the Python
 * package name, and a segment starting with `dot-` starts with `.` instead (npm drops dotfiles).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Answers, AnswerKey } from '../options/options.js';
import { PACKAGE_ROOT } from '../core/paths.js';

export interface LayerManifest {
  description: string;
  files: string[];
}

export interface Layer extends LayerManifest {
  id: string;
  /** Absolute folder holding the layer's `files/`. */
  root: string;
}

/**
 * The package's own `templates/` folder (next to `generators/` and `src/`). MLEXP_TEMPLATES points
 * elsewhere: the upgrade tests use it to stand in for a newer generator's templates.
 */
export const TEMPLATES_ROOT =
  process.env.MLEXP_TEMPLATES ?? path.join(PACKAGE_ROOT, 'templates');

/** Options whose value picks a layer, and values that need more than `<option>/<value>`. */
const LAYERED_OPTIONS: ReadonlyArray<{ key: AnswerKey; folder: string }> = [
  { key: 'structure', folder: 'structure' },
  { key: 'envTool', folder: 'env' },
  { key: 'tracker', folder: 'tracker' },
  { key: 'ci', folder: 'ci' },
  { key: 'license', folder: 'license' },
];
const EXTRA_LAYERS: Record<string, string[]> = {
  'tracker/databricks': ['tracker/mlflow'],
  'tracker/azureml': ['tracker/mlflow'],
};

/** Layer ids for a project, base first; only layers that exist on disk under `root`. */
export function layerIdsFor(answers: Answers, generator = 'app', root = TEMPLATES_ROOT): string[] {
  const ids = ['base'];
  for (const { key, folder } of LAYERED_OPTIONS) {
    const id = `${folder}/${String(answers[key])}`;
    ids.push(...(EXTRA_LAYERS[id] ?? []), id);
  }
  return ids.filter((id) => existsSync(path.join(root, generator, id, 'layer.json')));
}

export function loadLayer(id: string, generatorRoot: string): Layer {
  const folder = path.join(generatorRoot, id);
  const manifestPath = path.join(folder, 'layer.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Partial<LayerManifest>;
  if (typeof manifest.description !== 'string' || !Array.isArray(manifest.files)) {
    throw new Error(`${manifestPath}: a layer manifest needs "description" and "files"`);
  }
  for (const file of manifest.files) {
    if (typeof file !== 'string' || path.isAbsolute(file) || file.split('/').includes('..')) {
      throw new Error(`${manifestPath}: file '${String(file)}' must be a relative path inside the layer`);
    }
  }
  return { id, root: path.join(folder, 'files'), description: manifest.description, files: manifest.files };
}

/** Layer ids for a block sub-generator: `base`, then `<option>/<value>` for each option. */
export function layerIdsForBlock(kind: string, values: Record<string, string>, root = TEMPLATES_ROOT): string[] {
  const ids = ['base', ...Object.entries(values).map(([flag, value]) => `${flag}/${value}`)];
  return ids.filter((id) => existsSync(path.join(root, kind, id, 'layer.json')));
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
