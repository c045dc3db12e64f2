/**
 * The esbuild plugins behind scripts/bundle.mjs, in a module of their own so that the tests can
 * bundle through them too (test/bundle.test.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DEFERRED_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'deferred');

/**
 * Banner lines for an ES module bundle: the CommonJS code inside still calls `require` (for node's
 * own modules). `__dirname`/`__filename` are defined from import.meta (Node >= 20.11) instead.
 */
export const REQUIRE_BANNER = [
  "import { createRequire as __mlexpCreateRequire } from 'node:module';",
  'const require = __mlexpCreateRequire(import.meta.url);',
].join('\n');

/**
 * Packages that a generation never calls and that cost a start more than a few milliseconds, each
 * replaced by a module of the same shape in deferred/ that loads the real one on first use
 * (bench/node/stand-ins.mjs measures what each saves; bench/README.md has the figures).
 * `bundled`: the real package stays in the bundle and is evaluated on first use; otherwise it is
 * loaded from node_modules on first use, the bundle does not hold it at all, and it must be a
 * dependency in package.json.
 */
export const DEFERRED = new Map([
  ['@npmcli/arborist', { shim: 'npmcli-arborist.mjs', bundled: false }],
  ['latest-version', { shim: 'latest-version.mjs', bundled: true }],
  ['string-width', { shim: 'string-width.mjs', bundled: true }],
]);

/** Reads of a library's own package.json, replaced by the fields they use. */
export const OWN_PACKAGE_JSON_READS = [
  { file: 'yeoman-environment/dist/environment-base.js', read: "require('../package.json')" },
  {
    file: 'yeoman-environment/dist/module-lookup.js',
    read: "JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json')).toString())",
  },
  {
    file: 'yeoman-generator/dist/generator.js',
    read: "JSON.parse(readFileSync(pathJoin(_dirname, '../package.json'), 'utf8'))",
  },
];

/** The package folder (holding package.json) of a file below node_modules. */
export function packageFolder(file) {
  const parts = file.split(path.sep);
  const at = parts.lastIndexOf('node_modules');
  const depth = parts[at + 1]?.startsWith('@') ? 3 : 2;
  return parts.slice(0, at + depth).join(path.sep);
}

function escapeRegExp(text) {
  return text.replace(/[/\\^$.*+?()[\]{}|-]/g, '\\$&');
}

/**
 * Each import of a package in `map` (DEFERRED or a part of it) becomes its shim, loaded as if it
 * sat in the importer's folder: a package kept in the bundle is the copy the importer would have
 * got. One loaded from node_modules is resolved at first use from the bundle's folder, so it must
 * be a dependency of generator-mlexp (package.json; test/bundle.test.ts checks it is).
 */
export function deferredPlugin(map = DEFERRED) {
  return {
    name: 'deferred',
    setup(build) {
      if (map.size === 0) return;
      const filter = new RegExp(`^(${[...map.keys()].map(escapeRegExp).join('|')})$`);
      build.onResolve({ filter }, (args) => {
        if (args.namespace === 'deferred') {
          return map.get(args.path).bundled ? undefined : { path: args.path, external: true };
        }
        return {
          path: `${args.path} from ${args.resolveDir}`,
          namespace: 'deferred',
          pluginData: { name: args.path, resolveDir: args.resolveDir },
        };
      });
      build.onLoad({ filter: /.*/, namespace: 'deferred' }, ({ pluginData: { name, resolveDir } }) => ({
        contents: readFileSync(path.join(DEFERRED_DIR, map.get(name).shim), 'utf8'),
        resolveDir,
        loader: 'js',
      }));
    },
  };
}

/** The plugin with every stand-in of DEFERRED. */
export const deferred = deferredPlugin(DEFERRED);

/**
 * Optional peers that a bundled library probes for at start with its own `require` (which, in
 * the bundle, would look in node_modules beside generators/): the probe gets the copy the library
 * would resolve from its own folder, bundled like any import. fdir (under tinyglobby) probes for
 * picomatch, which tinyglobby itself imports, so the bundle already holds it.
 */
export const OPTIONAL_PEER_PROBES = [
  {
    file: 'fdir/dist/index.mjs',
    probe: '__require.resolve("picomatch");\n\tpm = __require("picomatch");',
    replacement: 'pm = __mlexpOptionalPeer;',
    peer: 'picomatch',
  },
];

/** Rewrites each OPTIONAL_PEER_PROBES probe into an import; fails the build if a probe is not found once. */
export function inlineOptionalPeers() {
  return {
    name: 'inline-optional-peers',
    setup(build) {
      build.onLoad({ filter: /[\\/]node_modules[\\/].*\.m?js$/ }, (args) => {
        const probe = OPTIONAL_PEER_PROBES.find(({ file }) => args.path.endsWith(path.join('node_modules', file)));
        if (!probe) return undefined;
        const source = readFileSync(args.path, 'utf8');
        if (source.split(probe.probe).length !== 2) {
          throw new Error(`${probe.file} no longer probes for ${probe.peer} as \`${probe.probe}\`: update scripts/bundle/plugins.mjs`);
        }
        const contents = `import __mlexpOptionalPeer from ${JSON.stringify(probe.peer)};\n${source.replace(probe.probe, probe.replacement)}`;
        return { contents, loader: 'js', resolveDir: path.dirname(args.path) };
      });
    },
  };
}

/**
 * Libraries that read their own package.json beside their code get its name and version inlined:
 * the bundle does not sit beside their package.json. A library update that moves such a read
 * fails the build rather than the command; with `all`, so does a read that is no longer bundled.
 */
export function inlineOwnPackageJson({ all = false } = {}) {
  return {
    name: 'inline-own-package-json',
    setup(build) {
      const seen = new Set();
      build.onLoad({ filter: /[\\/]node_modules[\\/].*\.js$/ }, (args) => {
        const read = OWN_PACKAGE_JSON_READS.find(({ file }) => args.path.endsWith(path.join('node_modules', file)));
        if (!read) return undefined;
        const source = readFileSync(args.path, 'utf8');
        if (source.split(read.read).length !== 2) {
          throw new Error(`${read.file} no longer reads its package.json as \`${read.read}\`: update scripts/bundle/plugins.mjs`);
        }
        const { name, version } = JSON.parse(readFileSync(path.join(packageFolder(args.path), 'package.json'), 'utf8'));
        seen.add(read.file);
        return { contents: source.replace(read.read, `(${JSON.stringify({ name, version })})`), loader: 'js' };
      });
      build.onEnd((result) => {
        if (!all || result.errors.length > 0) return;
        const missing = OWN_PACKAGE_JSON_READS.filter(({ file }) => !seen.has(file)).map(({ file }) => file);
        if (missing.length > 0) throw new Error(`not bundled any more, drop from scripts/bundle/plugins.mjs: ${missing.join(', ')}`);
      });
    },
  };
}
