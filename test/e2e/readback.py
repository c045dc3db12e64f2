"""Read an MLflow run back and print what the end-to-end test checks, as JSON.

Usage: python readback.py <tracking-uri> <run-id>
"""

import json
import sys

from mlflow import MlflowClient

uri, run_id = sys.argv[1], sys.argv[2]
client = MlflowClient(tracking_uri=uri)
run = client.get_run(run_id)


def artifact_paths(path=None):
    for item in client.list_artifacts(run_id, path):
        if item.is_dir:
            yield from artifact_paths(item.path)
        else:
            yield item.path


print(
    json.dumps(
        {
            "status": run.info.status,
            "params": run.data.params,
            "metrics": run.data.metrics,
            "tags": run.data.tags,
            "artifacts": sorted(artifact_paths()),
            "inputs": [d.dataset.name for d in run.inputs.dataset_inputs],
        }
    )
)
