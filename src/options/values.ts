/** The values of every choice option: a public contract, and the floor the option model stands on. */
export const PYTHON_VERSIONS = ['3.11', '3.12', '3.13'] as const;
export const ENV_TOOLS = ['venv', 'conda', 'poetry', 'uv', 'pipenv'] as const;
export const TRACKERS = ['mlflow', 'databricks', 'azureml', 'wandb', 'none'] as const;
export const STRUCTURES = ['ccds', 'generic'] as const;
export const LICENSES = ['MIT', 'BSD-3-Clause', 'Apache-2.0', 'none'] as const;
export const CIS = ['github', 'azure-pipelines', 'none'] as const;
export const DATA_VERSIONINGS = ['none', 'dvc'] as const;
export const DATA_STORAGES = ['none', 'local', 'azure', 's3', 'gcs'] as const;

export type PythonVersion = (typeof PYTHON_VERSIONS)[number];
export type EnvTool = (typeof ENV_TOOLS)[number];
export type Tracker = (typeof TRACKERS)[number];
export type Structure = (typeof STRUCTURES)[number];
export type License = (typeof LICENSES)[number];
export type Ci = (typeof CIS)[number];
export type DataVersioning = (typeof DATA_VERSIONINGS)[number];
export type DataStorage = (typeof DATA_STORAGES)[number];
