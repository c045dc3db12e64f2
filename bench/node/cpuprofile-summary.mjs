// Summarise a V8 .cpuprofile (from `node --cpu-prof`) as JSON on stdout: sampled milliseconds by
// where the sampled code lives. Node's own code and native functions (the module loader reading,
// resolving and compiling files, fs calls) form one group; JavaScript in node_modules is grouped
// per package; garbage collection and idle time are their own groups.
import { readFileSync } from 'node:fs';

const profile = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const totals = {};

function group({ url, functionName }) {
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(idle)') return 'idle (waiting on child processes, I/O)';
  if (url === '' || url.startsWith('node:')) return "node's module loader, fs and other built-ins";
  const match = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  return match ? match[1] : 'generator-mlexp (own code)';
}

profile.samples.forEach((id, index) => {
  const key = group(nodes.get(id).callFrame);
  totals[key] = (totals[key] ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000;
});
process.stdout.write(JSON.stringify(totals));
