/**
 * The Node versions users run. This machine's Node is 20; .ci/run installs the official Node 22
 * and 24 builds from the npm registry and lists them in MLEXP_NODE_BINARIES (colon-separated).
 * Each must write the same project as the Node running the tests, through the bundled `mlexp`
 * and through the unbundled tsc build (build/, dependencies from node_modules), and the bin must
 * turn on Node's compile cache.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, listFiles, ROOT, tmpFolder } from './helpers.js';

const BINARIES = (process.env.MLEXP_NODE_BINARIES ?? '').split(':').filter(Boolean);
const ARGS = ['demo', '--yes', '--skip-install', '--python', '3.11'];
const UNBUNDLED = path.join(ROOT, 'build', 'cli', 'main.js');

function snapshot(root: string): Record<string, string> {
  return Object.fromEntries(listFiles(root).map((file) => [file, readFileSync(path.join(root, file), 'utf8')]));
}

/** Generate with `node` running `script`; TMPDIR is a fresh folder, where Node keeps its compile cache. */
async function generate(node: string, script: string) {
  const cwd = tmpFolder();
  const tmp = tmpFolder('mlexp-tmpdir-');
  const result = await execa(node, [script, ...ARGS], { cwd, reject: false, stdin: 'ignore', env: { TMPDIR: tmp } });
  expect(result.exitCode, `${node} ${script}: ${result.stderr}`).toBe(0);
  return { tree: snapshot(path.join(cwd, 'demo')), compileCache: existsSync(path.join(tmp, 'node-compile-cache')) };
}

describe.skipIf(BINARIES.length === 0)('other Node versions (MLEXP_NODE_BINARIES, set by .ci/run)', () => {
  let reference: Record<string, string>;
  beforeAll(async () => {
    reference = (await generate(process.execPath, CLI)).tree;
    expect(Object.keys(reference).length).toBeGreaterThan(50);
  });

  for (const node of BINARIES) {
    it(`${node}: the bundled mlexp writes the same project and caches its compiled code`, async () => {
      const { stdout: version } = await execa(node, ['--version']);
      const major = Number(/^v(\d+)/.exec(version)?.[1]);
      const { tree, compileCache } = await generate(node, CLI);
      expect(tree).toEqual(reference);
      expect(compileCache, `${version} should keep a compile cache`).toBe(major >= 22);
    });

    it(`${node}: the unbundled tsc build writes the same project`, async () => {
      expect((await generate(node, UNBUNDLED)).tree).toEqual(reference);
    });
  }
});
