// Preloaded with `node --import` into a command: when it exits, writes how many module files it
// loaded, per npm package, to $COUNT_MODULES_OUT as JSON. ES modules are seen through a loader
// hook (which runs on its own thread and reports back over a port); CommonJS ones through
// require's extension handler.
import { createRequire, register } from 'node:module';
import { writeFileSync } from 'node:fs';
import { MessageChannel } from 'node:worker_threads';

const loaded = new Set();
const { port1, port2 } = new MessageChannel();
port1.on('message', (url) => loaded.add(url));
port1.unref();

const hook = `
let port;
export function initialize(data) { port = data.port; }
export async function load(url, context, next) { port.postMessage(url); return next(url, context); }
`;
register(`data:text/javascript,${encodeURIComponent(hook)}`, { data: { port: port2 }, transferList: [port2] });

const Module = createRequire(import.meta.url)('node:module');
const loadJs = Module._extensions['.js'];
Module._extensions['.js'] = function countingLoader(module, filename) {
  loaded.add(`file://${filename}`);
  return loadJs.call(this, module, filename);
};

/** `node_modules/@scope/name/...` → `@scope/name`; files outside node_modules count as the project's own. */
function owner(url) {
  if (url.startsWith('node:')) return '(node built-ins)';
  const match = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  return match ? match[1] : '(generator-mlexp)';
}

process.on('exit', () => {
  const files = [...loaded].filter((url) => !url.startsWith('node:') && !url.startsWith('data:'));
  const perPackage = {};
  for (const url of files) perPackage[owner(url)] = (perPackage[owner(url)] ?? 0) + 1;
  writeFileSync(process.env.COUNT_MODULES_OUT, JSON.stringify({ files: files.length, perPackage }));
});
