/**
 * The template context: the answers plus what is derived from them, computed in one place.
 */
import { ENV_TOOLS, type Structure } from '../options/values.js';
import { TRACKER_MODULES } from '../trackers/index.js';
import { distributionName, errorClassName } from '../options/names.js';
import { ENV_TOOL_MODULES, type EnvToolModule, type GroupUse } from '../env-tools/index.js';
import { OPTIONAL_GROUPS, type OptionalGroup, type RenderInputs } from '../options/catalogue.js';
import { taskTable } from './tasks.js';
import { dataFacts, type DataFacts } from './data-storage.js';
import { yamlScalar } from './yaml-scalar.js';

export interface StructureFacts {
  /** Where the raw data files live, relative to the project root. */
  dataDir: string;
  /** Folders the README's layout section describes (only those generated are listed). */
  folders: Record<string, string>;
}

const COMMON_FOLDERS: Record<string, string> = {
  configs: 'Experiment configs (YAML): one file per experiment, blocks chosen by name.',
  docs: 'Project documentation, built into a site by `mkdocs build` (mkdocs.yml), with the API reference.',
  notebooks: 'Exploration notebooks; outputs are stripped on commit.',
  tests: 'pytest suite: mocks, block contracts, evaluation, the example experiment.',
};

export const STRUCTURE_FACTS: Record<Structure, StructureFacts> = {
  ccds: {
    dataDir: 'data/raw',
    folders: {
      'data/raw': 'The original, immutable data.',
      'data/interim': 'Intermediate data that has been transformed.',
      'data/processed': 'The final data sets for modelling.',
      'data/external': 'Data from third-party sources.',
      models: 'Trained and serialised models, predictions, summaries.',
      references: 'Data dictionaries, manuals and other explanatory material.',
      'reports/figures': 'Generated graphics and figures for reports.',
      ...COMMON_FOLDERS,
    },
  },
  generic: {
    dataDir: 'data',
    folders: { data: 'Data files (not committed; see .gitignore).', ...COMMON_FOLDERS },
  },
};

export interface TemplateContext extends RenderInputs {
  distName: string;
  /** The package's base exception class, named after it (`churn_model` → `ChurnModelError`). */
  errorName: string;
  dataDir: string;
  trackerName: string;
  usesMlflow: boolean;
  env: EnvToolModule;
  /** Shell lines that create the environment, from the project root. */
  setup: string[];
  /** Prefix that runs a command inside the environment (`uv run `), empty when activated. */
  run: string;
  /** How the docs and notebook groups are installed and run with (`groups.docs.run || run`). */
  groups: Record<OptionalGroup, GroupUse>;
  /** The command that adds the optional `team` extra (a shared server, a PostgreSQL sweep storage). */
  installTeam: string;
  /** Whether commands are typed in the activated environment (else behind `run`, from the root). */
  activated: boolean;
  /** The env tool's phrases for the docs (src/env-tools/<tool>.ts, `docs`). */
  kernel: string;
  imageInstallsFrom: string;
  withoutMake: string;
  /** The env files each run records, as a Python tuple literal (reproducibility.py's LOCK_PATTERNS). */
  lockPatterns: string;
  /** The same, in prose for the docs: "`uv.lock`", "`Pipfile` or `Pipfile.lock`". */
  recordedFiles: string;
  /** Every env tool the generator offers, in prose ("venv, conda, … and pipenv"). */
  envTools: string;
  year: number;
  generatorVersion: string;
  /** Layout lines for the README, for the folders actually generated: [folder, description]. */
  layout: Array<[string, string]>;
  /** The Makefile's verbs for the README: [verb, summary, commands typed in the environment]. */
  tasks: Array<[string, string, string]>;
  /** DVC and the data storage: what docs/data.md, .dvc/config and sync.py say. */
  data: DataFacts;
  /** Names for one `from x import a, b` line, in the order ruff's isort wants (case-insensitive, numbers by value). */
  importNames: (...names: string[]) => string;
  /** A string as a YAML scalar, quoted where YAML 1.1 would read another type (`yes`, `007`). */
  yaml: (value: string) => string;
}

/** Strings as a Python tuple literal: `("a", "b")`, `("a",)`. */
const pythonTuple = (items: readonly string[]) =>
  `(${items.map((item) => JSON.stringify(item)).join(', ')}${items.length === 1 ? ',' : ''})`;

/** `a`, `a or b`, `a, b or c`. */
const orList = (items: readonly string[]) =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;

export function buildContext(answers: RenderInputs, generatorVersion: string, writtenPaths: readonly string[]): TemplateContext {
  const structure = STRUCTURE_FACTS[answers.structure];
  const env = ENV_TOOL_MODULES[answers.envTool];
  const written = new Set(writtenPaths.map((path) => path.split('/').slice(0, -1).join('/')));
  const hasFolder = (folder: string) => [...written].some((dir) => dir === folder || dir.startsWith(`${folder}/`));
  const layout = Object.entries(structure.folders).filter(([folder]) => hasFolder(folder));
  layout.push(
    [`src/${answers.packageName}`, "The project package: the experiment's seams, its building blocks (one folder per kind) and the runner (`experiment.py`)."],
    [`src/${answers.packageName}/plumbing`, 'What runs, records, loads and serves experiments: the CLI, config loading, sweeps, reproduce, compare, model packaging, reports.'],
  );
  layout.sort(([a], [b]) => a.localeCompare(b));
  return {
    ...answers,
    distName: distributionName(answers.projectName) ?? answers.packageName,
    errorName: errorClassName(answers.packageName),
    dataDir: structure.dataDir,
    trackerName: TRACKER_MODULES[answers.tracker].configName,
    usesMlflow: TRACKER_MODULES[answers.tracker].mlflowApi,
    env,
    setup: env.setup(answers),
    run: env.runPrefix,
    groups: Object.fromEntries(OPTIONAL_GROUPS.map((group) => [group, env.group(group)])) as Record<OptionalGroup, GroupUse>,
    installTeam: env.installTeam,
    activated: env.activate !== undefined,
    kernel: env.docs.kernel(answers),
    imageInstallsFrom: env.docs.imageInstallsFrom,
    withoutMake: env.docs.withoutMake(answers),
    lockPatterns: pythonTuple(env.recordedFiles),
    envTools: `${ENV_TOOLS.slice(0, -1).join(', ')} and ${ENV_TOOLS.at(-1)}`,
    recordedFiles: orList(env.recordedFiles.map((file) => `\`${file}\``)),
    year: new Date().getFullYear(),
    generatorVersion,
    layout,
    tasks: taskTable(answers),
    data: dataFacts(answers, distributionName(answers.projectName) ?? answers.packageName),
    importNames: (...names) =>
      [...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase(), 'en', { numeric: true })).join(', '),
    yaml: yamlScalar,
  };
}
