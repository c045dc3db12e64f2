/**
 * `yo mlexp <project-name>`: a new experimentation repository from the declared options.
 * The generator only orchestrates; every decision lives in a plain module (see "Where things live" in README.md).
 */
import { accessSync, constants, existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { quote } from 'shell-quote';
import Generator from 'yeoman-generator';
import { commandsHelp } from '../cli/commands.js';
import { buildContext } from '../render/context.js';
import { canAsk, commitGeneration } from '../project/write-files.js';
import { structuredFiles } from '../render/structured-files.js';
import { UserError } from '../core/errors.js';
import { gitIdentity, gitState, initialCommit, needsRepair, PRISTINE_BRANCH, repairPristine } from '../project/git.js';
import { installProject } from '../project/install.js';
import { layerIdsFor, loadLayers, resolveTemplates, TEMPLATES_ROOT } from '../render/layers.js';
import { rawArgument, registerOptions, resolveAnswers, type RunFlags } from '../options/resolve-answers.js';
import { validateAnswer, type Answers } from '../options/options.js';
import type { RenderInputs } from '../options/catalogue.js';
import { isEmptyOrMissing, readStoredConfig } from '../project/yo-rc.js';
import { ENV_TOOL_MODULES } from '../env-tools/index.js';
import { availablePythons } from '../project/python.js';
import { readJournal, stoppedRunLine } from '../project/journal.js';
import { lockProject } from '../project/lock.js';
import { GENERATOR_VERSION } from '../core/version.js';
import { fitPythonFiles } from '../render/python-format.js';
import { presetLayer, recordPreset, resolvePresetStack, storedPreset, storedPresetSpec, type PresetStack } from '../options/preset.js';

/** What `#makeRepository` answers when the project has no repository (`--skip-git`, or no git). */
const NO_REPOSITORY = Symbol('no repository');


export default class AppGenerator extends Generator {
  private answers!: Answers;
  /** The answers plus what this run resolved and never stores (a preset's dependencies). */
  private inputs!: RenderInputs;
  private flags!: RunFlags;
  private target!: string;
  private stored: Record<string, unknown> | undefined;
  private installed = false;
  private presets: PresetStack | undefined;
  /** The target was missing or empty when the generation started: see src/project/write-files.ts. */
  private fresh = false;
  /** Every path this generation writes, relative to the project: what the pristine branch may hold. */
  private generatedPaths: string[] = [];
  /** The supported Pythons this machine has, looked up once: for `--help` and the default. */
  private readonly pythons = availablePythons();
  /** Releases the project's lock (src/project/lock.ts); taken once the target folder is known. */
  private release: (() => Promise<void>) | undefined;

  constructor(args: string[], options: Generator['options']) {
    // Yeoman reads .yo-rc.json while constructing: check it first so a broken one is one clear line.
    readStoredConfig(typeof options.env?.cwd === 'string' ? options.env.cwd : process.cwd());
    // customInstallTask: the Python install is our own `install()` task, never an npm install;
    // customCommitTask: a new project is written in one pass, anything else through the conflicter
    super(args, options, {
      customInstallTask: true,
      customCommitTask: () => commitGeneration(this.env, this.fresh, this.target, this.env.cwd),
    });
    registerOptions(this, { pythons: this.pythons });
    this.desc(commandsHelp('yo'));
  }

  initializing(): void {
    const projectName = this.#readOption('project-name');
    const here = readStoredConfig(this.env.cwd);
    if (projectName === undefined && here !== undefined) {
      this.target = this.env.cwd;
      this.stored = here;
    } else if (projectName !== undefined) {
      const problem = validateAnswer('projectName', projectName, {});
      if (problem) throw new UserError(problem);
      this.target = path.resolve(this.env.cwd, projectName);
      this.stored = checkTarget(this.target);
      this.fresh = this.stored === undefined;
    }
  }

  /** Hold the project's lock for the rest of the run, then look at the folder again: a run we waited for may have written it. */
  async #claim(): Promise<void> {
    this.release = await lockProject(this.target, (line) => this.log(line));
    this.stored = checkTarget(this.target);
    this.fresh = this.stored === undefined;
    const journal = readJournal(this.target);
    if (journal) this.log(stoppedRunLine(journal, this.target));
  }

  async prompting(): Promise<void> {
    if (this.target !== undefined) await this.#claim();
    // a preset given now is resolved as npm reads it; the recorded one is fetched from where it came from
    const given = this.#readOption('preset');
    const spec = given ?? storedPresetSpec(this.stored);
    const recorded = given === undefined ? storedPreset(this.stored) : undefined;
    this.presets = spec === undefined ? undefined : await resolvePresetStack(spec, this.env.cwd, recorded);
    const top = this.presets?.presets.at(-1);
    const { answers, flags } = await resolveAnswers({
      preset: this.presets && top && {
        name: `${top.name}@${top.version}`,
        defaults: this.presets.defaults as Partial<Answers>,
        locked: this.presets.locked as Partial<Answers>,
      },
      read: (flag) => this.#readOption(flag),
      stored: this.stored,
      prompt: (questions) => this.prompt(questions as Parameters<Generator['prompt']>[0]),
      interactive: canAsk(this.env.adapter),
      gitIdentity: () => {
        const { name, email } = gitIdentity();
        return { gitUserName: name, gitUserEmail: email, pythons: this.pythons };
      },
    });
    checkRerun(this.stored, answers, flags);
    const extras = this.stored?.extras;
    this.answers = { ...answers, ...(Array.isArray(extras) ? { extras: extras.map(String) } : {}) };
    this.inputs = { ...this.answers, ...(this.presets ? { presetDependencies: this.presets.dependencies } : {}) };
    this.flags = flags;
    if (this.target === undefined) {
      this.target = path.resolve(this.env.cwd, answers.projectName);
      this.stored = checkTarget(this.target);
      this.fresh = this.stored === undefined;
      await this.#claim();
    }
  }

  configuring(): void {
    this.destinationRoot(this.target);
    const pristineBranch = typeof this.stored?.pristineBranch === 'string' ? this.stored.pristineBranch : PRISTINE_BRANCH;
    const recorded = this.presets && recordPreset(this.presets);
    const preset = recorded ? { preset: recorded } : {};
    this.config.set({ ...this.answers, ...preset, version: GENERATOR_VERSION, pristineBranch });
  }

  writing(): void {
    const generatorRoot = path.join(TEMPLATES_ROOT, 'app');
    const layers = [
      ...loadLayers(layerIdsFor(this.answers), generatorRoot),
      ...(this.presets?.presets ?? []).flatMap((preset) => presetLayer(preset, 'app') ?? []),
    ];
    const templates = resolveTemplates(layers, this.answers.packageName);
    const data = structuredFiles(buildContext(this.inputs, GENERATOR_VERSION, []));
    const context = buildContext(this.inputs, GENERATOR_VERSION, [...templates.keys(), ...Object.keys(data)]);
    // a template at a data file's path (a team preset's own CI file, say) replaces the data file
    for (const [target, content] of Object.entries(data)) {
      if (!templates.has(target)) this.fs.write(this.destinationPath(target), content);
    }
    for (const [target, source] of templates) {
      this.fs.copyTpl(source, this.destinationPath(target), context);
    }
    fitPythonFiles(this.fs, [...templates.keys()].map((target) => this.destinationPath(target)));
    this.generatedPaths = [...new Set([...Object.keys(data), ...templates.keys(), '.yo-rc.json'])];
  }

  async install(): Promise<void> {
    if (this.flags.skipInstall) return;
    this.installed = await installProject(this.destinationRoot(), this.answers, (message) => this.log(message));
  }

  async end(): Promise<void> {
    const root = this.destinationRoot();
    const repository = this.flags.skipGit ? NO_REPOSITORY : this.#makeRepository(root);
    const relative = path.relative(this.env.cwd, root) || '.';
    const said = repository === NO_REPOSITORY ? '' : (repository ?? '');
    this.log(`\nCreated ${this.answers.projectName} in ${relative}.${said ? ` ${said}` : ''} Next:`);
    const env = ENV_TOOL_MODULES[this.answers.envTool];
    const activate = env.activate?.(this.answers);
    const steps = this.installed ? (activate ? [activate] : []) : env.setup(this.answers);
    // CI installs from the committed lock file: one written after the first commit must be committed
    if (!this.installed && env.lockFile && repository !== NO_REPOSITORY) {
      steps.push(`git add ${env.lockFile} && git commit -m "Lock the environment"`);
    }
    const next = [
      ...(relative === '.' ? [] : [quote(['cd', relative])]),
      ...steps,
      `${env.runPrefix}pytest`,
      `${env.runPrefix}python -m ${this.answers.packageName} run`,
    ];
    for (const line of next) this.log(`  ${line}`);
    await this.release?.();
  }

  /**
   * The project gets a repository of its own, with a first commit and the pristine branch, also
   * when it is generated inside another repository (a nested repository, which the outer one
   * sees as an untracked folder). Returns the sentence that says what was done, if anything.
   */
  #makeRepository(root: string): string | undefined | typeof NO_REPOSITORY {
    const state = gitState(root);
    if (!state.git) return NO_REPOSITORY;
    const message = `Generate ${this.answers.projectName} with generator-mlexp ${GENERATOR_VERSION}`;
    const identity = { name: this.answers.authorName || 'mlexp', email: this.answers.authorEmail || 'mlexp@localhost' };
    // on a re-run, only what the generator writes may go on the pristine branch, never the user's files
    const generated = this.fresh ? undefined : this.#generatedContents();
    if (state.top !== undefined && realpathSync(state.top) === realpathSync(root)) {
      // a repository of its own: finish what an interrupted git step left undone
      const repair = needsRepair(root, PRISTINE_BRANCH);
      if (repair === 'no-commit') initialCommit(root, message, identity, PRISTINE_BRANCH, generated);
      if (repair === 'no-pristine' && repairPristine(root, PRISTINE_BRANCH)) return `Made the missing ${PRISTINE_BRANCH} branch.`;
      return repair === 'no-commit' ? 'Made the missing first commit.' : undefined;
    }
    // a re-run of a project that is a folder of an outer repository stays one
    if (state.top !== undefined && !this.fresh) return undefined;
    initialCommit(root, message, identity, PRISTINE_BRANCH, generated);
    return state.top === undefined
      ? undefined
      : `It is a git repository of its own, nested in the one at ${state.top} (which sees it as an untracked folder).`;
  }

  /** What this generation wrote, path → content (as rendered, whatever a conflict kept on disk). */
  #generatedContents(): Map<string, string> {
    const contents = new Map<string, string>();
    for (const file of this.generatedPaths) {
      const full = this.destinationPath(file);
      if (this.fs.exists(full)) contents.set(file, this.fs.read(full) ?? '');
    }
    return contents;
  }

  #readOption(flag: string): string | undefined {
    const camel = flag.replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());
    const options = this.options as Record<string, unknown>;
    // commander (the `mlexp` bin) passes camelCase; yo's own parsing passes the flag name
    const value = options[camel] ?? options[flag];
    // the positional argument as typed: `007` stays `007` (see rawArgument)
    if (flag === 'project-name') return rawArgument(this, 0) ?? (value === undefined || value === null ? undefined : String(value));
    return value === undefined || value === null ? undefined : String(value);
  }
}

