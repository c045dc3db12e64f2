/**
 * The bundled `mlexp` command (scripts/bundle.mjs): the packages it defers behave as the real
 * ones, the deferral really defers, the inlined package.json fields are the installed ones, and
 * every package the bundle loads from node_modules is a declared dependency (and nothing else is).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { execa } from 'execa';
import semver from 'semver';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, ROOT } from './helpers.js';
// @ts-expect-error: plain JavaScript build script, no declarations
import { DEFERRED, deferred, OPTIONAL_PEER_PROBES, OWN_PACKAGE_JSON_READS, REQUIRE_BANNER } from '../scripts/bundle/plugins.mjs';

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

/**
 * The module names that `code` loads by a literal name: static imports and re-exports, `import()`,
 * and calls of a require function (esbuild's `__require`, what `createRequire(...)` returned, or
 * `createRequire(...)` itself) and of its `.resolve`. A string that only holds code (ajv keeps
 * `'require("ajv/dist/runtime/equal")'` for its standalone output) is not a call, so it is not counted.
 */
function literalLoads(code: string): string[] {
  const source = ts.createSourceFile('bundle.js', code, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const requireNames = new Set<string>();
  const isCreateRequireCall = (node: ts.Node): boolean =>
    ts.isCallExpression(node) && ts.isIdentifier(node.expression) && /createRequire/i.test(node.expression.text);
  const isRequire = (node: ts.Node): boolean =>
    (ts.isIdentifier(node) && (/^_*require\d*$/.test(node.text) || requireNames.has(node.text))) || isCreateRequireCall(node);
  const bindings = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && isCreateRequireCall(node.initializer)) {
      requireNames.add(node.name.text);
    }
    ts.forEachChild(node, bindings);
  };
  bindings(source);
  const loads: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      loads.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.arguments[0] && ts.isStringLiteralLike(node.arguments[0])) {
      const callee = node.expression;
      const byRequire =
        callee.kind === ts.SyntaxKind.ImportKeyword ||
        isRequire(callee) ||
        (ts.isPropertyAccessExpression(callee) && callee.name.text === 'resolve' && isRequire(callee.expression));
      if (byRequire) loads.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return loads;
}

/**
 * Names the bundle looks up that are not packages it loads, each with why. A name here must still
 * be found in the bundle (so that the list does not outlive its reason).
 */
const LOOKED_UP_ELSEWHERE: Record<string, string> = {
  npm: "@pnpm/npm-conf (under fly-import) looks for the npm CLI in node's global folders only, to read npm's built-in npmrc, and carries on without it",
};

/** `@scope/name/deep/file` → `@scope/name`; `name/file` → `name`. */
const packageOf = (specifier: string): string => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

