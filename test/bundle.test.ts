/**
 * The bundled `mlexp` command (scripts/bundle.mjs): the packages it defers behave as the real
 * ones, the deferral really defers, and the inlined package.json fields are the installed ones.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, ROOT } from './helpers.js';
// @ts-expect-error: plain JavaScript build script, no declarations
import { DEFERRED, deferred, OWN_PACKAGE_JSON_READS, REQUIRE_BANNER } from '../scripts/bundle/plugins.mjs';

const require = createRequire(import.meta.url);
// Inside the repository, so that what a probe leaves to node_modules resolves as in the package.
const scratch = (() => {
  const parent = path.join(ROOT, 'node_modules', '.cache');
  mkdirSync(parent, { recursive: true });
  return mkdtempSync(path.join(parent, 'bundle-probe-'));
})();
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Bundle `source` (imports as a library writes them) through the deferral plugin; return the file. */
async function bundleProbe(name: string, source: string): Promise<string> {
  const entry = path.join(scratch, `${name}.entry.mjs`);
  const outfile = path.join(scratch, `${name}.bundle.mjs`);
  writeFileSync(entry, source);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    banner: { js: REQUIRE_BANNER },
    logLevel: 'silent',
    plugins: [deferred],
  });
  return outfile;
}

/** The real Arborist, loaded by node from node_modules: what the shim must construct. */
const RealArborist = require('@npmcli/arborist') as new (options: { path: string }) => { path: string };

/**
 * For each deferred package: how its importer uses it, and the same call on the real package.
 * `view`, if given, is applied to both results before they are compared (for values such as class
 * instances, which toEqual would call equal when only their own fields match).
 */
const PROBES: Record<string, { source: string; real: () => Promise<unknown>; view?: (value: unknown) => unknown }> = {
  'string-width': {
    source: "import stringWidth from 'string-width';\nexport const run = () => [stringWidth('古池や'), stringWidth('abc')];\n",
    real: async () => {
      const { default: stringWidth } = (await import('string-width')) as { default: (text: string) => number };
      return [stringWidth('古池や'), stringWidth('abc')];
    },
  },
  'latest-version': {
    // offline: both must fail the same way against a registry that refuses the connection
    source:
      "import latestVersion from 'latest-version';\nexport const run = () => latestVersion('yeoman-generator', { registryUrl: 'http://127.0.0.1:9/' }).then(String, (error) => error.name);\n",
    real: async () => {
      const { default: latestVersion } = (await import('latest-version')) as {
        default: (name: string, options: { registryUrl: string }) => Promise<string>;
      };
      return latestVersion('yeoman-generator', { registryUrl: 'http://127.0.0.1:9/' }).then(String, (error: Error) => error.name);
    },
  },
  '@npmcli/arborist': {
    source: `import Arborist from '@npmcli/arborist';\nexport const run = () => new Arborist({ path: ${JSON.stringify(ROOT)} });\n`,
    real: async () => new RealArborist({ path: ROOT }),
    // the very class node loads from node_modules (not a look-alike), built with the same options
    view: (arborist) => {
      const built = arborist as { path: string; constructor: unknown };
      return {
        realClass: arborist instanceof RealArborist && built.constructor === RealArborist,
        path: built.path,
        fields: Object.keys(built).sort(),
      };
    },
  },
};

