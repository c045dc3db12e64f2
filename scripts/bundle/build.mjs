/**
 * The bundle build behind scripts/bundle.mjs, as a function: `bundle()` writes what the package
 * runs into `<root>/generators/` (or another `outdir`, for the stand-in benchmark in
 * bench/node/stand-ins.mjs, which builds variants with some stand-ins left out).
 *
 * What the bundles change besides the file count (scripts/bundle/plugins.mjs):
 * - libraries that read their own package.json beside their code get its fields inlined;
 * - packages that a generation never calls are replaced by stand-ins (DEFERRED) that load them on
 *   first use;
 * - fdir's start-up probe for picomatch gets the picomatch already in the bundle.
 * The licences of every bundled package go to LICENSES.bundled.txt beside the bundle.
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { DEFERRED, deferredPlugin, inlineOptionalPeers, inlineOwnPackageJson, packageFolder, REQUIRE_BANNER } from './plugins.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const BANNER = `// generator-mlexp, bundled by scripts/bundle.mjs. Licences: generators/LICENSES.bundled.txt\n${REQUIRE_BANNER}`;

const LICENCE_FILES = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'license', 'license.md', 'LICENCE', 'LICENSE-MIT'];

/** The bin: the compile cache must be on before the bundle is loaded, so it cannot be inside it. */
const LAUNCHER = `#!/usr/bin/env node
// generator-mlexp: the \`mlexp\` command (scripts/bundle.mjs). Node >= 22.1 keeps the compiled
// bundle in its compile cache (NODE_DISABLE_COMPILE_CACHE=1 turns that off); Node 20 has none.
import module from 'node:module';

module.enableCompileCache?.();
await import('./cli/main.js');
`;

function readIfPresent(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** name@version, licence and licence text of every package that went into the bundle. */
function licences(root, metafile) {
  const folders = new Set(
    Object.keys(metafile.inputs)
      // file inputs only: the deferred shims are `deferred:<package> from <folder>`
      .filter((input) => input.startsWith('node_modules/'))
      .map((input) => packageFolder(path.resolve(root, input))),
  );
  const sections = [...folders].sort().map((folder) => {
    const pkg = JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8'));
    const text = LICENCE_FILES.map((name) => readIfPresent(path.join(folder, name))).find(Boolean);
    return `## ${pkg.name}@${pkg.version} (${pkg.license ?? 'licence not declared'})\n\n${text?.trim() ?? '(no licence file in the package)'}\n`;
  });
  return `# Packages bundled into generators/\n\n${sections.join('\n')}`;
}

/**
 * Bundle `<root>/build/cli/main.js` (the `mlexp` command) and every `<root>/build/<generator>/index.js`
 * into `outdir`, with the code they share in `outdir/chunks/`; write the bin `outdir/cli.js` and the
 * licences. `deferred` is the map of stand-ins to use (DEFERRED, or a part of it). Returns esbuild's
 * metafile.
 */
export async function bundle({ root = ROOT, outdir = path.join(root, 'generators'), deferred = DEFERRED } = {}) {
  const buildDir = path.join(root, 'build');
  const generators = readdirSync(buildDir).filter((name) => existsSync(path.join(buildDir, name, 'index.js')));
  const entryPoints = Object.fromEntries([
    ['cli/main', path.join(buildDir, 'cli', 'main.js')],
    ...generators.map((name) => [`${name}/index`, path.join(buildDir, name, 'index.js')]),
  ]);
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    entryPoints,
    outdir,
    absWorkingDir: root,
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
    plugins: [inlineOwnPackageJson({ all: true }), inlineOptionalPeers(), deferredPlugin(deferred)],
  });
  writeFileSync(path.join(outdir, 'LICENSES.bundled.txt'), licences(root, result.metafile));
  writeFileSync(path.join(outdir, 'cli.js'), LAUNCHER);
  return result.metafile;
}
