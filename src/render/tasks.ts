/**
 * The project's day-one verbs (ccds's `make` targets where they apply), each a list of commands
 * run inside the environment. One list renders both the generated `Makefile` (commands behind the
 * env tool's runner, e.g. `uv run ` or `.venv/bin/`) and the README's table for those without
 * make (commands as typed in the project's environment).
 */
import { checks, docsCommands } from './ci.js';
import { ENV_TOOL_MODULES } from '../env-tools/index.js';
import type { Answers } from '../options/options.js';

/** A `make VAR=value` setting that becomes a command-line flag when given. */
interface TaskVariable {
  name: string;
  flag: string;
  placeholder: string;
}

export interface Task {
  name: string;
  /** One line for `make help` and the README. */
  summary: string;
  /** Commands in order, each behind the runner given to `tasks`. */
  commands: string[];
  /** Settings appended to the last command when given (`make sweep TRIALS=5`). */
  variables?: TaskVariable[];
}

/**
 * The verbs, with `run` before every command that runs inside the environment and `install` as
 * the commands that create or update it. `help` is the Makefile's own and not listed here.
 */
export function tasks(answers: Answers, run: string, install: string[]): Task[] {
  const cli = `${run}python -m ${answers.packageName}`;
  const lint = checks(answers, run).filter((check) => check.verb === 'lint');
  const test = checks(answers, run).filter((check) => check.verb === 'test');
  return [
    {
      name: 'requirements',
      summary: `Create or update the ${answers.envTool} environment with the declared dependencies`,
      commands: install,
    },
    { name: 'lint', summary: 'Run the checks CI runs: ruff, mypy, hadolint, notebooks without outputs', commands: lint.map((check) => check.run) },
    { name: 'format', summary: 'Fix what ruff can fix, then format the code', commands: [`${run}ruff check --fix .`, `${run}ruff format .`] },
    { name: 'test', summary: 'Run the test suite (pytest)', commands: test.map((check) => check.run) },
    { name: 'docs', summary: 'Build the docs site into site/ (mkdocs build --strict, as CI does)', commands: docsCommands(answers, run) },
    {
      name: 'data',
      summary: answers.dataVersioning === 'dvc'
        ? "Write the example dataset if missing, describe it and track it with DVC (dvc add)"
        : "Write the example dataset if missing and describe the config's data",
      commands: [`${cli} data`],
    },
    { name: 'train', summary: 'Run the example experiment once, tracked (configs/experiment.yaml)', commands: [`${cli} run`] },
    {
      name: 'sweep',
      summary: 'Run the Optuna sweep in configs/sweeps/default.yaml (TRIALS=n, WORKERS=n)',
      commands: [`${cli} sweep`],
      variables: [
        { name: 'TRIALS', flag: '--trials', placeholder: 'N' },
        { name: 'WORKERS', flag: '--workers', placeholder: 'N' },
      ],
    },
    { name: 'serve', summary: "Open the tracker's UI on the experiment (Ctrl-C stops it), or say where it is", commands: [`${cli} ui`] },
    ...syncTasks(answers, run, cli),
  ];
}

/** ccds's `sync_data_up` / `sync_data_down`: DVC's push and pull, or sync.py without DVC. */
function syncTasks(answers: Answers, run: string, cli: string): Task[] {
  if (answers.dataStorage === 'none') return [];
  const dvc = answers.dataVersioning === 'dvc';
  return [
    {
      name: 'sync_data_up',
      summary: dvc ? "Push the DVC-tracked data to the project's remote (dvc push)" : 'Upload data/ to the data storage',
      commands: [dvc ? `${run}dvc push` : `${cli} sync up`],
    },
    {
      name: 'sync_data_down',
      summary: dvc ? "Pull the data this commit's .dvc files name (dvc pull)" : 'Download data/ from the data storage',
      commands: [dvc ? `${run}dvc pull` : `${cli} sync down`],
    },
  ];
}

/** The generated Makefile: `make` alone lists the targets (the `## ` comments). */
export function makefile(answers: Answers): string {
  const env = ENV_TOOL_MODULES[answers.envTool];
  const list = tasks(answers, env.runner(answers), env.requirements(answers));
  const names = ['help', ...list.map((task) => task.name)];
  const lines = [
    `# Day-one tasks for ${answers.projectName}; \`make\` lists them. Each runs inside the ${answers.envTool}`,
    '# environment; the README lists the same commands for shells without make.',
    '.DEFAULT_GOAL := help',
    `.PHONY: ${names.join(' ')}`,
    '',
    'help: ## List the targets',
    "\t@grep -E '^[a-z_]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = \":.*## \"}; {printf \"  %-13s %s\\n\", $$1, $$2}'",
  ];
  for (const task of list) {
    // make reads `$` itself: a shell's `$` is written `$$`, then the variables make expands are added
    const commands = task.commands.map((command) => command.replaceAll('$', '$$$$'));
    const flags = (task.variables ?? []).map((variable) => `$(if $(${variable.name}),${variable.flag} $(${variable.name}))`);
    if (flags.length > 0) commands[commands.length - 1] = `${commands.at(-1)} ${flags.join(' ')}`;
    lines.push('', `${task.name}: ## ${task.summary}`, ...commands.map((command) => `\t${command}`));
  }
  return `${lines.join('\n')}\n`;
}

/** README rows: [verb, summary, commands as typed in the project's environment]. */
export function taskTable(answers: Answers): Array<[string, string, string]> {
  const env = ENV_TOOL_MODULES[answers.envTool];
  return tasks(answers, env.runPrefix, [env.installCommand]).map((task) => {
    const flags = (task.variables ?? []).map((variable) => `[${variable.flag} ${variable.placeholder}]`);
    const commands = [...task.commands];
    if (flags.length > 0) commands[commands.length - 1] = `${commands.at(-1)} ${flags.join(' ')}`;
    return [task.name, task.summary, commands.join(' && ')];
  });
}
