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
 * How: scripts/bundle/build.mjs and plugins.mjs. esbuild's metafile goes to
 * build/bundle.meta.json (not published), for test/bundle.test.ts.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundle, ROOT } from './bundle/build.mjs';

const metafile = await bundle();
writeFileSync(path.join(ROOT, 'build', 'bundle.meta.json'), JSON.stringify(metafile));
