/**
 * `yo mlexp:upgrade [--<option> <value> ...] [--dry-run]` (`mlexp upgrade`): re-render the project
 * with this generator version and the stored answers (changed by any option given), and merge the
 * difference over the user's edits with git. See src/project/upgrade.ts.
 */
import { execaSync } from 'execa';
import Generator from 'yeoman-generator';
import { optionHelp } from '../options/resolve-answers.js';
import { UserError } from '../core/errors.js';
import { ANSWER_OPTIONS, validateAnswer, type Answers } from '../options/options.js';
import { CLI_PATH } from '../core/paths.js';
import { findProjectRoot, readStoredConfig } from '../project/yo-rc.js';
import { upgradeProject } from '../project/upgrade.js';
import { GENERATOR_VERSION } from '../core/version.js';
import { ENV_TOOL_MODULES } from '../env-tools/index.js';

/** Renaming the project or its package is a refactoring, not an upgrade. */
const FIXED = new Set(['projectName', 'packageName']);
const CHANGEABLE = ANSWER_OPTIONS.filter((option) => !FIXED.has(option.key));
/**
 * The fixed answers are still registered (hidden from --help) so that `mlexp upgrade --package-name x`
 * reaches the refusal below instead of commander's generic "unknown option".
 */
const REFUSED = ANSWER_OPTIONS.filter((option) => FIXED.has(option.key));

export default class UpgradeGenerator extends Generator {
  private root!: string;
  private stored!: Record<string, unknown>;
  private overrides!: Record<string, string>;

  constructor(args: string[], options: Generator['options']) {
    super(args, options, { customInstallTask: true });
    for (const option of CHANGEABLE) this.option(option.flag, { type: String, description: optionHelp(option) });
    for (const option of REFUSED) this.option(option.flag, { type: String, description: 'Cannot change in an upgrade.', hide: true });
    this.option('dry-run', { type: Boolean, description: 'List what would change and what would conflict; change nothing.' });
    this.option('allow-older', { type: Boolean, description: 'Upgrade a project that a newer generator-mlexp made, with this older one.' });
  }

  initializing(): void {
    const options = this.options as Record<string, unknown>;
    for (const { key, flag } of REFUSED) {
      if (options[key] !== undefined || options[flag] !== undefined) {
        const what = key === 'projectName' ? 'project' : 'package';
        throw new UserError(`--${flag} cannot change in an upgrade: rename the ${what} by hand, then upgrade`);
      }
    }
    const root = findProjectRoot(this.env.cwd);
    if (!root) throw new UserError(`${this.env.cwd} is not inside an mlexp project (no .yo-rc.json up the tree)`);
    this.root = root;
    this.stored = readStoredConfig(root) ?? {};
    this.overrides = {};
    for (const option of CHANGEABLE) {
      const camel = option.flag.replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());
      const value = options[camel] ?? options[option.flag];
      if (value === undefined || value === null) continue;
      const problem = validateAnswer(option.key, String(value), this.stored as Partial<Answers>);
      if (problem) throw new UserError(problem);
      this.overrides[option.flag] = String(value);
    }
  }

  async default(): Promise<void> {
    const options = this.options as Record<string, unknown>;
    const dryRun = Boolean(options.dryRun ?? options['dry-run']);
    const allowOlder = Boolean(options.allowOlder ?? options['allow-older']);
    // the env tool's lock is its install's output, never the render's: kept unless the tool changes
    const envTool = this.stored.envTool as Answers['envTool'];
    const lockFile = (this.overrides['env-tool'] ?? envTool) === envTool ? ENV_TOOL_MODULES[envTool]?.lockFile : undefined;
    const summary = upgradeProject({
      carried: lockFile ? [lockFile] : [],
      root: this.root,
      stored: this.stored,
      overrides: this.overrides,
      dryRun,
      version: GENERATOR_VERSION,
      allowOlder,
      log: (line) => this.log(line),
      render: (folder, flags) => {
        const older = allowOlder ? ['--allow-older'] : [];
        const result = execaSync(process.execPath, [CLI_PATH, '--yes', '--skip-install', '--skip-git', ...older, ...flags], {
          cwd: folder,
          reject: false,
          stdin: 'ignore',
          all: true,
        });
        if (result.exitCode !== 0) {
          // the render's own one-line error says what is wrong (a bad stored answer, a preset that is gone)
          const reason = String(result.all).split('\n').find((line) => line.startsWith('error: '))?.slice(7) ?? `exit ${result.exitCode}`;
          throw new UserError(`the upgrade could not render the new output, so nothing changed: ${reason}`);
        }
      },
    });
    const list = (title: string, files: string[]) => {
      if (files.length) this.log(`${title} (${files.length}):\n${files.map((file) => `  ${file}`).join('\n')}`);
    };
    this.log(dryRun ? 'Dry run: nothing was changed. The upgrade would make these changes:' : 'Upgrade summary:');
    list('updated', summary.updated);
    list('added', summary.added);
    list('removed', summary.removed);
    list('in conflict', summary.conflicts);
    if (Object.values(summary).every((files) => !Array.isArray(files) || files.length === 0)) {
      this.log('  nothing: the merged result is your files as they are (the new output only records what you have)');
    }
    if (dryRun || !summary.abort) return;
    if (summary.conflicts.length) {
      this.log('Resolve the conflicts (git status lists them; markers are in the files), `git add` them, then `git commit`;');
      this.log('the next `mlexp upgrade` records the finished upgrade. To drop it instead: git merge --abort');
      // the adapter prints its log from a queue: let it empty before the error ends the run
      await (this.env.adapter as { onIdle?: () => Promise<void> }).onIdle?.();
      throw new UserError(
        `the upgrade stopped at ${summary.conflicts.length} conflict(s): finish it with git add + git commit, or drop it with git merge --abort`,
      );
    }
    const module = ENV_TOOL_MODULES[envTool];
    const newTool = this.overrides['env-tool'] as Answers['envTool'] | undefined;
    const newModule = newTool && newTool !== envTool ? ENV_TOOL_MODULES[newTool] : undefined;
    if (newModule) {
      // the old environment was made by the old tool: the new one starts from nothing, and its lock with it
      const changed = CHANGEABLE.filter(({ flag }) => flag in this.overrides).map(({ key, flag }) => [key, this.overrides[flag]]);
      const setup = newModule.setup({ ...this.stored, ...Object.fromEntries(changed) } as Answers).join(' && ');
      const commit = newModule.lockFile ? `, then commit ${newModule.lockFile}` : '';
      this.log(`The env tool is now ${newTool}: make its environment with \`${setup}\`${commit}.`);
    } else if (lockFile && module && summary.updated.some((file) => file in module.editors)) {
      this.log(`The dependency files changed: run \`${module.refresh}\` to update the environment and ${lockFile}, then commit ${lockFile}.`);
    }
    this.log(`To undo the upgrade: ${summary.abort}`);
  }
}
