/** What every tracker module answers (src/trackers/<tracker>.ts). */
import type { Tracker } from '../options/values.js';

export interface TrackerModule {
  id: Tracker;
  /** The choice's label in the prompt, `--help` and the README's options table. */
  label: string;
  /** The name under which the generated project's config selects it (`tracker.name`). */
  configName: string;
  /** Whether it speaks the MLflow API (and shares the generated mlflow_tracker.py). */
  mlflowApi: boolean;
  /** Catalogue entries (src/options/catalogue.ts) a project with this tracker needs; no other tracker's project gets them. */
  needs: readonly string[];
  /** What the sdist carries beside the package for this tracker (the suite reads them). */
  sdist: { folders: readonly string[]; files: readonly string[] };
}

/**
 * What every MLflow-API tracker needs: the client, the embedded store's migrations, skops, the UI,
 * and Pillow (figures go to `log_image` as PIL images).
 */
export const MLFLOW_NEEDS = ['mlflow-skinny', 'alembic', 'skops', 'mlflow', 'pillow'] as const;
