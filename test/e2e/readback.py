"""Read an MLflow run back and print what the end-to-end test checks, as JSON.

Usage: python readback.py <tracking-uri> <run-id>

``images`` maps each logged ``figures/*.png`` to ``[width, height, darkest, lightest]`` as
Pillow decodes it (gray levels 0-255); ``logged_models`` lists the run's MLflow 3 logged models.
"""

import json
import os
import sys
import tempfile
from pathlib import Path

os.environ["MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"] = "false"  # stdout is the JSON, nothing else

from mlflow import MlflowClient  # noqa: E402
from PIL import Image  # noqa: E402

uri, run_id = sys.argv[1], sys.argv[2]
client = MlflowClient(tracking_uri=uri)
run = client.get_run(run_id)


def artifact_paths(path=None):
    for item in client.list_artifacts(run_id, path):
        if item.is_dir:
            yield from artifact_paths(item.path)
        else:
            yield item.path


def decoded(path):
    with tempfile.TemporaryDirectory() as scratch:
        local = client.download_artifacts(run_id, path, dst_path=scratch)
        with Image.open(Path(local)) as image:
            assert image.format == "PNG", path
            low, high = image.convert("L").getextrema()
            return [image.width, image.height, low, high]


artifacts = sorted(artifact_paths())
print(
    json.dumps(
        {
            "status": run.info.status,
            "params": run.data.params,
            "metrics": run.data.metrics,
            "tags": run.data.tags,
            "artifacts": artifacts,
            "images": {
                path: decoded(path)
                for path in artifacts
                if path.startswith("figures/") and path.endswith(".png")
            },
            "inputs": [d.dataset.name for d in run.inputs.dataset_inputs],
            "logged_models": [
                {
                    "name": model.name,
                    "status": str(model.status),
                    "source_run_id": model.source_run_id,
                    "metrics": sorted({metric.key for metric in model.metrics or []}),
                }
                for model in (
                    client.get_logged_model(output.model_id)
                    for output in (run.outputs.model_outputs if run.outputs else [])
                )
            ],
            "experiment_tags": client.get_experiment(run.info.experiment_id).tags,
        }
    )
)
