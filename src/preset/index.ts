/**
 * `yo mlexp:preset <name>` (`mlexp preset <name>`): scaffold a team preset package — manifest,
 * example templates, a check that renders a project with it, and publishing notes.
 */
import path from 'node:path';
import validatePackageName from 'validate-npm-package-name';
import Generator from 'yeoman-generator';
import { hideYeomanOptions, rawArgument } from '../options/resolve-answers.js';
import { UserError } from '../core/errors.js';
import { loadLayer, targetPath, TEMPLATES_ROOT } from '../render/layers.js';
import { quoted } from '../options/names.js';
import { isEmptyOrMissing } from '../project/yo-rc.js';
import { MANIFEST, presetSchema } from '../options/preset.js';
import { GENERATOR_VERSION } from '../core/version.js';

export default class PresetGenerator extends Generator {
  private presetName!: string;

  constructor(args: string[], options: Generator['options']) {
    super(args, options, { customInstallTask: true });
    this.argument('name', { type: String, required: false, description: 'npm package name of the preset, e.g. @team/mlexp-preset.' });
    hideYeomanOptions(this);
  }

  initializing(): void {
    const name = (this.options as Record<string, unknown>).name === undefined ? undefined : rawArgument(this, 0);
    if (typeof name !== 'string' || name === '') throw new UserError('no name given: run `mlexp preset @team/mlexp-preset`');
    const check = validatePackageName(name);
    if (!check.validForNewPackages) {
      throw new UserError(`${quoted(name)} is not a valid npm package name: ${[...(check.errors ?? []), ...(check.warnings ?? [])][0]}`);
    }
    const folder = path.resolve(this.env.cwd, name.split('/').at(-1)!);
    if (!isEmptyOrMissing(folder)) throw new UserError(`${folder} exists and is not empty: pick another name or folder`);
    this.presetName = name;
    this.destinationRoot(folder);
  }

  writing(): void {
    const layer = loadLayer('base', path.join(TEMPLATES_ROOT, 'preset'));
    const scope = this.presetName.startsWith('@') ? this.presetName.split('/')[0] : '';
    for (const file of layer.files) {
      // the preset's own templates keep their `dot-` names: the generator maps them when it uses them
      const target = file.startsWith('templates/') ? file : targetPath(file, '');
      this.fs.copyTpl(path.join(layer.root, file), this.destinationPath(target), { presetName: this.presetName, scope });
    }
    const [major, minor] = GENERATOR_VERSION.split('.');
    this.fs.writeJSON(this.destinationPath('package.json'), {
      name: this.presetName,
      version: '0.1.0',
      description: 'Team defaults and templates for generator-mlexp projects.',
      keywords: ['mlexp-preset', 'generator-mlexp'],
      license: 'UNLICENSED',
      type: 'module',
      files: [MANIFEST, 'templates', 'README.md'],
      scripts: { test: 'node test/check.mjs' },
      devDependencies: { 'generator-mlexp': `^${GENERATOR_VERSION}` },
    });
    this.fs.writeJSON(this.destinationPath(MANIFEST), {
      $schema: (presetSchema().$id as string) ?? undefined,
      generator: major === '0' ? `>=${major}.${minor}.0 <${major}.${Number(minor) + 1}.0` : `^${major}.0.0`,
      defaults: { ci: 'github', structure: 'ccds' },
      locked: { tracker: 'mlflow' },
      dependencies: [],
    });
  }

  end(): void {
    this.log(`\nCreated the preset ${this.presetName}. Next: cd ${path.basename(this.destinationRoot())} && npm install && npm test`);
  }
}