/**
 * Refuse a target that exists and is not an empty folder, an mlexp project or a generation that was
 * stopped before it wrote its answers (it left a journal); return its answers.
 */
function checkTarget(target: string): Record<string, unknown> | undefined {
  const stored = readStoredConfig(target);
  if (stored !== undefined) return stored;
  if (!isEmptyOrMissing(target) && readJournal(target) === undefined) {
    throw new UserError(
      `${target} exists and is not empty, and is not an mlexp project: pick another project name or empty the folder`,
    );
  }
  const parent = existsSync(target) ? target : path.dirname(target);
  try {
    accessSync(parent, constants.W_OK);
  } catch {
    throw new UserError(`cannot write to ${parent}: run mlexp in a folder you can write to`);
  }
  return undefined;
}

/**
 * A re-run keeps what makes the project what it is: its package (another `--package-name` would
 * write a second package beside the first) and the generator version it records, unless told.
 */
function checkRerun(stored: Record<string, unknown> | undefined, answers: Answers, flags: RunFlags): void {
  if (stored === undefined) return;
  if (typeof stored.packageName === 'string' && stored.packageName !== answers.packageName) {
    throw new UserError(
      `this project's package is '${stored.packageName}' (.yo-rc.json): a re-run cannot rename it to '${answers.packageName}'; leave out --package-name, or rename the package by hand`,
    );
  }
  const recorded = typeof stored.version === 'string' ? semver.valid(stored.version) : null;
  if (recorded && semver.gt(recorded, GENERATOR_VERSION) && !flags.allowOlder) {
    throw new UserError(
      `this project was made by generator-mlexp ${recorded}, newer than this ${GENERATOR_VERSION}: install ${recorded} or later (npm install --global generator-mlexp@${recorded}), or pass --allow-older`,
    );
  }
}
