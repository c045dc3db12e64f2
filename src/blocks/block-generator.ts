/**
 * What the three block sub-generators share: find the project from any folder inside it, validate
 * the name and options before anything is written, render the kind's template layers, add the
 * dependencies an option needs, and record the block in `.yo-rc.json`.
 */
import path from 'node:path';
import Generator from 'yeoman-generator';
import { BLOCK_KINDS, className, findClash, normalizeBlockName, validateRawBlockName, type BlockKind } from './blocks.js';
import { catalogueEntry } from '../options/catalogue.js';
import { STRUCTURE_FACTS } from '../render/context.js';
import { addDependencies } from '../render/dependency-files.js';
import { UserError } from '../core/errors.js';
import { commitInside } from '../project/write-files.js';
import { readJournal, stoppedRunLine } from '../project/journal.js';
import { lockProject } from '../project/lock.js';
import { ENV_TOOL_MODULES } from '../env-tools/index.js';
import { yamlScalar } from '../render/yaml-scalar.js';
import { layerIdsForBlock, loadLayers, resolveTemplates, TEMPLATES_ROOT } from '../render/layers.js';
import { ANSWER_KEYS, validateAnswer, type Answers } from '../options/options.js';
import { distributionName, quoted } from '../options/names.js';
import { presetLayer, resolvePresetStack, storedPreset, storedPresetSpec, type PresetStack } from '../options/preset.js';
import { findProjectRoot, readStoredConfig } from '../project/yo-rc.js';
import { hideYeomanOptions, rawArgument } from '../options/resolve-answers.js';
import { fitPythonFiles } from '../render/python-format.js';

export interface BlockRecord {
  [option: string]: string;
}

export abstract class BlockGenerator extends Generator {
  protected abstract readonly kind: BlockKind;
  private answers!: Answers;
  private blockName!: string;
  private values!: Record<string, string>;
  private presets: PresetStack | undefined;
  private release: (() => Promise<void>) | undefined;
  /** Dependencies this run added to the env tool's files, which the environment does not have yet. */
  private added: string[] = [];

  constructor(args: string[], options: Generator['options']) {
    // inheritTasks: the run-loop methods live here, in the shared base class
    super(args, options, {
      customInstallTask: true,
      inheritTasks: true,
      // nothing is written through a symlink that leads out of the project, nor into .git/
      customCommitTask: () => commitInside(this.env, () => this.destinationRoot()),
    });
    this.argument('name', { type: String, required: false, description: 'Name of the new block (a Python identifier once normalised).' });
    hideYeomanOptions(this);
  }

  /** Declare this kind's options; called by each sub-generator (the leading _ keeps Yeoman from running it as a task)'s constructor. */
  protected _declareOptions(kind: BlockKind): void {
    for (const option of BLOCK_KINDS[kind].options) {
      const values = option.values ? ` One of: ${option.values.join(', ')}.` : '';
      this.option(option.flag, { type: String, description: `${option.description}${values} Default: ${option.default}.` });
    }
  }

