/** The generator's own version, read once from package.json: recorded in every `.yo-rc.json`. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const packageJson = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../package.json');

export const GENERATOR_VERSION: string = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
