// Rewrite README.md's option table from the option model (run `npm run docs` after `npm run build`).
import { readFileSync, writeFileSync } from 'node:fs';
import { withOptionsTable } from '../generators/lib/options-table.js';

const file = new URL('../README.md', import.meta.url);
writeFileSync(file, withOptionsTable(readFileSync(file, 'utf8')));
