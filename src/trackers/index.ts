/**
 * The trackers, one module each (src/trackers/<tracker>.ts), registered by their TRACKERS value:
 * the label, the config name, whether it speaks MLflow, the catalogue entries it needs and what
 * the sdist carries for it. Its templates are templates/app/tracker/<tracker>/.
 */
import type { Tracker } from '../options/values.js';
import { azureml } from './azureml.js';
import { databricks } from './databricks.js';
import { mlflow } from './mlflow.js';
import { none } from './none.js';
import type { TrackerModule } from './shared.js';
import { wandb } from './wandb.js';

export type { TrackerModule } from './shared.js';

export const TRACKER_MODULES: Record<Tracker, TrackerModule> = { mlflow, databricks, azureml, wandb, none };

/** Catalogue entries some tracker needs: a project gets one only when its own tracker needs it. */
export const TRACKER_DEPENDENCIES: ReadonlySet<string> = new Set(Object.values(TRACKER_MODULES).flatMap((module) => module.needs));