  async initializing(): Promise<void> {
    const spec = BLOCK_KINDS[this.kind];
    const raw = this.#read('name') === undefined ? undefined : rawArgument(this, 0);
    if (raw === undefined) throw new UserError(`no name given: run \`mlexp ${this.kind} <name>\``);
    const problem = validateRawBlockName(raw);
    if (problem) throw new UserError(problem);
    this.values = {};
    for (const option of spec.options) {
      const value = this.#read(option.flag) ?? option.default;
      if (option.values && !option.values.includes(value)) {
        throw new UserError(`invalid --${option.flag} ${quoted(value)}: use one of ${option.values.join(', ')}`);
      }
      if (!option.values && (value.trim() === '' || value.length > 60 || /[\r\n"'\\]/.test(value))) {
        throw new UserError(`invalid --${option.flag} ${quoted(value)}: give a plain column name of at most 60 characters`);
      }
      this.values[option.flag] = value;
    }

    const root = findProjectRoot(this.env.cwd);
    if (!root) {
      throw new UserError(
        `${this.env.cwd} is not inside an mlexp project (no .yo-rc.json up the tree): run this in a project made by \`mlexp <project-name>\``,
      );
    }
    // one run at a time: a block record written by a concurrent run is read after it is done
    this.release = await lockProject(root, (line) => this.log(line));
    const stored = readStoredConfig(root) ?? {};
    for (const key of ANSWER_KEYS) {
      const problem = validateAnswer(key, stored[key], stored as Partial<Answers>);
      if (problem) throw new UserError(`${path.join(root, '.yo-rc.json')} holds an ${problem.replace(/^invalid /, 'invalid value for ')}`);
    }
    this.answers = stored as unknown as Answers;
    this.blockName = normalizeBlockName(raw);

    const recorded = (stored.blocks as Record<string, Record<string, BlockRecord>> | undefined)?.[spec.folder]?.[this.blockName];
    const journal = readJournal(root);
    if (journal) this.log(stoppedRunLine(journal, root));
    // a block a stopped run was writing is that run's own (its clash check passed): running it
    // again finishes it, and a file the user changed since is still a conflict at commit
    const stoppedHere = [
      path.join('src', this.answers.packageName, spec.folder, `${this.blockName}.py`),
      path.join('configs', `${this.blockName}.yaml`),
      path.join('tests', `test_${this.kind}_${this.blockName}.py`),
    ].some((file) => journal?.files[file] !== undefined);
    if (!recorded && !stoppedHere) {
      const clash = findClash(path.join(root, 'src', this.answers.packageName), this.kind, this.blockName);
      if (clash) throw new UserError(`cannot add ${this.kind} '${this.blockName}': ${clash}; pick another name`);
    }
    const presetSpec = storedPresetSpec(stored);
    this.presets = presetSpec === undefined ? undefined : await resolvePresetStack(presetSpec, root, storedPreset(stored));
    this.destinationRoot(root);
  }

  writing(): void {
    const spec = BLOCK_KINDS[this.kind];
    const generatorRoot = path.join(TEMPLATES_ROOT, this.kind);
    const layers = [
      ...loadLayers(layerIdsForBlock(this.kind, this.values), generatorRoot),
      ...(this.presets?.presets ?? []).flatMap((preset) => presetLayer(preset, this.kind) ?? []),
    ];
    const files = resolveTemplates(layers, this.answers.packageName, this.blockName);
    const context = {
      ...this.answers,
      ...this.values,
      distName: distributionName(this.answers.projectName) ?? this.answers.packageName,
      dataDir: STRUCTURE_FACTS[this.answers.structure].dataDir,
      name: this.blockName,
      className: className(this.blockName),
      yaml: yamlScalar,
    };
    for (const [target, source] of files) this.fs.copyTpl(source, this.destinationPath(target), context);
    fitPythonFiles(this.fs, [...files.keys()].map((target) => this.destinationPath(target)));

    const needed = Object.entries(spec.dependencies)
      .filter(([condition]) => {
        const [flag, value] = condition.split('=');
        return this.values[flag!] === value;
      })
      .flatMap(([, names]) => names);
    const extras = [...new Set([...(this.answers.extras ?? []), ...needed])];
    const edits = addDependencies(
      this.answers.envTool,
      (file) => (this.fs.exists(this.destinationPath(file)) ? this.fs.read(this.destinationPath(file)) : undefined),
      needed.map(catalogueEntry),
    );
    const before = (file: string) => (this.fs.exists(this.destinationPath(file)) ? this.fs.read(this.destinationPath(file)) : undefined);
    if (Object.entries(edits).some(([file, edit]) => edit.content !== before(file))) {
      this.added = needed.filter((name) => !(this.answers.extras ?? []).includes(name));
    }
    for (const [file, edit] of Object.entries(edits)) {
      this.fs.write(this.destinationPath(file), edit.content);
      // A lossless addition is a merge, not an overwrite: no conflict prompt for it.
      if (edit.lossless) (this.fs.store.get(this.destinationPath(file)) as { conflicter?: string }).conflicter = 'force';
    }
    // from .yo-rc.json as read under the lock, not Yeoman's copy from before it: a run we waited for may have added a block
    const blocks = ((this.answers as unknown as { blocks?: Record<string, Record<string, BlockRecord>> }).blocks) ?? {};
    this.config.set({
      ...(extras.length ? { extras } : {}),
      blocks: { ...blocks, [spec.folder]: { ...blocks[spec.folder], [this.blockName]: this.values } },
    });
  }

  async end(): Promise<void> {
    await this.release?.();
    const module = ENV_TOOL_MODULES[this.answers.envTool];
    const run = module.runPrefix;
    this.log(`\nAdded ${this.kind} '${this.blockName}'. Try it:`);
    if (this.added.length) {
      const commit = module.lockFile ? `, then commit ${module.lockFile}` : '';
      this.log(`  ${module.refresh}    # installs what it added: ${this.added.join(', ')}${commit}`);
    }
    this.log(`  ${run}pytest`);
    this.log(`  ${run}python -m ${this.answers.packageName} run --config configs/${this.blockName}.yaml`);
  }

  #read(flag: string): string | undefined {
    const options = this.options as Record<string, unknown>;
    const value = options[flag];
    return value === undefined || value === null ? undefined : String(value);
  }
}
