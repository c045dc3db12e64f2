/**
 * Team presets: npm packages holding `mlexp-preset.json` (default and locked answers, extra
 * dependencies, a compatible generator range, optionally a preset it extends) and `templates/`
 * (files that override or add to the generator's templates, by path, per generator).
 *
 * Presets are resolved by npm itself (`npm pack <spec>`), so the user's .npmrc, registry and auth
 * apply to names, versions, ranges, scoped names, tarballs and folders alike.
 */
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Ajv } from 'ajv';
import { execa } from 'execa';
import semver from 'semver';
import type { PythonDependency } from './catalogue.js';
import { UserError } from '../core/errors.js';
import { quoted } from './names.js';
import { filesBelow, targetPath, type Layer } from '../render/layers.js';
import { forbiddenTemplateTarget } from '../project/safe-writes.js';
import { ANSWER_OPTIONS, type AnswerKey } from './options.js';
import { GENERATOR_VERSION } from '../core/version.js';

export const MANIFEST = 'mlexp-preset.json';

export interface PresetManifest {
  generator: string;
  defaults?: Partial<Record<AnswerKey, string>>;
  locked?: Partial<Record<AnswerKey, string>>;
  dependencies?: PythonDependency[];
  extends?: string;
}

/**
 * Where a preset came from, recorded in `.yo-rc.json` so that later runs use exactly that artifact:
 * a folder or tarball by its absolute path (or a tarball URL), a registry package by name, exact
 * version and integrity. A name is never looked up again in another source.
 */
export type PresetSource =
  | { type: 'folder'; path: string }
  | { type: 'tarball'; path: string }
  | { type: 'registry'; spec: string };

export interface ResolvedPreset {
  name: string;
  version: string;
  /** Where the package was unpacked. */
  root: string;
  manifest: PresetManifest;
  source: PresetSource;
  /** npm's integrity hash of the packed preset. */
  integrity: string;
}

/** What `.yo-rc.json` records of the preset a project is built on. */
export interface RecordedPreset {
  name: string;
  version: string;
  source?: PresetSource;
  integrity?: string;
  /** What it extends, nearest first, each pinned the same way: a range in `extends` never floats. */
  chain?: RecordedPreset[];
}

/** A preset chain, base first, with what it sets merged in that order. */
export interface PresetStack {
  presets: ResolvedPreset[];
  defaults: Partial<Record<AnswerKey, string>>;
  locked: Partial<Record<AnswerKey, string>>;
  dependencies: PythonDependency[];
}

/** The manifest's JSON schema, from the option model: answers are the option keys and values. */
export function presetSchema(): Record<string, unknown> {
  const answers = {
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(
      ANSWER_OPTIONS.filter((option) => option.key !== 'projectName').map((option) => [
        option.key,
        option.kind === 'choice'
          ? { enum: option.choices.map((choice) => choice.value), description: option.description }
          : { type: 'string', description: option.description },
      ]),
    ),
  };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://unpkg.com/generator-mlexp/schema/mlexp-preset.schema.json',
    title: 'generator-mlexp team preset',
    type: 'object',
    additionalProperties: false,
    required: ['generator'],
    properties: {
      $schema: { type: 'string' },
      generator: { type: 'string', description: 'Compatible generator-mlexp versions, as a semver range.' },
      defaults: { ...answers, description: 'Answers taken when the user gives none (prompts start from them).' },
      locked: { ...answers, description: 'Answers users cannot change at generation time.' },
      dependencies: {
        type: 'array',
        description: 'Extra Python dependencies, added to every env tool through the catalogue.',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'range', 'group', 'imports', 'conda'],
          properties: {
            name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' },
            range: { type: 'string', pattern: '^[<>=!~][^;\\s]*$' },
            group: { enum: ['runtime', 'dev', 'team'] },
            imports: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' } },
            conda: { type: ['string', 'null'] },
          },
        },
      },
      extends: { type: 'string', description: 'Another preset (npm spec) this one builds on.' },
    },
  };
}

