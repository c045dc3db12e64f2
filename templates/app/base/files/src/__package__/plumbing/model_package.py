"""Packaged models: a fitted model plus a manifest of its inputs, task and package versions.

Every run stores its model under the artifact folder ``model/``. The default package is
``model.joblib`` plus ``manifest.json``; MLflow-family trackers store an MLflow model
(``pyfunc`` with a signature) with the same ``manifest.json`` inside. The manifest holds:

    - ``format``: how the model file is stored (``joblib`` or ``mlflow``).
    - ``task``: the evaluator name (``classification``, ``regression``...).
    - ``inputs``: the training columns in order, each ``{"name", "dtype"}``.
    - ``target``: the name of the target column trained on (absent when it had none).
    - ``classes``: the class labels of a classifier (else absent).
    - ``packages``: versions of Python and the packages needed to load the model.

A joblib file is a pickle: load only models from runs you trust.
"""

import functools
import io
import json
import platform
from dataclasses import dataclass
from importlib import metadata
from typing import Any

import numpy as np
import pandas as pd

from <%- packageName %>.errors import SchemaError

MODEL_DIR = "model"
MANIFEST = "manifest.json"
MODEL_FILE = "model.joblib"
_PACKAGES = ("scikit-learn", "numpy", "pandas", "joblib", "skops", "mlflow", "torch")


@dataclass(frozen=True)
class PackagedModel:
    """A loaded model and its manifest."""

    model: Any
    manifest: dict[str, Any]

    def predict_frame(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Check ``frame`` against the manifest and return ``prediction`` (+ ``score_<label>``).

        Columns that are not training inputs are ignored. Raises ``SchemaError`` (one line)
        when a training column is missing or its type differs from training, or when the model
        rejects missing values that ``X`` has (models that accept NaN get them unchanged).
        """
        X = check_schema(self.manifest, frame)
        try:
            predictions = np.asarray(self.model.predict(X))
            probabilities = (
                np.asarray(self.model.predict_proba(X))
                if hasattr(self.model, "predict_proba")
                else None
            )
        except ValueError:
            missing = missing_values(X)
            if missing:
                raise SchemaError(missing) from None
            raise
        result = pd.DataFrame({"prediction": predictions}, index=X.index)
        if probabilities is not None:
            labels = getattr(self.model, "classes_", range(probabilities.shape[1]))
            for j, label in enumerate(labels):
                result[f"score_{label}"] = probabilities[:, j]
        return result


def build_manifest(
    model: Any,
    X_sample: pd.DataFrame | None,
    task: str | None,
    fmt: str,
    target: str | None = None,
) -> dict[str, Any]:
    """Return the manifest of ``model``, trained on columns like ``X_sample`` for ``target``."""
    if X_sample is not None:
        inputs = [{"name": str(c), "dtype": str(t)} for c, t in X_sample.dtypes.items()]
    else:
        names = getattr(model, "feature_names_in_", None)
        names = [] if names is None else names
        inputs = [{"name": str(c), "dtype": "unknown"} for c in names]
    manifest: dict[str, Any] = {
        "format": fmt,
        "task": task or "unknown",
        "model_class": f"{type(model).__module__}.{type(model).__qualname__}",
        "inputs": inputs,
        "packages": package_versions(),
    }
    if target is not None:
        manifest["target"] = target
    classes = getattr(model, "classes_", None)
    if classes is not None:
        manifest["classes"] = [c.item() if hasattr(c, "item") else c for c in classes]
    return manifest


def package_versions() -> dict[str, str]:
    """Return the versions of Python and of the installed model-related packages."""
    return dict(_package_versions())


@functools.cache
def _package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}  # read once: one process, one environment
    for name in _PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def dump_joblib(model: Any) -> bytes:
    """Return ``model`` serialized with joblib."""
    import joblib

    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    return buffer.getvalue()


def load_joblib(content: bytes) -> Any:
    """Return the model in joblib bytes (a pickle: trusted sources only)."""
    import joblib

    return joblib.load(io.BytesIO(content))


def manifest_json(manifest: dict[str, Any]) -> str:
    """Return the manifest as stable, readable JSON."""
    return json.dumps(manifest, indent=2, sort_keys=True, default=str)


def check_schema(manifest: dict[str, Any], frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame``'s training columns in training order, numeric ones cast to their dtype.

    Other columns are left out. Raises ``SchemaError`` naming missing columns, or a non-numeric
    column where numbers were trained.
    """
    inputs = manifest.get("inputs") or []
    if not inputs:
        return frame
    expected = [column["name"] for column in inputs]
    columns = [str(column) for column in frame.columns]
    problems = []
    missing = [name for name in expected if name not in columns]
    if missing:
        problems.append(f"missing column(s) {_names(missing)}")
    frame = frame.set_axis(columns, axis=1)
    for column in inputs:
        name, dtype = column["name"], column["dtype"]
        if name in missing or not _numeric(dtype):
            continue
        if not pd.api.types.is_numeric_dtype(frame[name]):
            problems.append(
                f"column {name!r} is {frame[name].dtype} but the model was trained on numbers"
                f" ({dtype})"
            )
    if problems:
        raise SchemaError("input does not match the training data: " + "; ".join(problems))
    X = frame[expected].copy()
    for column in inputs:
        if _numeric(column["dtype"]):
            X[column["name"]] = X[column["name"]].astype(column["dtype"])
    return X


def missing_values(X: pd.DataFrame) -> str | None:
    """Return a one-line report of the first column of ``X`` with missing values, else ``None``.

    Rows are counted from 1, the first row after a CSV header.
    """
    for name in X.columns:
        rows = np.flatnonzero(X[name].isna().to_numpy())
        if len(rows):
            shown = ", ".join(str(row + 1) for row in rows[:5])
            more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
            return (
                f"column {str(name)!r} has {len(rows)} missing value(s) (rows {shown}{more}):"
                " fill or drop them"
            )
    return None


def _numeric(dtype: str) -> bool:
    try:
        return pd.api.types.is_numeric_dtype(np.dtype(dtype))
    except TypeError:
        return False


def _names(names: list[str]) -> str:
    shown = ", ".join(repr(name) for name in names[:5])
    return shown + (f" and {len(names) - 5} more" if len(names) > 5 else "")
