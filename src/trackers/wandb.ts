/** Weights & Biases. */
import type { TrackerModule } from './shared.js';

export const wandb: TrackerModule = {
  id: 'wandb',
  label: 'Weights & Biases',
  configName: 'wandb',
  mlflowApi: false,
  needs: ['wandb'],
  sdist: { folders: [], files: [] },
};
