/**
 * Files produced from data rather than templates (TOML, YAML, JSON), so that quoting and escaping
 * are right whatever the user typed: the env tool's files, pre-commit, CI and the example notebook.
 */
import { stringify as toYaml } from 'yaml';
import { ciFiles } from './ci.js';
import type { TemplateContext } from './context.js';

/**
 * pre-commit hooks run the tools installed in the project's own environment (`repo: local`), so
 * the hook versions are the catalogue's and a commit needs no network.
 */
function preCommitConfig(): string {
  const hook = (id: string, name: string, entry: string, extra: Record<string, unknown> = {}) => ({
    id,
    name,
    entry,
    language: 'system',
    ...extra,
  });
  const python = { types_or: ['python', 'pyi', 'jupyter'], require_serial: true };
  return toYaml({
    repos: [
      {
        repo: 'local',
        hooks: [
          hook('nbstripout', 'strip notebook outputs', 'nbstripout', { types: ['jupyter'] }),
          hook('ruff-check', 'ruff check', 'ruff check --fix --force-exclude', python),
          hook('ruff-format', 'ruff format', 'ruff format --force-exclude', python),
          hook('check-added-large-files', 'refuse large files', 'check-added-large-files --maxkb=1000'),
          hook('detect-private-key', 'refuse private keys', 'detect-private-key', { types: ['text'] }),
          hook('check-yaml', 'check YAML', 'check-yaml', { types: ['yaml'] }),
          hook('check-toml', 'check TOML', 'check-toml', { types: ['toml'] }),
        ],
      },
    ],
  });
}

type Cell = { cell_type: 'markdown' | 'code'; source: string[] };

function notebookJson(cells: Cell[]): string {
  const lines = (text: string[]) => text.map((line, index) => (index < text.length - 1 ? `${line}\n` : line));
  const notebook = {
    cells: cells.map((cell, index) => ({
      cell_type: cell.cell_type,
      id: `cell-${index + 1}`,
      metadata: {},
      source: lines(cell.source),
      ...(cell.cell_type === 'code' ? { execution_count: null, outputs: [] } : {}),
    })),
    metadata: {
      kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' },
      language_info: { name: 'python' },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return `${JSON.stringify(notebook, null, 1)}\n`;
}

function exampleNotebook(context: TemplateContext): string {
  const pkg = context.packageName;
  return notebookJson([
    {
      cell_type: 'markdown',
      source: [
        '# Example experiment',
        '',
        'Runs `configs/experiment.yaml` with the local tracker (no service needed), then looks at',
        'the per-sample predictions for error analysis. Outputs are stripped on commit.',
      ],
    },
    {
      cell_type: 'code',
      source: [
        'from io import BytesIO',
        '',
        'import pandas as pd',
        '',
        `from ${pkg}.config import load_config`,
        `from ${pkg}.experiment import run_experiment`,
        `from ${pkg}.paths import project_root`,
        `from ${pkg}.registry import TRACKERS`,
        '',
        'config = load_config(project_root() / "configs" / "experiment.yaml", ["tracker.name=local"])',
        'tracker = TRACKERS.build("local")',
        'result = run_experiment(config, tracker=tracker)',
        '{name: round(value, 4) for name, value in result.metrics.items() if name.startswith("test/")}',
      ],
    },
    {
      cell_type: 'code',
      source: [
        'predictions = pd.read_csv(BytesIO(tracker.read_artifact(result.run_id, "predictions.csv")))',
        'predictions[predictions["correct"] == 0].head()',
      ],
    },
  ]);
}

export function generatedFiles(context: TemplateContext): Record<string, string> {
  return {
    ...context.env.files(context),
    ...ciFiles(context),
    '.pre-commit-config.yaml': preCommitConfig(),
    'notebooks/01-example-experiment.ipynb': exampleNotebook(context),
  };
}
