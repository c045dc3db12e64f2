/**
 * A tracker is its value in TRACKERS, one module in src/trackers/ and one template folder: these
 * tests fail when a part is missing for some value, or a module names a dependency the catalogue
 * does not have.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, dependenciesFor } from '../src/options/catalogue.js';
import { TEMPLATES_ROOT } from '../src/render/layers.js';
import { choiceValues, type Answers } from '../src/options/options.js';
import { TRACKERS } from '../src/options/values.js';
import { TRACKER_MODULES } from '../src/trackers/index.js';

const answers = (tracker: Answers['tracker']): Answers => ({
  projectName: 'demo',
  packageName: 'demo',
  description: 'Experiments.',
  authorName: '',
  authorEmail: '',
  python: '3.12',
  envTool: 'venv',
  tracker,
  structure: 'ccds',
  license: 'MIT',
  ci: 'github',
  dataVersioning: 'none',
  dataStorage: 'none',
});

describe('tracker modules', () => {
  it('one module is registered per TRACKERS value, under its own id, with its own label and config name', () => {
    expect(Object.keys(TRACKER_MODULES).sort()).toEqual([...TRACKERS].sort());
    for (const tracker of TRACKERS) expect(TRACKER_MODULES[tracker].id).toBe(tracker);
    expect(choiceValues('tracker')).toEqual([...TRACKERS]);
    for (const field of ['label', 'configName'] as const) {
      const values = TRACKERS.map((tracker) => TRACKER_MODULES[tracker][field]);
      expect(new Set(values).size, field).toBe(values.length);
    }
  });

  it.each([...TRACKERS])('%s: its template folder exists, and the project gets exactly the catalogue entries it needs', (tracker) => {
    const module = TRACKER_MODULES[tracker];
    expect(existsSync(path.join(TEMPLATES_ROOT, 'app', 'tracker', tracker, 'layer.json'))).toBe(true);
    const names = new Set(CATALOGUE.map((dependency) => dependency.name));
    for (const name of module.needs) expect(names, name).toContain(name);
    const installed = new Set((['runtime', 'dev', 'team'] as const).flatMap((group) => dependenciesFor(answers(tracker), group)).map((dependency) => dependency.name));
    const runtime = new Set(dependenciesFor(answers(tracker), 'runtime').map((dependency) => dependency.name));
    for (const other of TRACKERS) {
      for (const name of TRACKER_MODULES[other].needs) {
        // what the project's tests import stays installed, in the dev set, when its tracker does not need it
        const forTests = CATALOGUE.find((dependency) => dependency.name === name)?.tests === true;
        expect(installed.has(name), `${tracker} project, ${name}`).toBe(module.needs.includes(name) || forTests);
        if (forTests) expect(runtime.has(name), `${tracker} project, ${name} at run time`).toBe(module.needs.includes(name));
      }
    }
  });
});
