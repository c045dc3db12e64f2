/**
 * The README's option table, rendered from the option model. `npm run docs` rewrites the block
 * between the markers; a unit test fails when the README and the model disagree.
 */
import { PRESET_HELP } from './resolve-answers.js';
import { ANSWER_OPTIONS, FLAG_OPTIONS } from './options.js';

export const TABLE_START = '<!-- options:start -->';
export const TABLE_END = '<!-- options:end -->';

export function optionsTable(): string {
  const rows = ANSWER_OPTIONS.map((option) => {
    const name = option.kind === 'text' && option.positional ? `\`<${option.flag}>\` (argument)` : `\`--${option.flag}\``;
    const values = option.kind === 'choice' ? option.choices.map((choice) => `\`${choice.value}\``).join(', ') : 'text';
    const fallback = option.kind === 'choice' ? (option.defaultHelp ?? `\`${option.default}\``) : option.defaultHelp;
    return `| ${name} | ${values} | ${fallback} | ${option.description} |`;
  });
  const flags = FLAG_OPTIONS.map((flag) => `| \`--${flag.flag}\` | flag | off | ${flag.description} |`);
  flags.push(`| \`--preset\` | npm spec | none | ${PRESET_HELP} |`);
  return ['| option | values | default | what it sets |', '|---|---|---|---|', ...rows, ...flags].join('\n');
}

/** `text` with the block between the markers replaced by the current table. */
export function withOptionsTable(text: string): string {
  const start = text.indexOf(TABLE_START);
  const end = text.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the ${TABLE_START} … ${TABLE_END} markers`);
  return `${text.slice(0, start + TABLE_START.length)}\n${optionsTable()}\n${text.slice(end)}`;
}