describe('mlexp bundle: what it loads from node_modules', () => {
  const GENERATORS = path.dirname(CLI);
  const files = readdirSync(GENERATORS, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.js'));
  /** package → the bundled files that load it by name */
  const loaded = new Map<string, Set<string>>();
  for (const file of files) {
    for (const specifier of literalLoads(readFileSync(path.join(GENERATORS, file), 'utf8'))) {
      if (/^(\.|\/|[a-z]+:)/.test(specifier) || isBuiltin(specifier)) continue;
      const name = packageOf(specifier);
      loaded.set(name, (loaded.get(name) ?? new Set()).add(file));
    }
  }
  type Manifest = { dependencies?: Record<string, string>; devDependencies?: Record<string, string>; optionalDependencies?: Record<string, string>; peerDependencies?: Record<string, string> };
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;
  const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, Manifest & { version?: string; name?: string; dev?: boolean }>;
  };
  const dependencies = manifest.dependencies ?? {};

  it('finds loads by name in a bundle: imports, import(), require aliases and .resolve, not code in strings', () => {
    const code = [
      'import a from "pkg-a"; export * from "@scope/pkg-b/deep"; import "node:fs";',
      'import { createRequire as createRequire3 } from "node:module"; var require4 = createRequire3(import.meta.url);',
      'require4("pkg-c"); __require2.resolve("pkg-d"); createRequire(import.meta.url).resolve("pkg-e/plugin.wasm");',
      'await import("pkg-f"); equal.code = \'require("pkg-g").default\'; require_src(); load(name); requirements("pkg-h");',
    ].join('\n');
    expect(literalLoads(code).map(packageOf).sort()).toEqual(['@scope/pkg-b', 'node:fs', 'node:module', 'pkg-a', 'pkg-c', 'pkg-d', 'pkg-e', 'pkg-f']);
  });

  it('every package loaded from node_modules is a declared dependency', () => {
    for (const name of Object.keys(LOOKED_UP_ELSEWHERE)) expect(loaded.has(name), `${name} is no longer looked up: drop it from LOOKED_UP_ELSEWHERE`).toBe(true);
    const undeclared = [...loaded.keys()].filter((name) => !Object.hasOwn(dependencies, name) && !Object.hasOwn(LOOKED_UP_ELSEWHERE, name));
    const where = undeclared.map((name) => `${name} (in ${[...loaded.get(name)!].join(', ')})`);
    expect(where, 'loaded by generators/ but not in package.json "dependencies": add them, or bundle them').toEqual([]);
  });

  it('every dependency is loaded by the bundle (what is bundled is a devDependency)', () => {
    const unused = Object.keys(dependencies).filter((name) => !loaded.has(name));
    expect(unused, 'in "dependencies" but never loaded from node_modules by generators/: move them to "devDependencies"').toEqual([]);
    expect(Object.keys(manifest.optionalDependencies ?? {}), 'no optional dependencies: a load must not depend on them').toEqual([]);
    expect(Object.keys(manifest.peerDependencies ?? {}), 'no peer dependencies').toEqual([]);
  });

  it('each dependency range holds the locked version, and the lock file records package.json', () => {
    const root = lock.packages[''];
    expect(root?.dependencies, 'package-lock.json is stale: run npm install').toEqual(dependencies);
    expect(root?.devDependencies, 'package-lock.json is stale: run npm install').toEqual(manifest.devDependencies);
    for (const [name, range] of Object.entries(dependencies)) {
      const locked = lock.packages[`node_modules/${name}`];
      expect(locked?.dev, `${name} is locked as a devDependency`).toBeFalsy();
      expect(semver.satisfies(locked?.version ?? '', range), `${name}@${locked?.version} does not satisfy ${range}`).toBe(true);
    }
  });

  it('each dependency that a bundled library loads satisfies that library\'s own range', () => {
    // a bundled library gets the copy found from generators/: the one package.json names
    const bundled = new Set(
      [...readFileSync(path.join(GENERATORS, 'LICENSES.bundled.txt'), 'utf8').matchAll(/^## (.+@\d[^ ]*) /gm)].map((match) => match[1]!),
    );
    const checked: string[] = [];
    for (const [key, entry] of Object.entries(lock.packages)) {
      const name = entry.name ?? key.split('node_modules/').at(-1)!;
      if (!key || !bundled.has(`${name}@${entry.version}`)) continue;
      for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies'] as const) {
        for (const [dependency, wanted] of Object.entries(entry[field] ?? {})) {
          if (!Object.hasOwn(dependencies, dependency)) continue;
          checked.push(`${name} → ${dependency}`);
          expect(semver.subset(dependencies[dependency]!, wanted), `${name} wants ${dependency}@${wanted}; package.json has ${dependencies[dependency]}`).toBe(true);
        }
      }
    }
    // the deferred packages loaded from node_modules are each some bundled library's dependency
    for (const [name, { bundled: inBundle }] of DEFERRED as Map<string, { bundled: boolean }>) {
      if (!inBundle) expect(checked.some((pair) => pair.endsWith(`→ ${name}`)), `${name}: no bundled library asks for it`).toBe(true);
    }
  });

  it('no optional peer is probed for in node_modules: the probes get the bundled copy', () => {
    for (const { peer } of OPTIONAL_PEER_PROBES as Array<{ peer: string }>) {
      expect(loaded.has(peer), `${peer} is still loaded from node_modules`).toBe(false);
    }
  });
});
