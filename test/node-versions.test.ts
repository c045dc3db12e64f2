/**
 * The Node versions users run. This machine's Node is 20; .ci/run installs the official Node 22
 * and 24 builds from the npm registry and lists them in MLEXP_NODE_BINARIES (colon-separated).
 * Each must write the same project as the Node running the tests, through the bundled `mlexp`
 * and through the unbundled tsc build (build/, dependencies from node_modules), and the bin must
 * turn on Node's compile cache.
 *
 * In CI (CI set, as .ci/run is run) the binaries are required: an empty list, a missing or
 * non-executable binary, or a list that is not exactly Node 22 and 24 fails. Elsewhere the
 * generation tests skip without the list, and say why.
 */
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, listFiles, ROOT, tmpFolder } from './helpers.js';

const BINARIES = (process.env.MLEXP_NODE_BINARIES ?? '').split(':').filter(Boolean);
/** CI is "set" unless empty or an explicit no. */
const IN_CI = /^(?!(0|false|no)$)./i.test(process.env.CI ?? '');
/** The majors CI must test with (.ci/run installs them), besides the Node running the tests. */
const CI_MAJORS = [22, 24];
const NOT_LISTED = 'MLEXP_NODE_BINARIES is not set: Node 22 and 24 are not tested here (.ci/run sets it)';
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

/** The major version `node --version` reports; fails, saying why, if `node` is no runnable Node. */
async function reportedMajor(node: string): Promise<number> {
  const problem = (() => {
    try {
      if (!statSync(node).isFile()) return 'is not a file';
      accessSync(node, constants.X_OK);
      return undefined;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'is not executable';
    }
  })();
  if (problem) expect.fail(`${node} (in MLEXP_NODE_BINARIES) ${problem}`);
  const result = await execa(node, ['--version'], { reject: false, stdin: 'ignore' });
  const major = Number(/^v(\d+)\.\d+\.\d+$/.exec(result.stdout.trim())?.[1]);
  if (!Number.isInteger(major)) {
    const printed = JSON.stringify(result.stdout || result.stderr);
    expect.fail(`${node} (in MLEXP_NODE_BINARIES) is no Node: --version exited ${result.exitCode}, ${printed}`);
  }
  return major;
}

describe('the Node binaries listed in MLEXP_NODE_BINARIES', () => {
  it(`are Node ${CI_MAJORS.join(' and ')}, each executable (required when CI is set)`, async (context) => {
    if (BINARIES.length === 0 && !IN_CI) {
      console.warn(`skipped: ${NOT_LISTED}`);
      context.skip(NOT_LISTED);
    }
    if (BINARIES.length === 0) expect.fail('CI is set but MLEXP_NODE_BINARIES is empty: .ci/run must install Node 22 and 24 and list them');
    const majors: number[] = [];
    for (const node of BINARIES) {
      const major = await reportedMajor(node);
      // .ci/run installs each into a folder named for its major (.cache/node-22/...)
      const named = /[\\/]node-(\d+)[\\/]/.exec(node)?.[1];
      if (named !== undefined) expect(major, `${node} is installed as Node ${named} but reports Node ${major}`).toBe(Number(named));
      majors.push(major);
    }
    if (IN_CI) {
      expect(
        [...majors].sort((a, b) => a - b),
        `MLEXP_NODE_BINARIES (${BINARIES.join(':')}) must be Node ${CI_MAJORS.join(' and ')}, one binary each`,
      ).toEqual(CI_MAJORS);
    }
  });
});

describe.skipIf(BINARIES.length === 0)('other Node versions (MLEXP_NODE_BINARIES, set by .ci/run)', () => {
  let reference: Record<string, string>;
  beforeAll(async () => {
    reference = (await generate(process.execPath, CLI)).tree;
    expect(Object.keys(reference).length).toBeGreaterThan(50);
  });

  for (const node of BINARIES) {
    it(`${node}: the bundled mlexp writes the same project and caches its compiled code`, async () => {
      const major = await reportedMajor(node);
      const { tree, compileCache } = await generate(node, CLI);
      expect(tree).toEqual(reference);
      expect(compileCache, `Node ${major} should${major >= 22 ? '' : ' not'} keep a compile cache`).toBe(major >= 22);
    });

    it(`${node}: the unbundled tsc build writes the same project`, async () => {
      expect((await generate(node, UNBUNDLED)).tree).toEqual(reference);
    });
  }
});