let validator: ReturnType<Ajv['compile']> | undefined;

/** Validate a preset manifest against the schema; ajv is loaded only when a preset is used. */
async function validateManifest(data: unknown, where: string): Promise<PresetManifest> {
  if (!validator) {
    // ajv is CommonJS: its module.exports, the default export both in Node and in the bundle's
    // lazily loaded chunk, is the Ajv class itself
    const { default: ajv } = await import('ajv');
    const AjvClass = ajv as unknown as typeof Ajv;
    validator = new AjvClass({ allErrors: false, strict: false }).compile(presetSchema());
  }
  if (!validator(data)) {
    const error = validator.errors?.[0];
    const field = error?.instancePath ? error.instancePath.slice(1).replaceAll('/', '.') : '(top level)';
    const allowed = error?.params && 'allowedValues' in error.params ? `: one of ${(error.params.allowedValues as string[]).join(', ')}` : '';
    throw new UserError(`${where}: invalid field ${field}: ${error?.message ?? 'invalid'}${allowed}`);
  }
  return data as PresetManifest;
}

/** Unpacked presets live until the run ends, then go. */
const SCRATCH_FOLDERS: string[] = [];
process.once('exit', () => {
  for (const folder of SCRATCH_FOLDERS) rmSync(folder, { recursive: true, force: true });
});

/** What kind of artifact a spec names, as npm reads it: a folder, a tarball (path or URL), or the registry. */
function sourceOf(spec: string, cwd: string): PresetSource {
  if (/^(https?|file):/.test(spec)) return { type: 'tarball', path: spec };
  const local = path.resolve(cwd, spec);
  // as npm reads a spec: a path starts with ./, ../, / or ~/, or names a tarball; anything else is the registry's
  if (/^(\.{1,2}\/|\/|~\/)/.test(spec) || /\.(tgz|tar\.gz|tar)$/.test(spec)) {
    if (existsSync(local) && statSync(local).isDirectory()) return { type: 'folder', path: local };
    if (existsSync(local)) return { type: 'tarball', path: local };
    throw new UserError(`preset ${spec} is a path, and there is nothing at ${local}: check the path`);
  }
  return { type: 'registry', spec };
}

/** `npm pack <spec>` into a scratch folder and unpack it; npm's resolution, registry and auth apply. */
async function fetchPackage(spec: string, cwd: string): Promise<{ root: string; integrity: string }> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'mlexp-preset-'));
  SCRATCH_FOLDERS.push(scratch);
  const pack = await execa('npm', ['pack', spec, '--json', '--pack-destination', scratch, '--ignore-scripts'], {
    cwd,
    reject: false,
    stdin: 'ignore',
  });
  if (pack.exitCode !== 0) {
    const detail = String(pack.stderr);
    const code = /npm error code (\S+)/.exec(detail)?.[1] ?? '';
    if (code === 'E404' || /404/.test(detail)) throw new UserError(`preset ${spec} was not found in the registry: check the name and version`);
    if (/ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|ECONNRESET/.test(detail)) {
      throw new UserError(`cannot reach the npm registry for preset ${spec}: check the registry in your .npmrc and your network`);
    }
    if (code === 'ETARGET') throw new UserError(`no version of preset ${spec} matches: check the version range`);
    const line = detail.split('\n').find((text) => /npm error (?!code)/.test(text))?.replace(/^npm error /, '') ?? detail.trim();
    throw new UserError(`npm could not fetch preset ${spec}: ${line}`);
  }
  const [packed] = JSON.parse(String(pack.stdout)) as Array<{ filename: string; integrity: string }>;
  if (!packed) throw new UserError(`npm could not fetch preset ${spec}: it returned no package`);
  const unpacked = await execa('tar', ['-xzf', path.join(scratch, packed.filename), '-C', scratch, '--no-same-owner'], { reject: false });
  if (unpacked.exitCode !== 0) {
    throw new UserError(`preset ${spec} could not be unpacked (${String(unpacked.stderr).trim().split('\n')[0]}): it is not a usable package`);
  }
  return { root: path.join(scratch, 'package'), integrity: packed.integrity };
}

