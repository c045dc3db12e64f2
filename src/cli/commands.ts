/**
 * The commands `mlexp` (and `yo mlexp:<name>`) offer, with one line each: the source of the
 * sub-command list in `--help`, of `mlexp help`, and of the bin's dispatch.
 */
export const SUB_COMMANDS = {
  dataset: 'add a Dataset block: its module, test and config',
  model: 'add a Model block: its module, test and config',
  evaluator: 'add an Evaluator block: its module, test and config',
  upgrade: 're-render the project with this generator or changed answers, merged over your edits',
  preset: 'scaffold a team preset package (defaults, locked answers, templates)',
} as const;

export type SubCommand = keyof typeof SUB_COMMANDS;

/** The `Commands:` section of `--help`, spelt the way the given front end calls them. */
export function commandsHelp(via: 'mlexp' | 'yo'): string {
  const call = (name: string) => (via === 'mlexp' ? `mlexp ${name}` : `yo mlexp:${name}`);
  const rows: Array<[string, string]> = [
    [via === 'mlexp' ? 'mlexp <project-name>' : 'yo mlexp <project-name>', 'generate a new project (the options above)'],
    ...Object.entries(SUB_COMMANDS).map(([name, line]): [string, string] => [
      name === 'upgrade' ? call(name) : `${call(name)} <name>`,
      line,
    ]),
    [via === 'mlexp' ? 'mlexp help [command]' : `${call('<command>')} --help`, "this help, or a command's own"],
  ];
  const width = Math.max(...rows.map(([left]) => left.length));
  return ['Commands:', ...rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`)].join('\n');
}
