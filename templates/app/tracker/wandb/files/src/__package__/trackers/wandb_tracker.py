"""Weights & Biases tracker, with every run also kept as a local run folder.

Each run is written twice, under one id:
    - to W&B (``wandb.init``): each experiment is a W&B project; params go to the run config,
      metrics to its summary, tags to ``config["mlexp"]["tags"]``, and artifacts to its files
      under ``artifacts/``. ``WANDB_MODE=offline`` keeps the run in ``wandb/offline-run-*``
      (no account, no network) until ``wandb sync`` uploads it; ``WANDB_MODE=disabled`` skips
      W&B altogether.
    - to ``runs/<experiment>/<run-id>/`` in the local tracker's format.

Runs are read back from the local folders first, so ``compare`` and ``reproduce`` work
offline. When W&B is online, ``search_runs`` adds the experiment's runs that exist only in
W&B (logged on other machines) through the public API; their ids read ``<project>/<run-id>``,
which ``get_run``, ``read_artifact`` and ``reproduce`` accept. ``wandb`` is imported only
when a run is opened or W&B is queried.
"""

import logging
import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from <%- packageName %>.errors import TrackerError
from <%- packageName %>.plumbing.paths import project_root, resolve_path
from <%- packageName %>.plumbing.registry import TRACKERS
from <%- packageName %>.trackers.base import Run, RunRecord, Tracker
from <%- packageName %>.trackers.local import LocalRun, LocalTracker

OFFLINE_MODES = ("offline", "dryrun", "disabled")
ARTIFACTS = "artifacts"
SYNC = "wandb sync"
NO_API_KEY = (
    "wandb tracker: no W&B API key; set WANDB_API_KEY (or run `wandb login`),"
    " or set WANDB_MODE=offline to log without an account"
)
STATES = {"finished": "FINISHED", "failed": "FAILED", "crashed": "FAILED", "killed": "KILLED"}
logger = logging.getLogger(__name__)


class WandbRun(Run):
    """A run written to W&B and to its local folder."""

    def __init__(self, wandb_run: Any, local: LocalRun, experiment: str) -> None:
        self.wandb_run = wandb_run
        self.local = local
        self.experiment = experiment
        self.run_id = local.run_id
        self.files = None if wandb_run.disabled else Path(wandb_run.dir)

    def log_params(self, params: Mapping[str, Any]) -> None:
        """Record parameters (strings) in the run config."""
        self.local.log_params(params)
        values = {key: self.local.record["params"][key] for key in params}
        self.wandb_run.config.update(values, allow_val_change=True)

    def log_metrics(self, metrics: Mapping[str, float]) -> None:
        """Record metrics in the run summary."""
        self.local.log_metrics(metrics)
        self.wandb_run.summary.update({key: float(value) for key, value in metrics.items()})

    def set_tags(self, tags: Mapping[str, Any]) -> None:
        """Record tags (strings) under ``config["mlexp"]["tags"]``."""
        self.local.set_tags(tags)
        self.sync_bookkeeping()

    def log_artifact(self, name: str, content: str | bytes) -> None:
        """Write ``artifacts/<name>`` locally and into the W&B run's files."""
        self.local.log_artifact(name, content)
        if self.files is None:
            return
        path = self.files / ARTIFACTS / name
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.local.folder / "artifacts" / name, path)
        self.wandb_run.save(str(path), base_path=str(self.files), policy="end", glob=False)

    def log_image(self, name: str, png: bytes) -> None:
        """Keep the PNG as the artifact ``name`` and log it as a ``wandb.Image``.

        It shows in the run's media panel under ``name`` without ``.png``.
        """
        import io

        from PIL import Image

        self.log_artifact(name, png)
        if self.wandb_run.disabled:
            return
        wandb = _import_wandb()
        with Image.open(io.BytesIO(png)) as image:
            image.load()
            # commit=False: all figures share one history step, written when the run ends
            self.wandb_run.log({name.removesuffix(".png"): wandb.Image(image)}, commit=False)

    def sync_bookkeeping(self) -> None:
        """Store the experiment, start time and tags in the W&B run config."""
        record = self.local.record
        mlexp = {
            "experiment": self.experiment,
            "start_time": record["start_time"],
            "tags": dict(record["tags"]),
        }
        self.wandb_run.config.update({"mlexp": mlexp}, allow_val_change=True)


