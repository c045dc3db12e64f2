// Rewrite what is derived from the option model (run `npm run docs`, which builds first):
// README.md's option table and the published preset schema.
import { writeFileSync, readFileSync } from 'node:fs';
import { withOptionsTable } from '../build/options/options-table.js';
import { presetSchema } from '../build/options/preset.js';

const readme = new URL('../README.md', import.meta.url);
writeFileSync(readme, withOptionsTable(readFileSync(readme, 'utf8')));
writeFileSync(new URL('../schema/mlexp-preset.schema.json', import.meta.url), `${JSON.stringify(presetSchema(), null, 2)}\n`);
