import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLayer, targetPath, TEMPLATES_ROOT } from '../src/render/layers.js';

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

function filesBelow(root: string): string[] {
  const files: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder)) {
      const full = path.join(folder, entry);
      if (statSync(full).isDirectory()) walk(full);
      else files.push(path.relative(root, full).split(path.sep).join('/'));
    }
  };
  walk(root);
  return files.sort();
}

describe('template layers', () => {
  it.each(layerFolders())('%s/%s: the manifest lists exactly the files in files/', (generatorRoot, id) => {
    const layer = loadLayer(id, generatorRoot);
    expect([...layer.files].sort()).toEqual(filesBelow(layer.root));
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