/**
 * Resolve one preset spec. `expected` is what `.yo-rc.json` recorded: the artifact must be the
 * same one (by integrity, for tarballs and registry packages; a folder is the team's own copy).
 */
export async function resolvePreset(spec: string, cwd: string, expected?: RecordedPreset): Promise<ResolvedPreset> {
  const source = expected?.source ?? sourceOf(spec, cwd);
  if (source.type !== 'registry' && !/^(https?|file):/.test(source.path) && !existsSync(source.path)) {
    throw new UserError(`preset ${expected?.name ?? spec} was recorded at ${source.path}, which is gone: restore it there, or re-run with --preset <where it is now>`);
  }
  const { root, integrity } = await fetchPackage(source.type === 'registry' ? source.spec : source.path, cwd);
  if (expected?.integrity && source.type !== 'folder' && integrity !== expected.integrity) {
    throw new UserError(
      `preset ${expected.name}@${expected.version} from ${source.type === 'registry' ? 'the registry' : source.path} is not the package this project recorded (integrity ${integrity.slice(0, 19)}… instead of ${expected.integrity.slice(0, 19)}…): check where it came from before using it`,
    );
  }
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { name: string; version: string };
  const where = `preset ${pkg.name}@${pkg.version}`;
  const manifestPath = path.join(root, MANIFEST);
  if (!existsSync(manifestPath)) throw new UserError(`${where} has no ${MANIFEST}: it is not an mlexp preset`);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (error) {
    throw new UserError(`${where}: ${MANIFEST} is not valid JSON (${(error as Error).message})`);
  }
  const manifest = await validateManifest(data, `${where}: ${MANIFEST}`);
  if (!semver.validRange(manifest.generator)) {
    throw new UserError(`${where}: ${MANIFEST}: invalid field generator: '${manifest.generator}' is not a semver range`);
  }
  if (!semver.satisfies(GENERATOR_VERSION, manifest.generator, { includePrerelease: true })) {
    throw new UserError(`${where} needs generator-mlexp ${manifest.generator}, but this is ${GENERATOR_VERSION}: upgrade one of them`);
  }
  checkTemplates(root, where);
  // a registry package is recorded by its exact version, whatever range found it
  const recorded: PresetSource = source.type === 'registry' ? { type: 'registry', spec: `${pkg.name}@${pkg.version}` } : source;
  return { name: pkg.name, version: pkg.version, root, manifest, source: recorded, integrity };
}

