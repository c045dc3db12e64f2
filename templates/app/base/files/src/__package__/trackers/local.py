"""A dependency-free tracker writing each run to ``<root>/<experiment>/<run_id>/``.

Each run folder holds ``run.json`` (status, params, metrics, tags) and ``artifacts/``.
"""

import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from <%- packageName %>.errors import TrackerError
from <%- packageName %>.plumbing.paths import resolve_path
from <%- packageName %>.plumbing.registry import TRACKERS
from <%- packageName %>.trackers.base import Run, RunRecord, Tracker


class LocalRun(Run):
    """A run whose state is rewritten to ``run.json`` after every call."""

    def __init__(self, folder: Path, record: dict[str, Any]) -> None:
        self.folder = folder
        self.record = record
        self.run_id = record["run_id"]

    def log_params(self, params: Mapping[str, Any]) -> None:
        self._update("params", {key: str(value) for key, value in params.items()})

    def log_metrics(self, metrics: Mapping[str, float]) -> None:
        self._update("metrics", {key: float(value) for key, value in metrics.items()})

    def set_tags(self, tags: Mapping[str, Any]) -> None:
        self._update("tags", {key: str(value) for key, value in tags.items()})

    def log_artifact(self, name: str, content: str | bytes) -> None:
        path = self.folder / "artifacts" / name
        if not path.resolve().is_relative_to((self.folder / "artifacts").resolve()):
            raise ValueError(f"artifact name escapes the run folder: {name!r}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)

    def _update(self, section: str, values: Mapping[str, Any]) -> None:
        self.record[section].update(values)
        self.save()

    def save(self) -> None:
        """Atomically rewrite ``run.json``."""
        partial = self.folder / "run.json.partial"
        partial.write_text(json.dumps(self.record, indent=2, sort_keys=True), encoding="utf-8")
        os.replace(partial, self.folder / "run.json")


@TRACKERS.register("local")
class LocalTracker(Tracker):
    """Runs as JSON and files under ``root`` (default ``runs/`` in the project root)."""

    def __init__(self, root: str = "runs") -> None:
        self.root = resolve_path(root)

    def _open_run(self, experiment: str, run_name: str | None, tags: dict[str, Any]) -> Run:
        run_id = uuid.uuid4().hex
        folder = self.root / _folder_name(experiment) / run_id
        record = {
            "run_id": run_id,
            "experiment": experiment,
            "run_name": run_name or run_id[:8],
            "status": "RUNNING",
            "start_time": time.time(),
            "end_time": None,
            "params": {},
            "metrics": {},
            "tags": {key: str(value) for key, value in tags.items()},
        }
        try:
            folder.mkdir(parents=True)
            run = LocalRun(folder, record)
            run.save()
        except OSError as exc:
            shutil.rmtree(folder, ignore_errors=True)
            raise TrackerError(f"cannot create a run under {self.root}: {exc}") from None
        return run

    def _close_run(self, run: Run, status: str) -> None:
        assert isinstance(run, LocalRun)
        run.record.update(status=status, end_time=time.time())
        run.save()

    def get_run(self, run_id: str) -> RunRecord:
        """Return the run with this id from any experiment folder."""
        return self._record(self._folder(run_id))

    def read_artifact(self, run_id: str, name: str) -> bytes:
        path = self._folder(run_id) / "artifacts" / name
        if not path.is_file():
            raise TrackerError(f"run {run_id} has no artifact {name!r}")
        return path.read_bytes()

    def search_runs(self, experiment: str) -> list[RunRecord]:
        folder = self.root / _folder_name(experiment)
        records = [self._record(path.parent) for path in folder.glob("*/run.json")]
        return sorted(records, key=lambda record: record.start_time, reverse=True)

    def ui_hint(self) -> str:
        return f"runs are folders of JSON and artifact files under {self.root}"

    def _folder(self, run_id: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{32}", run_id):
            raise TrackerError(f"not a run id: {run_id!r}")
        matches = list(self.root.glob(f"*/{run_id}/run.json"))
        if not matches:
            raise TrackerError(f"no run {run_id} under {self.root}")
        return matches[0].parent

    @staticmethod
    def _record(folder: Path) -> RunRecord:
        """Read ``run.json``; one that is not a run record raises a one-line ``TrackerError``."""
        path = folder / "run.json"
        try:
            return _to_record(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
            raise TrackerError(
                f"{path} is not a readable run record ({type(exc).__name__}: {exc}):"
                f" restore it, or move its run folder {folder} out of {folder.parent}"
            ) from None


def _folder_name(experiment: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", experiment).strip(".") or "_"


def _to_record(data: dict[str, Any]) -> RunRecord:
    return RunRecord(
        run_id=data["run_id"],
        experiment=data["experiment"],
        status=data["status"],
        start_time=data["start_time"],
        params=data["params"],
        metrics=data["metrics"],
        tags=data["tags"],
    )
