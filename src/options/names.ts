/**
 * Names: deriving and validating the project, distribution and Python package names,
 * and the free text a user types (description, author).
 */
import { DEPENDENCY_MODULES } from './catalogue.js';
import { INSTALLED_MODULES } from './installed-modules.js';
import { PYTHON_KEYWORDS, STDLIB_MODULES } from './stdlib-modules.js';

/** A user's value inside a one-line message: quoted, with control characters escaped. */
export function quoted(value: string): string {
  return `'${value.replace(/[\u0000-\u001f\u007f]/g, (char) => JSON.stringify(char).slice(1, -1))}'`;
}

/** Fold accents and other compatibility forms to ASCII where a plain equivalent exists. */
function asciiFold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '');
}

/** PEP 503-normalised distribution name, e.g. `Churn Model v2` → `churn-model-v2`; undefined if none. */
export function distributionName(projectName: string): string | undefined {
  const slug = asciiFold(projectName)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug === '' ? undefined : slug;
}

/** Python import name derived from a project name (`Churn Model v2` → `churn_model_v2`). */
export function derivePackageName(projectName: string): string | undefined {
  const name = asciiFold(projectName)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[0-9_]+|_+$/g, '');
  return name === '' ? undefined : name;
}

/** Exception names the generated package defines itself, besides its base error. */
const PACKAGE_ERRORS = ['ConfigError', 'TrackerError', 'SchemaError', 'RunStateError', 'MissingDriverError'];
/** Python's built-in exception names ending in `Error` (3.11-3.13). */
const BUILTIN_ERRORS = new Set(
  ('Arithmetic Assertion Attribute BlockingIO BrokenPipe Buffer ChildProcess ConnectionAborted Connection ' +
    'ConnectionRefused ConnectionReset EOF Environment FileExists FileNotFound FloatingPoint IO Import ' +
    'Indentation Index Interrupted IsADirectory Key Lookup Memory ModuleNotFound Name NotADirectory ' +
    'NotImplemented OS Overflow Permission ProcessLookup Recursion Reference Runtime Syntax System Tab ' +
    'Timeout Type UnboundLocal UnicodeDecode UnicodeEncode Unicode UnicodeTranslate Value ZeroDivision')
    .split(' ')
    .map((stem) => `${stem}Error`),
);

/**
 * The generated package's base exception, named after it: `churn_model` → `ChurnModelError`.
 * A name that would shadow a built-in (`value` → `ValueError`) or one of the package's own
 * errors (`config` → `ConfigError`) gets `Project` before `Error`: `ValueProjectError`; one
 * that would start with a digit gets it first: `_78_` → `Project78Error`.
 */
export function errorClassName(packageName: string): string {
  const stem = packageName
    .split('_')
    .filter((part) => part !== '')
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
  if (!/^[A-Za-z]/.test(stem)) return `Project${stem}Error`; // `_78_`: a class name cannot start with a digit
  const name = `${stem}Error`;
  return BUILTIN_ERRORS.has(name) || PACKAGE_ERRORS.includes(name) ? `${stem}ProjectError` : name;
}

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

export function validateProjectName(name: string): string | undefined {
  if (name.trim() === '') return 'the project name is empty: give one, e.g. `mlexp churn-model`';
  if (name !== name.trim()) return `${quoted(name)} starts or ends with spaces: remove them`;
  if (CONTROL_CHARACTERS.test(name)) return 'the project name contains control characters: use letters, digits, - or _';
  if (/[\\/]/.test(name) || name === '.' || name === '..') {
    return `${quoted(name)} is a path, not a name: run mlexp in the parent folder and give a plain name`;
  }
  if (name.startsWith('-')) return `${quoted(name)} starts with '-' and would read as an option: start with a letter or digit`;
  if (/[<>:"|?*]/.test(name)) return `${quoted(name)} has characters a folder name cannot hold on every system (<>:"|?*)`;
  if (name.length > 100) return 'the project name is longer than 100 characters: shorten it';
  if (distributionName(name) === undefined) {
    return `${quoted(name)} has no ASCII letter or digit to build a distribution name from: use a name with some`;
  }
  return undefined;
}

export function validatePackageName(name: string): string | undefined {
  if (name === '') {
    return 'the package name is empty (none can be derived from the project name): give --package-name';
  }
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) {
    return `${quoted(name)} is not a lowercase Python identifier: use a-z, 0-9 and _, not starting with a digit`;
  }
  // 40, as block names: the generated code keeps within ruff's line length (src/render/python-format.ts)
  if (name.length > 40) return `${quoted(name)} is longer than 40 characters: give a shorter --package-name`;
  if (PYTHON_KEYWORDS.has(name)) return `${quoted(name)} is a Python keyword: pick another --package-name`;
  if (STDLIB_MODULES.has(name)) {
    return `${quoted(name)} would shadow the standard-library module ${quoted(name)}: pick another --package-name`;
  }
  if (DEPENDENCY_MODULES.has(name)) {
    return `${quoted(name)} would shadow the dependency module ${quoted(name)}: pick another --package-name`;
  }
  if (INSTALLED_MODULES.has(name)) {
    return `${quoted(name)} is a module the project's dependencies install (pytest brings \`py\`, say): pick another --package-name`;
  }
  return undefined;
}

/** Free text goes into TOML, YAML, Markdown and licences: one line, no control characters. */
export function validateFreeText(what: string): (value: string) => string | undefined {
  return (value) => {
    if (/[\r\n]/.test(value)) return `the ${what} spans several lines: keep it to one line`;
    if (CONTROL_CHARACTERS.test(value)) return `the ${what} contains control characters: remove them`;
    if (value.length > 300) return `the ${what} is longer than 300 characters: shorten it`;
    return undefined;
  };
}

export function validateEmail(value: string): string | undefined {
  if (value === '') return undefined;
  return /^[^\s@<>",]+@[^\s@<>",]+\.[^\s@<>",]+$/.test(value)
    ? undefined
    : `${quoted(value)} is not an e-mail address (name@example.org), or leave it empty`;
}
