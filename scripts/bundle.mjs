#!/usr/bin/env node
/**
 * Bundle the `mlexp` command: generators/cli/main.js (built by tsc) and everything it imports
 * become one file, generators/cli.bundle.js. The package's bin, generators/cli.js, turns on
 * Node's compile cache (Node >= 22.1; a no-op on 20), then loads the bundle: from the second run
 * on, V8 does not parse the bundle again.
 *
 * Why: unbundled, node spends most of a start finding and reading about 2,200 module files
 * (bench/README.md). `yo mlexp` keeps using the unbundled generators in generators/<name>/index.js;
 * both run the same code.
 *
 * What the bundle changes besides the file count (scripts/bundle/plugins.mjs):
 * - libraries that read their own package.json beside their code get its fields inlined;
 * - packages that a generation never calls (npm's installer, the external editor's encoding
 *   tables, a registry client, a text-width measure, a package.json reader) are loaded on first
 *   use, not at start.
 * The licences of every bundled package go to generators/cli.bundle.js.LICENSES.txt.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { deferred, inlineOwnPackageJson, packageFolder } from './bundle/plugins.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = path.join(ROOT, 'generators', 'cli', 'main.js');
const OUTFILE = path.join(ROOT, 'generators', 'cli.bundle.js');
const BIN = path.join(ROOT, 'generators', 'cli.js');

/**
 * The bundled ES module still holds CommonJS code that calls `require` (for node's own modules);
 * `__dirname`/`__filename` come from import.meta (Node has had both since 20.11).
 */
const BANNER = [
  '// generator-mlexp: the `mlexp` command, bundled by scripts/bundle.mjs. Licences: cli.bundle.js.LICENSES.txt',
  "import { createRequire as __mlexpCreateRequire } from 'node:module';",
  'const require = __mlexpCreateRequire(import.meta.url);',
].join('\n');

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
  return `# Packages bundled into generators/cli.bundle.js\n\n${sections.join('\n')}`;
}

const result = await build({
  entryPoints: [ENTRY],
  outfile: OUTFILE,
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
writeFileSync(`${OUTFILE}.LICENSES.txt`, licences(result.metafile));

/** The bin: the compile cache must be on before the bundle is loaded, so it cannot be inside it. */
const LAUNCHER = `#!/usr/bin/env node
// generator-mlexp: the \`mlexp\` command (scripts/bundle.mjs). Node >= 22.1 keeps the compiled
// bundle in its compile cache (NODE_DISABLE_COMPILE_CACHE=1 turns that off); Node 20 has none.
import module from 'node:module';

module.enableCompileCache?.();
await import('./cli.bundle.js');
`;
writeFileSync(BIN, LAUNCHER);