describe('mlexp bundle: deferred packages', () => {
  it('has a probe for every deferred package', () => {
    expect(Object.keys(PROBES).sort()).toEqual([...(DEFERRED as Map<string, unknown>).keys()].sort());
  });

  for (const [name, probe] of Object.entries(PROBES)) {
    it(`${name}: the shim gives what the package gives`, async () => {
      const file = await bundleProbe(name.replace('/', '-'), probe.source);
      // esbuild heads each bundled module with a `// node_modules/<package>/...` comment
      const inBundle = readFileSync(file, 'utf8').includes(`// node_modules/${name}/`);
      expect(inBundle, `${name} in the bundle`).toBe((DEFERRED as Map<string, { bundled: boolean }>).get(name)!.bundled);
      const { run } = (await import(pathToFileURL(file).href)) as { run: () => unknown };
      const view = probe.view ?? ((value: unknown) => value);
      const [shimmed, real] = [view(await run()), view(await probe.real())];
      expect(real, 'the real package gave nothing to compare with').toBeTruthy();
      expect(shimmed).toEqual(real);
    });
  }

  it('packages loaded from node_modules on first use are not in the bundle', async () => {
    const file = await bundleProbe('arborist-absent', "import Arborist from '@npmcli/arborist';\nexport default Arborist;\n");
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('@npmcli/arborist');
    expect(text).not.toContain('node_modules/@npmcli/arborist/lib');
  });

  it('latest-version is a chunk of its own in generators/, which only its stand-in imports, by import()', () => {
    type Output = { inputs: Record<string, unknown>; imports: Array<{ path: string; kind: string }> };
    const { outputs } = JSON.parse(readFileSync(path.join(ROOT, 'build', 'bundle.meta.json'), 'utf8')) as { outputs: Record<string, Output> };
    const holding = Object.keys(outputs).filter((file) => Object.keys(outputs[file]!.inputs).some((input) => input.includes('node_modules/latest-version/')));
    expect(holding).toHaveLength(1);
    const importers = Object.values(outputs).flatMap((output) => output.imports.filter((entry) => entry.path === holding[0]));
    expect(importers.map((entry) => entry.kind)).toEqual(['dynamic-import']);
  });

  it('a package kept in the bundle is evaluated on first call, not at load', async () => {
    const file = await bundleProbe('string-width-lazy', PROBES['string-width']!.source);
    // string-width builds an Intl.Segmenter when it is evaluated: count the ones built
    const script = `
      let built = 0;
      const Original = Intl.Segmenter;
      Intl.Segmenter = class extends Original { constructor(...args) { super(...args); built += 1; } };
      const { run } = await import(${JSON.stringify(pathToFileURL(file).href)});
      const atLoad = built;
      run();
      console.log(JSON.stringify([atLoad, built]));
    `;
    const { stdout } = await execa('node', ['--input-type=module', '-e', script]);
    const [atLoad, afterCall] = JSON.parse(stdout) as [number, number];
    expect(atLoad).toBe(0);
    expect(afterCall).toBeGreaterThan(0);
  });
});

describe('mlexp bundle: generators/', () => {
  const GENERATORS = path.dirname(CLI);
  // every bundled file (entries and shared chunks), as one text
  const bundle = readdirSync(GENERATORS, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.js'))
    .map((file) => readFileSync(path.join(GENERATORS, file), 'utf8'))
    .join('\n');

  it('reads no library package.json from beside the bundle; the installed versions are inlined', () => {
    // (booleans, so that a failure does not print 2.7 MB of bundle)
    expect(bundle.includes('../package.json')).toBe(false);
    expect(bundle.includes('PROJECT_ROOT,"package.json"')).toBe(false);
    const files = (OWN_PACKAGE_JSON_READS as Array<{ file: string }>).map(({ file }) => file.split('/dist/')[0]!);
    for (const name of new Set(files)) {
      const { version } = JSON.parse(readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
      expect(bundle.includes(`"${version}"`), `${name} ${version} inlined`).toBe(true);
    }
  });

  it('ships the licence of every bundled package', () => {
    const licences = readFileSync(path.join(GENERATORS, 'LICENSES.bundled.txt'), 'utf8');
    for (const name of ['yeoman-environment', 'yeoman-generator', 'ejs', 'yaml', 'smol-toml', 'commander']) {
      expect(licences).toMatch(new RegExp(`^## ${name}@\\d`, 'm'));
    }
    // loaded from node_modules on first use, so not bundled
    expect(licences).not.toMatch(/^## @npmcli\/arborist@/m);
  });
});

