#!/usr/bin/env node
/**
 * What each stand-in of the bundle (scripts/bundle/plugins.mjs, DEFERRED) saves: the bundle is
 * built once with every stand-in and once without each one, each variant into a package folder of
 * its own under bench/.work/stand-ins/ (its generators/ beside links to this checkout's templates,
 * schema and node_modules). Then, in rounds whose order rotates, every variant runs
 * `mlexp --help` and a generation (`demo --yes --skip-install --skip-git --python 3.11`, a fresh
 * folder each time). Prints a Markdown table of medians: wall time, and CPU time (user + system,
 * read by a preload at exit), which moves far less when other jobs load the machine.
 *
 *   npm run build && node bench/node/stand-ins.mjs [--runs 11] [--only chardet,iconv-lite] [--help-only]
 *
 * A stand-in saves what its "without" row costs more than the "every stand-in" row.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { bundle, ROOT } from '../../scripts/bundle/build.mjs';
import { DEFERRED } from '../../scripts/bundle/plugins.mjs';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '11' }, only: { type: 'string' }, 'help-only': { type: 'boolean', default: false } },
});
const RUNS = Number(values.runs);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`--runs ${values.runs}: give a whole number of runs, 1 or more`);
const ONLY = values.only ? values.only.split(',') : [...DEFERRED.keys()];
for (const name of ONLY) {
  if (!DEFERRED.has(name)) throw new Error(`--only ${name}: not a stand-in; use some of ${[...DEFERRED.keys()].join(', ')}`);
}

const WORK = path.join(ROOT, 'bench', '.work', 'stand-ins');
// Each process writes its CPU time (µs, user + system) to $STAND_IN_CPU_OUT when it exits.
const CPU_PRELOAD = `data:text/javascript,${encodeURIComponent(
  "import { writeFileSync } from 'node:fs'; process.on('exit', () => { const { user, system } = process.cpuUsage(); writeFileSync(process.env.STAND_IN_CPU_OUT, String(user + system)); });",
)}`;

/** A package folder holding a bundle built with `deferred`; returns its bin. */
async function variant(label, deferred) {
  const folder = path.join(WORK, label.replaceAll(/[^a-z0-9-]+/gi, '_'));
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  cpSync(path.join(ROOT, 'package.json'), path.join(folder, 'package.json'));
  for (const name of ['templates', 'schema', 'node_modules']) symlinkSync(path.join(ROOT, name), path.join(folder, name));
  await bundle({ outdir: path.join(folder, 'generators'), deferred });
  const bytes = readdirSync(path.join(folder, 'generators'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.js'))
    .reduce((sum, file) => sum + statSync(path.join(folder, 'generators', file)).size, 0);
  return { label, bin: path.join(folder, 'generators', 'cli.js'), bytes };
}

/** Run the bin once with `args` in `cwd`; return [wall s, CPU s]. */
function timeOnce(bin, args, cwd) {
  const out = path.join(cwd, '.cpu');
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--import', CPU_PRELOAD, bin, ...args], {
    cwd,
    env: { ...process.env, STAND_IN_CPU_OUT: out, GIT_CEILING_DIRECTORIES: cwd },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) throw new Error(`${bin} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return [wall, Number(readFileSync(out, 'utf8')) / 1e6];
}

const median = (xs) => {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const variants = [await variant('every stand-in', DEFERRED)];
for (const name of ONLY) {
  variants.push(await variant(`without ${name}`, new Map([...DEFERRED].filter(([key]) => key !== name))));
}
if (ONLY.length === DEFERRED.size) variants.push(await variant('no stand-in', new Map()));

const samples = new Map(variants.map(({ label }) => [label, { help: [], generate: [] }]));
const scratch = mkdtempSync(path.join(os.tmpdir(), 'mlexp-stand-ins-'));
const started = Date.now();
for (let round = 0; round < RUNS; round += 1) {
  // rotate the order, so that a slow spell of the machine hits every variant alike
  const order = variants.map((_, i) => variants[(i + round) % variants.length]);
  for (const { label, bin } of order) {
    const cwd = mkdtempSync(path.join(scratch, 'run-'));
    samples.get(label).help.push(timeOnce(bin, ['--help'], cwd));
    if (!values['help-only']) samples.get(label).generate.push(timeOnce(bin, ['demo', '--yes', '--skip-install', '--skip-git', '--python', '3.11'], cwd));
    rmSync(cwd, { recursive: true, force: true });
  }
  process.stderr.write(`round ${round + 1}/${RUNS}\n`);
}
rmSync(scratch, { recursive: true, force: true });

const ms = (s) => (Number.isNaN(s) ? '—' : `${Math.round(s * 1000)}`);
const signed = (s) => (Number.isNaN(s) ? '—' : `${s >= 0 ? '+' : '−'}${Math.abs(Math.round(s * 1000))}`);
const base = samples.get('every stand-in');
const medians = (runs) => [median(runs.map(([wall]) => wall)), median(runs.map(([, cpu]) => cpu))];
const [baseHelp, baseHelpCpu] = medians(base.help);
const [baseGen, baseGenCpu] = medians(base.generate);
console.log(`Node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}, ` +
  `${RUNS} rounds in ${Math.round((Date.now() - started) / 1000)} s. Medians in ms; Δ against "every stand-in".\n`);
console.log('| bundle | size (KiB) | --help wall | --help CPU | Δ CPU | generation wall | generation CPU | Δ CPU |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const { label, bytes } of variants) {
  const { help, generate } = samples.get(label);
  const [helpWall, helpCpu] = medians(help);
  const [genWall, genCpu] = medians(generate);
  const delta = (x, b) => (label === 'every stand-in' ? '—' : signed(x - b));
  console.log(`| ${label} | ${Math.round(bytes / 1024)} | ${ms(helpWall)} | ${ms(helpCpu)} | ${delta(helpCpu, baseHelpCpu)} | ` +
    `${ms(genWall)} | ${ms(genCpu)} | ${delta(genCpu, baseGenCpu)} |`);
}
