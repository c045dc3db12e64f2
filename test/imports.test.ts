/**
 * The import graph of src/ has no cycle, counting type-only imports, re-exports and dynamic
 * `import()`: a cycle means two modules cannot be read (or moved) one without the other.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '..', 'src');

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    // a generator's spec beside it is a test, not part of the product's import graph
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [full] : [];
  });
}

/** Module (path relative to src/) → the src/ modules it imports, read by the TypeScript compiler. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const imports = importedFiles
      .map((imported) => imported.fileName)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => path.relative(SRC, path.resolve(path.dirname(file), specifier.replace(/\.js$/, '.ts'))));
    graph.set(path.relative(SRC, file), imports);
  }
  return graph;
}

/** Every cycle found by a depth-first walk, each as `a → b → a`; one per back edge. */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const cycles: string[] = [];
  const done = new Set<string>();
  const stack: string[] = [];
  const visit = (node: string) => {
    const at = stack.indexOf(node);
    if (at >= 0) {
      cycles.push([...stack.slice(at), node].join(' → '));
      return;
    }
    if (done.has(node)) return;
    stack.push(node);
    for (const next of graph.get(node) ?? []) visit(next);
    stack.pop();
    done.add(node);
  };
  for (const node of [...graph.keys()].sort()) visit(node);
  return cycles;
}

describe('the import graph of src/', () => {
  it('finds a cycle when there is one (type-only and dynamic imports included)', () => {
    expect(findCycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual(['a → b → c → a']);
    const text = "import type { A } from './a.js';\nexport * from './b.js';\nconst c = () => import('./c.js');";
    expect(ts.preProcessFile(text, true, true).importedFiles.map((each) => each.fileName)).toEqual(['./a.js', './b.js', './c.js']);
  });

  it('reads every module and only modules that exist', () => {
    const graph = importGraph();
    expect(graph.size).toBeGreaterThan(30);
    const missing = [...graph.values()].flat().filter((target) => !graph.has(target));
    expect(missing).toEqual([]);
  });

  it('has no cycle', () => {
    expect(findCycles(importGraph())).toEqual([]);
  });
});
