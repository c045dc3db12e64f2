/** The generator's own version, read once from package.json: recorded in every `.yo-rc.json`. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from './paths.js';

const packageJson = path.join(PACKAGE_ROOT, 'package.json');

export const GENERATOR_VERSION: string = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
