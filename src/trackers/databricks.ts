/** MLflow on Databricks: the MLflow API, the Databricks SDK, a bundle (databricks.yml) and its jobs. */
import { MLFLOW_NEEDS, type TrackerModule } from './shared.js';

export const databricks: TrackerModule = {
  id: 'databricks',
  label: 'MLflow on Databricks',
  configName: 'databricks',
  mlflowApi: true,
  needs: [...MLFLOW_NEEDS, 'databricks-sdk'],
  sdist: { folders: ['jobs'], files: ['databricks.yml'] },
};
