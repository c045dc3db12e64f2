// Render a project with this preset and check that its files and answers arrived.
// MLEXP_CLI points at another generator-mlexp build (default: the installed devDependency).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const preset = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli =
  process.env.MLEXP_CLI ??
  path.join(path.dirname(createRequire(import.meta.url).resolve('generator-mlexp/package.json')), 'generators', 'cli.js');

const folder = mkdtempSync(path.join(tmpdir(), 'preset-check-'));
execFileSync(process.execPath, [cli, 'demo', '--yes', '--skip-install', '--skip-git', '--preset', preset], {
  cwd: folder,
  stdio: ['ignore', 'ignore', 'inherit'],
});
const project = path.join(folder, 'demo');

function files(root, relative = '') {
  return readdirSync(path.join(root, relative)).flatMap((entry) => {
    const child = relative ? `${relative}/${entry}` : entry;
    return statSync(path.join(root, child)).isDirectory() ? files(root, child) : [child];
  });
}

const problems = [];
const templates = path.join(preset, 'templates', 'app');
const expected = existsSync(templates) ? files(templates) : [];
for (const file of expected) {
  const target = file
    .split('/')
    .map((part) => (part === '__package__' ? 'demo' : part.replace(/^dot-/, '.')))
    .join('/');
  if (!existsSync(path.join(project, target))) problems.push(`missing ${target}`);
}
const manifest = JSON.parse(readFileSync(path.join(preset, 'mlexp-preset.json'), 'utf8'));
const stored = JSON.parse(readFileSync(path.join(project, '.yo-rc.json'), 'utf8'))['generator-mlexp'];
for (const [key, value] of Object.entries({ ...manifest.defaults, ...manifest.locked })) {
  if (stored[key] !== value) problems.push(`${key} is ${stored[key]}, the preset says ${value}`);
}
if (problems.length) {
  console.error(`preset check failed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`preset check: ${expected.length} files and ${Object.keys(stored).length} answers as the preset says`);
