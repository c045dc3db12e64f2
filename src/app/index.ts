/**
 * `yo mlexp <project-name>`: a new experimentation repository from the declared options.
 * The generator only orchestrates; every decision lives in a plain module under src/lib.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import Generator from 'yeoman-generator';
import { buildContext } from '../lib/context.js';
import { commitGeneration } from '../lib/fresh-commit.js';
import { generatedFiles } from '../lib/generated-files.js';
import { UserError } from '../lib/errors.js';
import { gitIdentity, gitState, initialCommit, PRISTINE_BRANCH } from '../lib/git.js';
import { installProject } from '../lib/install.js';
import { layerIdsFor, loadLayer, resolveTemplates, TEMPLATES_ROOT } from '../lib/layers.js';
import { registerOptions, resolveAnswers, type RunFlags } from '../lib/cli-options.js';
import { validateAnswer, type Answers } from '../lib/options.js';
import { isEmptyOrMissing, readStoredConfig } from '../lib/project.js';
import { ENV_TOOL_STRATEGIES } from '../lib/env-tools.js';
import { GENERATOR_VERSION } from '../lib/version.js';
import { presetLayer, resolvePresetStack, storedPresetSpec, type PresetStack } from '../lib/preset.js';

/** Adapters that prompt on the real terminal (yeoman-test's adapter answers from the test). */
const TERMINAL_ADAPTERS = new Set(['QueuedAdapter', 'TerminalAdapter']);

export default class AppGenerator extends Generator {
  private answers!: Answers;
  private flags!: RunFlags;
  private target!: string;
  private stored: Record<string, unknown> | undefined;
  private installed = false;
  private presets: PresetStack | undefined;
  /** The target was missing or empty when the generation started: see src/lib/fresh-commit.ts. */
  private fresh = false;

  constructor(args: string[], options: Generator['options']) {
    // Yeoman reads .yo-rc.json while constructing: check it first so a broken one is one clear line.
    readStoredConfig(typeof options.env?.cwd === 'string' ? options.env.cwd : process.cwd());
    // customInstallTask: the Python install is our own `install()` task, never an npm install;
    // customCommitTask: a new project is written in one pass, anything else through the conflicter
    super(args, options, {
      customInstallTask: true,
      customCommitTask: () => commitGeneration(this.env, this.fresh, this.target, this.env.cwd),
    });
    registerOptions(this);
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

  async prompting(): Promise<void> {
    const spec = this.#readOption('preset') ?? storedPresetSpec(this.stored);
    this.presets = spec === undefined ? undefined : await resolvePresetStack(spec, this.env.cwd);
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
      interactive: !TERMINAL_ADAPTERS.has(this.env.adapter.constructor.name) || process.stdin.isTTY === true,
      gitIdentity: () => {
        const { name, email } = gitIdentity();
        return { gitUserName: name, gitUserEmail: email };
      },
    });
    const extras = this.stored?.extras;
    this.answers = {
      ...answers,
      ...(Array.isArray(extras) ? { extras: extras.map(String) } : {}),
      ...(this.presets ? { presetDependencies: this.presets.dependencies } : {}),
    };
    this.flags = flags;
    if (this.target === undefined) {
      this.target = path.resolve(this.env.cwd, answers.projectName);
      this.stored = checkTarget(this.target);
      this.fresh = this.stored === undefined;
    }
  }

  configuring(): void {
    this.destinationRoot(this.target);
    const pristineBranch = typeof this.stored?.pristineBranch === 'string' ? this.stored.pristineBranch : PRISTINE_BRANCH;
    const { presetDependencies: _fromPreset, ...answers } = this.answers;
    const top = this.presets?.presets.at(-1);
    const preset = top ? { preset: { name: top.name, version: top.version } } : {};
    this.config.set({ ...answers, ...preset, version: GENERATOR_VERSION, pristineBranch });
  }

  writing(): void {
    const generatorRoot = path.join(TEMPLATES_ROOT, 'app');
    const layers = [
      ...layerIdsFor(this.answers).map((id) => loadLayer(id, generatorRoot)),
      ...(this.presets?.presets ?? []).flatMap((preset) => presetLayer(preset, 'app') ?? []),
    ];
    const templates = resolveTemplates(layers, this.answers.packageName);
    const data = generatedFiles(buildContext(this.answers, GENERATOR_VERSION, []));
    const context = buildContext(this.answers, GENERATOR_VERSION, [...templates.keys(), ...Object.keys(data)]);
    // a template at a data file's path (a team preset's own CI file, say) replaces the data file
    for (const [target, content] of Object.entries(data)) {
      if (!templates.has(target)) this.fs.write(this.destinationPath(target), content);
    }
    for (const [target, source] of templates) {
      this.fs.copyTpl(source, this.destinationPath(target), context);
    }
  }

  async install(): Promise<void> {
    if (this.flags.skipInstall) return;
    this.installed = await installProject(this.destinationRoot(), this.answers, (message) => this.log(message));
  }

  end(): void {
    const root = this.destinationRoot();
    if (!this.flags.skipGit && gitState(root) === 'outside-repo') {
      initialCommit(root, `Generate ${this.answers.projectName} with generator-mlexp ${GENERATOR_VERSION}`, {
        name: this.answers.authorName || 'mlexp',
        email: this.answers.authorEmail || 'mlexp@localhost',
      }, PRISTINE_BRANCH);
    }
    const relative = path.relative(this.env.cwd, root) || '.';
    this.log(`\nCreated ${this.answers.projectName} in ${relative}. Next:`);
    this.log(`  cd ${relative}`);
    const env = ENV_TOOL_STRATEGIES[this.answers.envTool];
    const activate = env.activate?.(this.answers);
    const steps = this.installed ? (activate ? [activate] : []) : env.setup(this.answers);
    for (const line of [...steps, `${env.runPrefix}pytest`, `${env.runPrefix}python -m ${this.answers.packageName} run`]) {
      this.log(`  ${line}`);
    }
  }

  #readOption(flag: string): string | undefined {
    const camel = flag.replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());
    const options = this.options as Record<string, unknown>;
    // commander (the `mlexp` bin) passes camelCase; yo's own parsing passes the flag name
    const value = options[camel] ?? options[flag];
    return value === undefined || value === null ? undefined : String(value);
  }
}

/** Refuse a target that exists and is not an empty folder or an mlexp project; return its answers. */
function checkTarget(target: string): Record<string, unknown> | undefined {
  const stored = readStoredConfig(target);
  if (stored !== undefined) return stored;
  if (!isEmptyOrMissing(target)) {
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