/** Where a preset's `extends` points: a relative path is the declaring preset's, not the user's folder. */
function extendsSpec(preset: ResolvedPreset): string | undefined {
  const spec = preset.manifest.extends;
  if (spec === undefined || !/^\.{1,2}\//.test(spec)) return spec;
  const base = preset.source.type === 'folder' ? preset.source.path : preset.source.type === 'tarball' && !/^(https?|file):/.test(preset.source.path) ? path.dirname(preset.source.path) : preset.root;
  return path.resolve(base, spec);
}

/** Every template must be a regular file inside the preset (no links out, no escaping paths). */
function checkTemplates(root: string, where: string): void {
  const templates = path.join(root, 'templates');
  if (!existsSync(templates)) return;
  const real = realpathSync(templates);
  for (const file of filesBelow(templates)) {
    const resolved = realpathSync(path.join(templates, file));
    if (!resolved.startsWith(`${real}${path.sep}`) || file.split('/').includes('..')) {
      throw new UserError(`${where}: template ${file} escapes the preset's templates folder`);
    }
  }
}

/** Resolve a preset and everything it extends, base first; a cycle or a deep chain is refused. */
export async function resolvePresetStack(spec: string, cwd: string, recorded?: RecordedPreset): Promise<PresetStack> {
  // npm would read `""` as the package `undefined` and `--version` as its own option
  if (spec.trim() === '') throw new UserError('--preset is empty: give a package name, name@version, tarball or folder');
  if (spec.startsWith('-')) throw new UserError(`invalid --preset ${quoted(spec)}: a preset spec cannot start with '-'`);
  const presets: ResolvedPreset[] = [];
  const seen = new Set<string>();
  let next: string | undefined = spec;
  let expected = recorded;
  while (next !== undefined) {
    const preset = await resolvePreset(next, cwd, expected);
    // the base this one extends, as recorded, while the manifest still names that base
    const base = recorded?.chain?.[presets.length];
    const extended = extendsSpec(preset);
    expected = base !== undefined && extended !== undefined && namesRecorded(extended, base) ? base : undefined;
    if (seen.has(preset.name)) throw new UserError(`preset ${preset.name} extends itself through ${[...seen].join(' → ')}`);
    if (presets.length >= 8) throw new UserError(`preset ${spec} extends more than 8 presets deep`);
    seen.add(preset.name);
    presets.unshift(preset);
    next = extended;
  }
  const stack: PresetStack = { presets, defaults: {}, locked: {}, dependencies: [] };
  for (const preset of presets) {
    Object.assign(stack.defaults, preset.manifest.defaults);
    Object.assign(stack.locked, preset.manifest.locked);
    stack.dependencies.push(...(preset.manifest.dependencies ?? []));
  }
  return stack;
}

/** The preset's templates for one generator, as a layer stacked on top of the generator's own. */
export function presetLayer(preset: ResolvedPreset, generator: string): Layer | undefined {
  const root = path.join(preset.root, 'templates', generator);
  if (!existsSync(root)) return undefined;
  const files = filesBelow(root);
  for (const file of files) {
    const target = targetPath(file, 'package');
    if (forbiddenTemplateTarget(target)) {
      throw new UserError(
        `preset ${preset.name}: templates/${generator}/${file} would write ${target}, which no preset may write (git's folder, the project's answers): remove it from the preset`,
      );
    }
  }
  return { root, files };
}

/** Whether an `extends` spec names the recorded base: the same path, or the same package name. */
function namesRecorded(spec: string, base: RecordedPreset): boolean {
  if (base.source?.type === 'folder' || base.source?.type === 'tarball') return base.source.path === spec;
  return spec === base.name || spec.startsWith(`${base.name}@`);
}

function readRecorded(value: unknown): RecordedPreset | undefined {
  const preset = value as Partial<RecordedPreset> | undefined;
  if (typeof preset?.name !== 'string' || typeof preset.version !== 'string') return undefined;
  const chain = Array.isArray(preset.chain) ? preset.chain.map(readRecorded) : [];
  return {
    name: preset.name,
    version: preset.version,
    source: preset.source,
    integrity: preset.integrity,
    ...(chain.length > 0 && chain.every((base) => base !== undefined) ? { chain: chain as RecordedPreset[] } : {}),
  };
}

/** The preset recorded in `.yo-rc.json`, so re-runs, sub-generators and upgrades use the same artifacts. */
export function storedPreset(stored: Record<string, unknown> | undefined): RecordedPreset | undefined {
  return readRecorded(stored?.preset);
}

/** The spec that fetches a recorded preset: its recorded source, or (recorded before sources were) name@version. */
export function storedPresetSpec(stored: Record<string, unknown> | undefined): string | undefined {
  const preset = storedPreset(stored);
  if (!preset) return undefined;
  const source = preset.source;
  return source === undefined ? `${preset.name}@${preset.version}` : source.type === 'registry' ? source.spec : source.path;
}

/** What `.yo-rc.json` records of a stack: its top preset, and what that extends, nearest first. */
export function recordPreset(stack: PresetStack): RecordedPreset | undefined {
  const pin = (preset: ResolvedPreset): RecordedPreset => ({ name: preset.name, version: preset.version, source: preset.source, integrity: preset.integrity });
  const [top, ...bases] = [...stack.presets].reverse();
  if (top === undefined) return undefined;
  return { ...pin(top), ...(bases.length > 0 ? { chain: bases.map(pin) } : {}) };
}
