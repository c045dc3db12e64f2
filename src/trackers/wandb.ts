/** Weights & Biases. */
import type { TrackerModule } from './shared.js';

export const wandb: TrackerModule = {
  id: 'wandb',
  label: 'Weights & Biases',
  configName: 'wandb',
  mlflowApi: false,
  needs: ['wandb', 'pillow'], // figures go to wandb.Image as PIL images
  sdist: { folders: [], files: [] },
};
