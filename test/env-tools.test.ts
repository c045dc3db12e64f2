/**
 * Adding an env tool is its value in ENV_TOOLS, one module in src/env-tools/ and one template
 * folder: these tests fail when any part is missing for some value, or a module leaves a field
 * unanswered, or no e2e file installs a project with it.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../src/options/catalogue.js';
import { ENV_TOOL_MODULES, type EnvToolModule } from '../src/env-tools/index.js';
import { APP_LAYERS, loadLayer, TEMPLATES_ROOT } from '../src/render/layers.js';
import { choiceValues, type Answers } from '../src/options/options.js';
import { ENV_TOOLS, type EnvTool } from '../src/options/values.js';
import { ROOT } from './helpers.js';

const answers = (envTool: EnvTool): Answers => ({
  projectName: 'Churn Model',
  packageName: 'churn_model',
  description: 'Experiments.',
  authorName: '',
  authorEmail: '',
  python: '3.12',
  envTool,
  tracker: 'mlflow',
  structure: 'ccds',
  license: 'MIT',
  ci: 'github',
  dataVersioning: 'none',
  dataStorage: 'none',
});

/** The fields every module must answer (the optional ones: activate, lockFile, fastInstall). */
const REQUIRED: ReadonlyArray<keyof EnvToolModule> = [
  'id', 'label', 'files', 'editors', 'recordedFiles', 'install', 'needsPython', 'setup', 'runPrefix', 'runner',
  'requirements', 'installCommand', 'refresh', 'installTeam', 'group', 'docker', 'ci', 'docs', 'e2e',
];

describe('env tool modules', () => {
  it('one module is registered per ENV_TOOLS value, under its own id, and the option model offers each', () => {
    expect(Object.keys(ENV_TOOL_MODULES).sort()).toEqual([...ENV_TOOLS].sort());
    for (const tool of ENV_TOOLS) expect(ENV_TOOL_MODULES[tool].id).toBe(tool);
    expect(choiceValues('envTool')).toEqual([...ENV_TOOLS]);
    const labels = ENV_TOOLS.map((tool) => ENV_TOOL_MODULES[tool].label);
    expect(new Set(labels).size).toBe(labels.length);
  });

  describe.each([...ENV_TOOLS])('%s', (tool) => {
    const module = ENV_TOOL_MODULES[tool];
    const given = answers(tool);
    const files = module.files(given);
    const rendered = new Set([...Object.keys(files), 'README.md', ...(module.lockFile ? [module.lockFile] : [])]);

    it('answers every field', () => {
      for (const field of REQUIRED) expect(module[field], field).not.toBeUndefined();
      expect(module.label.trim()).not.toBe('');
      expect(Object.values(files).every((content) => content.length > 0)).toBe(true);
      expect(module.install(given, 'python3.12').length).toBeGreaterThan(0);
      expect(module.setup(given).length).toBeGreaterThan(0);
      expect(module.requirements(given).length).toBeGreaterThan(0);
      expect(module.installCommand.trim()).not.toBe('');
      expect(module.installTeam.trim()).not.toBe('');
      expect(module.runPrefix === '' || module.runPrefix.endsWith(' ')).toBe(true);
      // a tool whose commands run without a prefix needs the environment activated first
      expect(module.runPrefix !== '' || module.activate !== undefined).toBe(true);
      for (const phrase of [module.docs.kernel(given), module.docs.imageInstallsFrom, module.docs.withoutMake(given)]) {
        expect(phrase.trim()).not.toBe('');
      }
      const ci = module.ci(given);
      expect(ci.install.length).toBeGreaterThan(0);
      expect(ci.github.length).toBeGreaterThan(0);
      expect(ci.azure.length).toBeGreaterThan(0);
      for (const group of ['docs', 'notebook'] as const) {
        const use = module.group(group);
        expect(typeof use.installsInside).toBe('boolean');
        expect(use.install !== undefined || !use.installsInside).toBe(true);
      }
    });

    it('edits, records and copies into the image only files it renders (or its lock file)', () => {
      expect(Object.keys(module.editors).length).toBeGreaterThan(0);
      for (const file of Object.keys(module.editors)) expect(Object.keys(files)).toContain(file);
      // every editor adds a runtime dependency to its rendered file, and a second add changes nothing
      const lightgbm = CATALOGUE.find((dependency) => dependency.name === 'lightgbm') ?? CATALOGUE.find((dependency) => dependency.optional)!;
      for (const [file, edit] of Object.entries(module.editors)) {
        const once = edit(files[file]!, [lightgbm]).content;
        expect(once, file).toContain(lightgbm.conda && file === 'environment.yml' ? lightgbm.conda : lightgbm.name);
        expect(edit(once, [lightgbm]).content, file).toBe(once);
      }
      expect(module.recordedFiles.length).toBeGreaterThan(0);
      expect(module.recordedFiles.some((pattern) => !pattern.includes('*'))).toBe(true);
      const docker = module.docker(given);
      for (const file of [...docker.dependencyFiles, ...docker.projectFiles]) expect(rendered, file).toContain(file);
      if (module.lockFile) {
        expect(module.recordedFiles).toContain(module.lockFile);
        expect(docker.dependencyFiles).toContain(module.lockFile);
        // CI installs from the committed lock and says what to do when it is stale
        expect(module.ci(given).install.join('\n')).toContain(`commit ${module.lockFile}`);
      }
    });

    it('has its template folder, whose guide gives its install command', () => {
      const id = APP_LAYERS.envTool[tool];
      expect(id, `src/render/layers.ts declares no layer for --env-tool ${tool}`).toBeTypeOf('string');
      const layer = loadLayer(id!, path.join(TEMPLATES_ROOT, 'app'));
      expect(layer.files).toContain('docs/environment.md');
      const guide = readFileSync(path.join(layer.root, 'docs/environment.md'), 'utf8');
      expect(guide).toContain(module.installCommand);
      if (module.runPrefix) expect(guide).toContain(`${module.runPrefix}pytest`);
    });

    it('is installed for real by the e2e file it names', () => {
      const file = path.join(ROOT, 'test', 'e2e', module.e2e);
      expect(existsSync(file), module.e2e).toBe(true);
      expect(readFileSync(file, 'utf8')).toMatch(new RegExp(`(?:'env-tool'|envTool): '${tool}'`));
    });
  });

  // pipenv locks [packages] alone, then the other categories against it: mlflow-skinny locked there
  // at a release whose `mlflow` twin cannot install yet made `pipenv lock` fail in the dev set
  it('pipenv puts a package that includes a runtime one in [packages], in its place', () => {
    const pipfile = parseToml(ENV_TOOL_MODULES.pipenv.files(answers('pipenv')).Pipfile!) as Record<string, Record<string, unknown>>;
    const includer = CATALOGUE.find((dependency) => dependency.includes === 'mlflow-skinny')!;
    expect(Object.keys(pipfile.packages!)).toContain(includer.name);
    expect(Object.keys(pipfile.packages!)).not.toContain('mlflow-skinny');
    for (const [name, entries] of Object.entries(pipfile)) {
      if (name !== 'packages' && name !== 'source') expect(Object.keys(entries), name).not.toContain(includer.name);
    }
    // without MLflow nothing is included, so nothing moves
    const none = parseToml(ENV_TOOL_MODULES.pipenv.files({ ...answers('pipenv'), tracker: 'none' }).Pipfile!) as Record<string, object>;
    expect(Object.keys(none.packages!)).not.toContain(includer.name);
  });
});
