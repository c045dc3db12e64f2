/**
 * iconv-lite (half a megabyte of code tables), loaded on first use: only the external-editor
 * prompt decodes with it.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let iconv;
const load = () => (iconv ??= require('iconv-lite'));

export default new Proxy({}, { get: (_target, key) => Reflect.get(load(), key) });
