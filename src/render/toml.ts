/**
 * TOML the generated projects hold (pyproject.toml): written from data by smol-toml, laid out by
 * dprint's TOML formatter, so that a long array such as `dependencies` takes one line per item,
 * as a hand-kept pyproject.toml does.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createFromBuffer, type Formatter } from '@dprint/formatter';
import { stringify } from 'smol-toml';

/** As wide as ruff's line length in the generated projects; four-space indents, as uv and Poetry write. */
const LAYOUT = { lineWidth: 100, indentWidth: 4 };

let formatter: Formatter | undefined;

/** The formatter, compiled on first use. Its Wasm file is resolved from here, in the tsc build and in the bundle alike. */
function tomlFormatter(): Formatter {
  if (!formatter) {
    const wasm = createRequire(import.meta.url).resolve('@dprint/toml/plugin.wasm');
    formatter = createFromBuffer(readFileSync(wasm));
    formatter.setConfig({}, LAYOUT);
  }
  return formatter;
}

/** `data` as TOML in the generated projects' layout. */
export function toToml(data: Record<string, unknown>): string {
  return tomlFormatter().formatText({ filePath: 'pyproject.toml', fileText: stringify(data) });
}
