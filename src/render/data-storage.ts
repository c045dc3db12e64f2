/**
 * What each `--data-storage` value means in the generated project: the URL DVC's remote (or,
 * without DVC, `python -m <pkg> sync`) starts with, and the environment variables that carry
 * its credentials. DVC's plugin and fsspec's filesystem for one storage read the same variables
 * (sync.py maps DVC's names onto fsspec's options), so one `.env` serves both.
 */
import type { Answers } from '../options/answers.js';
import type { DataStorage } from '../options/values.js';

export interface StorageFacts {
  /** Display name, for the docs. */
  label: string;
  /** The remote URL DVC writes in `.dvc/config` (`azure://container/path`). */
  dvcUrl: string;
  /** The same place as an fsspec URL, for sync.py (`az://container/path`). */
  syncUrl: string;
  /** Environment variables that hold the credentials: [name, what it is]. */
  credentials: Array<[string, string]>;
  /** One line on how to create the container or bucket once. */
  create: string;
}

/** A container or bucket name from the project's distribution name: lowercase, hyphens, 3–63 chars. */
function bucketName(distName: string): string {
  return `${distName}-data`.slice(0, 63).replace(/-+$/, '');
}

export function storageFacts(storage: DataStorage, distName: string): StorageFacts | undefined {
  const bucket = bucketName(distName);
  switch (storage) {
    case 'none':
      return undefined;
    case 'local':
      return {
        label: 'a shared folder',
        dvcUrl: `/srv/data-storage/${distName}/dvc`,
        syncUrl: `/srv/data-storage/${distName}/data`,
        credentials: [],
        create: `mkdir -p /srv/data-storage/${distName}   # on the share every machine mounts at /srv/data-storage`,
      };
    case 'azure':
      return {
        label: 'Azure Blob Storage',
        dvcUrl: `azure://${bucket}/dvc`,
        syncUrl: `az://${bucket}/data`,
        credentials: [
          ['AZURE_STORAGE_CONNECTION_STRING', "the storage account's connection string (secret)"],
          ['AZURE_STORAGE_ACCOUNT', 'or: the account name, with AZURE_STORAGE_KEY or an `az login` / managed identity'],
          ['AZURE_STORAGE_KEY', 'the account key (secret), with AZURE_STORAGE_ACCOUNT'],
        ],
        create: `az storage container create --name ${bucket}   # once, with the same credentials`,
      };
    case 's3':
      return {
        label: 'Amazon S3',
        dvcUrl: `s3://${bucket}/dvc`,
        syncUrl: `s3://${bucket}/data`,
        credentials: [
          ['AWS_ACCESS_KEY_ID', 'the access key id (or AWS_PROFILE, or an instance role)'],
          ['AWS_SECRET_ACCESS_KEY', 'the secret access key (secret)'],
          ['AWS_PROFILE', 'or: a profile from ~/.aws/credentials'],
          ['AWS_ENDPOINT_URL', 'an S3-compatible store (MinIO, Ceph) instead of AWS'],
        ],
        create: `aws s3 mb s3://${bucket}   # once, with the same credentials`,
      };
    case 'gcs':
      return {
        label: 'Google Cloud Storage',
        dvcUrl: `gs://${bucket}/dvc`,
        syncUrl: `gs://${bucket}/data`,
        credentials: [
          ['GOOGLE_APPLICATION_CREDENTIALS', "path of a service account's key file (outside the project), or `gcloud auth application-default login`"],
        ],
        create: `gcloud storage buckets create gs://${bucket}   # once, with the same credentials`,
      };
  }
}

/** What the templates need about data: whether DVC is on, the storage's facts, and the verbs. */
export interface DataFacts {
  dvc: boolean;
  storage: StorageFacts | undefined;
  /** `make sync_data_up` / `sync_data_down` exist (a storage is chosen). */
  sync: boolean;
  /** The docs page `docs/data.md` is written. */
  page: boolean;
}

export function dataFacts(answers: Answers, distName: string): DataFacts {
  const dvc = answers.dataVersioning === 'dvc';
  const storage = storageFacts(answers.dataStorage, distName);
  return { dvc, storage, sync: storage !== undefined, page: dvc || storage !== undefined };
}
