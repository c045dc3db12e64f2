/** MLflow, embedded (SQLite in the project) or a team server. */
import { MLFLOW_NEEDS, type TrackerModule } from './shared.js';

export const mlflow: TrackerModule = {
  id: 'mlflow',
  label: 'MLflow, embedded (SQLite in the project) or a team server',
  configName: 'mlflow',
  mlflowApi: true,
  // the team server's: Azure Blob artifacts and basic auth (the `team` extra)
  needs: [...MLFLOW_NEEDS, 'azure-storage-blob', 'Flask-WTF'],
  sdist: { folders: [], files: [] },
};
