/**
 * Files produced from data rather than templates (TOML, YAML, JSON), so that quoting and escaping
 * are right whatever the user typed: the env tool's files, pre-commit and CI. (The example notebook
 * is a template written by nbformat itself: scripts/notebook.py.)
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

export function generatedFiles(context: TemplateContext): Record<string, string> {
  return {
    ...context.env.files(context),
    ...ciFiles(context),
    '.pre-commit-config.yaml': preCommitConfig(),
  };
}
