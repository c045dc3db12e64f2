/** No tracker service: runs are folders of JSON and artifact files under runs/. */
import type { TrackerModule } from './shared.js';

export const none: TrackerModule = {
  id: 'none',
  label: 'None (runs written to a local folder)',
  configName: 'local',
  mlflowApi: false,
  needs: [],
  sdist: { folders: [], files: [] },
};
