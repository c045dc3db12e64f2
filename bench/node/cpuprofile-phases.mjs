// Summarise a V8 .cpuprofile of a generation (from `node --cpu-prof`) by phase, as JSON on stdout:
// sampled milliseconds per phase. A sample belongs to the first phase (in the order below) whose
// function is on its stack; the bundle keeps function names (esbuild keepNames), so the
// generator's own task names can be used. Samples in none of them are "other".
import { readFileSync } from 'node:fs';

const PHASES = [
  ['garbage collection', ['(garbage collector)']],
  ['idle (waiting on I/O, child processes)', ['(idle)']],
  ['compiling the bundle (V8 parse)', ['compileSourceTextModule']],
  ['evaluating modules', ['evaluate']],
  ['git init, add, commit', ['initialCommit']],
  ['writing files to disk', ['commitGeneration']],
  ['rendering templates in memory', ['writing']],
  ['answers: options, defaults, git identity', ['prompting', 'initializing', 'configuring']],
];

const profile = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

const totals = {};
profile.samples.forEach((id, index) => {
  const names = new Set();
  for (let current = id; current !== undefined; current = parent.get(current)) names.add(nodes.get(current).callFrame.functionName);
  const phase = PHASES.find(([, markers]) => markers.some((marker) => names.has(marker)))?.[0] ?? 'other (start-up, option parsing, Yeoman run loop)';
  totals[phase] = (totals[phase] ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000;
});
process.stdout.write(JSON.stringify(totals));
