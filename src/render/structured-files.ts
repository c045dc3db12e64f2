/**
 * Files produced from data rather than templates (TOML, YAML, JSON), so that quoting and escaping
 * are right whatever the user typed: the env tool's files, pre-commit, CI, mkdocs.yml and the Dockerfile. (The example notebook
 * is a template written by nbformat itself: scripts/notebook.py.)
 */
import { stringify as toYaml } from 'yaml';
import { ciFiles } from './ci.js';
import { makefile } from './tasks.js';
import type { TemplateContext } from './context.js';
import { dockerfile } from './dockerfile.js';

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
          hook('hadolint', 'lint the Dockerfile', 'hadolint', { types: ['dockerfile'] }),
        ],
      },
    ],
  });
}

/** The pages of the docs site, in reading order: [title, file under docs/]. */
export const DOCS_PAGES: ReadonlyArray<[string, string]> = [
  ['Home', 'index.md'],
  ['Environment', 'environment.md'],
  ['Experiment tracking', 'experiment-tracking.md'],
  ['Evaluation', 'evaluation.md'],
  ['Operationalization', 'operationalization.md'],
  ['Container', 'container.md'],
  ['API reference', 'reference.md'],
];

/** The pages this project has: docs/data.md only with DVC or a data storage. */
export function docsPages(context: TemplateContext): ReadonlyArray<[string, string]> {
  if (!context.data.page) return DOCS_PAGES;
  const at = DOCS_PAGES.findIndex(([, file]) => file === 'experiment-tracking.md');
  return [...DOCS_PAGES.slice(0, at), ['Data', 'data.md'], ...DOCS_PAGES.slice(at)];
}

/**
 * MkDocs Material over docs/, with the package's API reference read from its docstrings by
 * mkdocstrings (griffe parses the source under src/: nothing is imported, so no runtime set is needed).
 */
function mkdocsConfig(context: TemplateContext): string {
  return toYaml({
    site_name: context.projectName,
    ...(context.description ? { site_description: context.description } : {}),
    theme: { name: 'material', features: ['navigation.sections', 'content.code.copy'] },
    nav: docsPages(context).map(([title, file]) => ({ [title]: file })),
    // a change to a docstring rebuilds `mkdocs serve`'s pages
    watch: ['src'],
    plugins: [
      'search',
      {
        mkdocstrings: {
          handlers: {
            python: {
              paths: ['src'],
              options: {
                docstring_style: 'google',
                show_submodules: true,
                show_source: false,
                members_order: 'source',
                show_root_heading: true,
              },
            },
          },
        },
      },
    ],
    markdown_extensions: ['admonition', 'tables', { toc: { permalink: true } }, 'pymdownx.superfences'],
  });
}

/** The files serialised from data (not templates), by project path: a template at the same path replaces one. */
export function structuredFiles(context: TemplateContext): Record<string, string> {
  return {
    ...context.env.files(context),
    ...ciFiles(context),
    '.pre-commit-config.yaml': preCommitConfig(),
    'mkdocs.yml': mkdocsConfig(context),
    Dockerfile: dockerfile(context),
    // the chosen Python, for every env tool: uv and pyenv (so Poetry and venv's python3.X) read it
    '.python-version': `${context.python}\n`,
    Makefile: makefile(context),
  };
}
