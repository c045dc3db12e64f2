"""Small, deterministic, real implementations of the block contracts."""

import time
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from <%- packageName %>.datasets.base import Dataset
from <%- packageName %>.errors import TrackerError
from <%- packageName %>.models.base import Model
from <%- packageName %>.trackers.base import Run, RunRecord, Tracker


class MockDataset(Dataset):
    """``n_rows`` rows: ``x`` = 0, 1, 2...; ``group`` alternates 0/1; label 1 when x >= n/2."""

    name = "mock"
    version = "1"

    def __init__(self, n_rows: int = 40) -> None:
        self.n_rows = n_rows

    def _load(self) -> tuple[pd.DataFrame, pd.Series]:
        x = np.arange(self.n_rows, dtype=float)
        features = pd.DataFrame({"x": x, "group": np.arange(self.n_rows) % 2})
        return features, pd.Series((x >= self.n_rows / 2).astype(int), name="label")


class MockModel(Model):
    """Predicts the most frequent training label; probabilities are the label frequencies."""

    def __init__(self, smoothing: float = 0.0) -> None:
        self.smoothing = smoothing

    def fit(self, X: Any, y: Any) -> "MockModel":
        labels, counts = np.unique(np.asarray(y), return_counts=True)
        weights = counts + self.smoothing
        self.classes_ = labels
        self.priors_ = weights / weights.sum()
        return self

    def predict(self, X: Any) -> np.ndarray:
        return np.full(len(X), self.classes_[np.argmax(self.priors_)])

    def predict_proba(self, X: Any) -> np.ndarray:
        return np.tile(self.priors_, (len(X), 1))

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {"smoothing": self.smoothing}

    def set_params(self, **params: Any) -> "MockModel":
        for key, value in params.items():
            setattr(self, key, value)
        return self


class MockRun(Run):
    def __init__(self, record: dict[str, Any]) -> None:
        self.record = record
        self.run_id = record["run_id"]

    def log_params(self, params: Mapping[str, Any]) -> None:
        self.record["params"].update({k: str(v) for k, v in params.items()})

    def log_metrics(self, metrics: Mapping[str, float]) -> None:
        self.record["metrics"].update({k: float(v) for k, v in metrics.items()})

    def set_tags(self, tags: Mapping[str, Any]) -> None:
        self.record["tags"].update({k: str(v) for k, v in tags.items()})

    def log_artifact(self, name: str, content: str | bytes) -> None:
        self.record["artifacts"][name] = content.encode() if isinstance(content, str) else content


class MockTracker(Tracker):
    """Keeps runs in memory; ``fail_on_start`` simulates missing credentials."""

    def __init__(self, fail_on_start: bool = False) -> None:
        self.fail_on_start = fail_on_start
        self.runs: dict[str, dict[str, Any]] = {}

    def _open_run(self, experiment: str, run_name: str | None, tags: dict[str, Any]) -> Run:
        if self.fail_on_start:
            raise TrackerError("mock tracker: no credentials")
        run_id = f"{len(self.runs) + 1:032x}"
        self.runs[run_id] = {
            "run_id": run_id,
            "experiment": experiment,
            "status": "RUNNING",
            "start_time": time.time() + len(self.runs) * 1e-3,
            "params": {},
            "metrics": {},
            "tags": {k: str(v) for k, v in tags.items()},
            "artifacts": {},
        }
        return MockRun(self.runs[run_id])

    def _close_run(self, run: Run, status: str) -> None:
        self.runs[run.run_id]["status"] = status

    def get_run(self, run_id: str) -> RunRecord:
        if run_id not in self.runs:
            raise TrackerError(f"no run {run_id}")
        data = self.runs[run_id]
        return RunRecord(
            run_id=run_id,
            experiment=data["experiment"],
            status=data["status"],
            start_time=data["start_time"],
            params=dict(data["params"]),
            metrics=dict(data["metrics"]),
            tags=dict(data["tags"]),
        )

    def read_artifact(self, run_id: str, name: str) -> bytes:
        try:
            return self.runs[run_id]["artifacts"][name]
        except KeyError:
            raise TrackerError(f"run {run_id} has no artifact {name!r}") from None

    def search_runs(self, experiment: str) -> list[RunRecord]:
        found = [self.get_run(i) for i, r in self.runs.items() if r["experiment"] == experiment]
        return sorted(found, key=lambda record: record.start_time, reverse=True)

    def ui_hint(self) -> str:
        return "runs are kept in memory"


PROGRESS_STAGES = ("data", "split", "recorded", "fitted", "evaluated", "reported", "logged", "see")
"""The first word of each progress line ``run`` prints on stderr (``plumbing/progress.py``)."""


def error_line(err: str) -> str:
    """Return the last line of a command's stderr, checking that the others are progress."""
    *before, last = err.splitlines()
    assert all(line.split()[0] in PROGRESS_STAGES for line in before), err
    return last + "\n"
