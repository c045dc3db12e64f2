/** chardet, loaded on first use: only the external-editor prompt detects encodings with it. */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function detect(buffer) {
  return require('chardet').detect(buffer);
}