@TRACKERS.register("wandb")
class WandbTracker(Tracker):
    """Runs in W&B plus local run folders (see the module docstring)."""

    requires: ClassVar[tuple[str, ...]] = ("wandb",)
    credentials: ClassVar[tuple[str, ...]] = ("WANDB_API_KEY",)
    offline_env: ClassVar[dict[str, str]] = {"WANDB_MODE": "offline", "WANDB_SILENT": "true"}

    def __init__(
        self, entity: str | None = None, root: str = "runs", dir: str | None = None
    ) -> None:
        self.entity = entity or os.environ.get("WANDB_ENTITY") or None
        self.local = LocalTracker(root)
        self.dir = resolve_path(dir or os.environ.get("WANDB_DIR") or project_root())

    @property
    def mode(self) -> str:
        """``online``, ``offline`` or ``disabled``, from ``WANDB_MODE``."""
        mode = os.environ.get("WANDB_MODE", "online").strip().lower() or "online"
        return "offline" if mode == "dryrun" else mode

    def _open_run(self, experiment: str, run_name: str | None, tags: dict[str, Any]) -> Run:
        wandb = _import_wandb()
        local = self.local._open_run(experiment, run_name, tags)
        assert isinstance(local, LocalRun)
        wandb_run = None
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            wandb_run = wandb.init(
                project=project_name(experiment),
                entity=self.entity,
                id=local.run_id,
                name=local.record["run_name"],
                dir=str(self.dir),
                mode=self.mode if self.mode in ("online", *OFFLINE_MODES) else None,
                resume="never",
                reinit="create_new",
                settings=wandb.Settings(console="off", silent=True),
            )
            run = WandbRun(wandb_run, local, experiment)
            run.sync_bookkeeping()
        except Exception as exc:
            if wandb_run is not None:
                wandb_run.finish(exit_code=1)
            shutil.rmtree(local.folder, ignore_errors=True)
            raise TrackerError(_start_error(exc)) from None
        return run

    def _close_run(self, run: Run, status: str) -> None:
        assert isinstance(run, WandbRun)
        self.local._close_run(run.local, status)
        run.wandb_run.finish(exit_code=0 if status == "FINISHED" else 1)

    def get_run(self, run_id: str) -> RunRecord:
        """Return the run from its local folder, else (``<project>/<id>``) from W&B."""
        if "/" not in run_id:
            return self.local.get_run(run_id)
        return _to_record(self._remote(run_id))

    def read_artifact(self, run_id: str, name: str) -> bytes:
        """Return an artifact from the local folder, else from the W&B run's files."""
        if "/" not in run_id:
            return self.local.read_artifact(run_id, name)
        remote = self._remote(run_id)
        with tempfile.TemporaryDirectory() as scratch:
            try:
                remote.file(f"{ARTIFACTS}/{name}").download(root=scratch, replace=True)
                return (Path(scratch) / ARTIFACTS / name).read_bytes()
            except Exception as exc:
                raise TrackerError(f"run {run_id} has no artifact {name!r}: {exc}") from None

    def search_runs(self, experiment: str) -> list[RunRecord]:
        """Return the local runs plus, when online, the W&B runs not kept locally."""
        records = self.local.search_runs(experiment)
        if self.mode != "online":
            return records
        known = {record.run_id for record in records}
        try:
            api = self._api()
            path = f"{self._entity(api)}/{project_name(experiment)}"
            remote = [_to_record(run) for run in api.runs(path, order="-created_at")]
        except Exception as exc:
            logger.warning("W&B is unavailable, showing local runs only: %s", exc)
            return records
        records += [
            record
            for record in remote
            if record.run_id.rsplit("/", 1)[-1] not in known and record.experiment == experiment
        ]
        return sorted(records, key=lambda record: record.start_time, reverse=True)

    def ui_hint(self) -> str:
        """Say where the runs can be browsed: the W&B app, after a sync when offline."""
        folders = f"every run is also a folder under {self.local.root}"
        if self.mode == "disabled":
            return f"W&B is disabled (WANDB_MODE=disabled): {folders}"
        page = f"{app_url()}/{self.entity or '<entity>'}/<experiment>"
        if self.mode == "offline":
            offline = _shown(self.dir / "wandb") + "/offline-run-*"
            return f"upload the offline runs with `{SYNC} {offline}`, then open {page}; {folders}"
        return f"open {page} in a browser (one W&B project per experiment); {folders}"

    def _api(self) -> Any:
        wandb = _import_wandb()
        return wandb.Api(timeout=30)

    def _entity(self, api: Any) -> str:
        return self.entity or api.default_entity

    def _remote(self, run_id: str) -> Any:
        """Fetch ``<project>/<id>`` (or ``<entity>/<project>/<id>``) through the W&B API."""
        if self.mode != "online":
            raise TrackerError(f"run {run_id} is only in W&B; reading it needs WANDB_MODE=online")
        try:
            api = self._api()
            path = run_id if run_id.count("/") == 2 else f"{self._entity(api)}/{run_id}"
            return api.run(path)
        except Exception as exc:
            raise TrackerError(f"no W&B run {run_id}: {_first_line(exc)}") from None


def project_name(experiment: str) -> str:
    """Return the W&B project for an experiment (characters W&B refuses become ``-``)."""
    return re.sub(r"[\\/#?%:]", "-", experiment)[:128] or "-"


def app_url() -> str:
    """Return the W&B app address as wandb derives it (``WANDB_BASE_URL`` for a server)."""
    base = os.environ.get("WANDB_BASE_URL")
    try:
        wandb = _import_wandb()
        settings = wandb.Settings(base_url=base) if base else wandb.Settings()
        return str(settings.app_url).rstrip("/")
    except Exception:
        return (base or "https://wandb.ai").rstrip("/")


def _import_wandb() -> Any:
    try:
        import wandb
    except ImportError:
        raise TrackerError(
            "the wandb tracker needs the wandb package: pip install wandb"
            " (or select tracker: local)"
        ) from None
    return wandb


def _start_error(exc: Exception) -> str:
    text = _first_line(exc)
    if "api key" in text.lower() or "api_key" in text.lower():
        return NO_API_KEY
    return f"wandb tracker: cannot start a W&B run: {text}"


def _to_record(run: Any) -> RunRecord:
    """Map a public-API W&B run to a ``RunRecord`` (its id is ``<project>/<id>``)."""
    config = dict(run.config)
    mlexp = config.pop("mlexp", None) or {}
    metrics = {
        key: float(value)
        for key, value in dict(run.summary_metrics).items()
        if not key.startswith("_") and isinstance(value, int | float)
    }
    return RunRecord(
        run_id=f"{run.project}/{run.id}",
        experiment=mlexp.get("experiment", run.project),
        status=STATES.get(run.state, str(run.state).upper()),
        start_time=float(mlexp.get("start_time", 0.0)),
        params={key: str(value) for key, value in config.items() if not key.startswith("_")},
        metrics=metrics,
        tags={key: str(value) for key, value in mlexp.get("tags", {}).items()},
    )


def _shown(path: Path) -> str:
    """Return ``path`` relative to the working directory when it is below it."""
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
