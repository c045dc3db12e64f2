#!/usr/bin/env node
/**
 * Bundle what the package runs: tsc compiles src/ into build/ (not published); esbuild turns
 * build/cli/main.js (the `mlexp` command) and every build/<generator>/index.js into entries in
 * generators/, with the code they share in generators/chunks/. `yo` finds the generators there as
 * generators/<name>/index.js; the package's bin, generators/cli.js, turns on Node's compile cache
 * (Node >= 22.1; a no-op on 20) and loads generators/cli/main.js.
 *
 * Why: unbundled, node spends most of a start finding and reading about 2,200 module files
 * (bench/README.md).
 *
 * What the bundles change besides the file count (scripts/bundle/plugins.mjs):
 * - libraries that read their own package.json beside their code get its fields inlined;
 * - packages that a generation never calls (npm's installer, the external editor's encoding
 *   tables, a registry client, a text-width measure, a package.json reader) are loaded on first
 *   use, not at start.
 * The licences of every bundled package go to generators/LICENSES.bundled.txt.
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { deferred, inlineOwnPackageJson, packageFolder, REQUIRE_BANNER } from './bundle/plugins.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BUILD = path.join(ROOT, 'build');
const OUTDIR = path.join(ROOT, 'generators');
const BIN = path.join(OUTDIR, 'cli.js');
const LICENCES = path.join(OUTDIR, 'LICENSES.bundled.txt');

/** The command's entry and every generator (`yo` finds them as generators/<name>/index.js). */
const GENERATORS = readdirSync(BUILD).filter((name) => existsSync(path.join(BUILD, name, 'index.js')));
const ENTRIES = Object.fromEntries([
  ['cli/main', path.join(BUILD, 'cli', 'main.js')],
  ...GENERATORS.map((name) => [`${name}/index`, path.join(BUILD, name, 'index.js')]),
]);

const BANNER = `// generator-mlexp, bundled by scripts/bundle.mjs. Licences: generators/LICENSES.bundled.txt\n${REQUIRE_BANNER}`;

const LICENCE_FILES = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'license', 'license.md', 'LICENCE', 'LICENSE-MIT'];

function readIfPresent(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** name@version, licence and licence text of every package that went into the bundle. */
function licences(metafile) {
  const folders = new Set(
    Object.keys(metafile.inputs)
      // file inputs only: the deferred shims are `deferred:<package> from <folder>`
      .filter((input) => input.startsWith('node_modules/'))
      .map((input) => packageFolder(path.resolve(ROOT, input))),
  );
  const sections = [...folders].sort().map((folder) => {
    const pkg = JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8'));
    const text = LICENCE_FILES.map((name) => readIfPresent(path.join(folder, name))).find(Boolean);
    return `## ${pkg.name}@${pkg.version} (${pkg.license ?? 'licence not declared'})\n\n${text?.trim() ?? '(no licence file in the package)'}\n`;
  });
  return `# Packages bundled into generators/\n\n${sections.join('\n')}`;
}

rmSync(OUTDIR, { recursive: true, force: true });
const result = await build({
  entryPoints: ENTRIES,
  outdir: OUTDIR,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.17',
  banner: { js: BANNER },
  define: { __dirname: 'import.meta.dirname', __filename: 'import.meta.filename' },
  keepNames: true,
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  plugins: [inlineOwnPackageJson({ all: true }), deferred],
});
writeFileSync(LICENCES, licences(result.metafile));

/** The bin: the compile cache must be on before the bundle is loaded, so it cannot be inside it. */
const LAUNCHER = `#!/usr/bin/env node
// generator-mlexp: the \`mlexp\` command (scripts/bundle.mjs). Node >= 22.1 keeps the compiled
// bundle in its compile cache (NODE_DISABLE_COMPILE_CACHE=1 turns that off); Node 20 has none.
import module from 'node:module';

module.enableCompileCache?.();
await import('./cli/main.js');
`;
writeFileSync(BIN, LAUNCHER);
