/**
 * The stored answers: the shape of what `.yo-rc.json` holds. Run-time inputs that are never
 * stored (a team preset's dependencies) are another type, `RenderInputs` in catalogue.ts.
 */
import type { Ci, DataStorage, DataVersioning, EnvTool, License, PythonVersion, Structure, Tracker } from './values.js';

/** Everything stored in `.yo-rc.json`: what a re-run, a sub-generator or an upgrade needs. */
export interface Answers {
  projectName: string;
  packageName: string;
  description: string;
  authorName: string;
  authorEmail: string;
  python: PythonVersion;
  envTool: EnvTool;
  tracker: Tracker;
  structure: Structure;
  license: License;
  ci: Ci;
  dataVersioning: DataVersioning;
  dataStorage: DataStorage;
  /** Optional catalogue dependencies added by sub-generators (e.g. `pyarrow`). Not asked. */
  extras?: string[];
}
/** Keys of the answers the option model asks for (extras are added by sub-generators). */
export type AnswerKey = Exclude<keyof Answers, 'extras'>;
