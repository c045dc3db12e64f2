/** Azure Machine Learning through its MLflow API, with the job files under jobs/. */
import { MLFLOW_NEEDS, type TrackerModule } from './shared.js';

export const azureml: TrackerModule = {
  id: 'azureml',
  label: 'Azure Machine Learning (MLflow API)',
  configName: 'azureml',
  mlflowApi: true,
  needs: [...MLFLOW_NEEDS, 'azureml-mlflow', 'azure-ai-ml', 'azure-identity'],
  sdist: { folders: ['jobs'], files: [] },
};
