"""The ``Tracker`` contract: runs that are logged to, then read back."""

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar


@dataclass(frozen=True)
class RunRecord:
    """A run as read back from a tracker; params and tags are strings."""

    run_id: str
    experiment: str
    status: str
    start_time: float
    params: dict[str, str] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)


class Run(ABC):
    """An open run; every method writes through to the tracker immediately."""

    run_id: str

    @abstractmethod
    def log_params(self, params: Mapping[str, Any]) -> None:
        """Record parameters (stored as strings)."""

    @abstractmethod
    def log_metrics(self, metrics: Mapping[str, float]) -> None:
        """Record numeric metrics."""

    @abstractmethod
    def set_tags(self, tags: Mapping[str, Any]) -> None:
        """Record tags (stored as strings)."""

    @abstractmethod
    def log_artifact(self, name: str, content: str | bytes) -> None:
        """Store ``content`` as the artifact file ``name`` (may contain ``/``)."""

    def log_image(self, name: str, png: bytes) -> None:
        """Store the PNG image ``png`` as the artifact ``name`` (e.g. ``figures/roc_curve.png``).

        ``Tracker.read_artifact(run_id, name)`` returns a PNG of the same pixels (a tracker may
        re-encode it). The default stores the bytes with ``log_artifact``; trackers with an
        image API override it so the image shows in their UI.
        """
        self.log_artifact(name, png)

    def log_input(
        self, frame: Any, *, name: str, context: str, digest: str, source: str | None
    ) -> None:
        """Record a data input; the default stores it as ``input.<context>.*`` tags."""
        self.set_tags(
            {
                f"input.{context}.name": name,
                f"input.{context}.digest": digest,
                f"input.{context}.rows": len(frame),
                f"input.{context}.source": source or "in-memory",
            }
        )

    def log_model(
        self,
        model: Any,
        X_sample: Any = None,
        task: str | None = None,
        name: str = "model",
        target: str | None = None,
    ) -> None:
        """Store the fitted ``model`` as the artifact folder ``name`` (see ``model_package``).

        The default writes ``model.joblib`` and ``manifest.json`` (inputs from ``X_sample``'s
        columns and dtypes, ``task``, the ``target`` column's name, package versions);
        ``Tracker.load_model`` reads it back.
        """
        from <%- packageName %>.plumbing.model_package import (
            MANIFEST,
            MODEL_FILE,
            build_manifest,
            dump_joblib,
            manifest_json,
        )

        manifest = build_manifest(model, X_sample, task, fmt="joblib", target=target)
        self.log_artifact(f"{name}/{MODEL_FILE}", dump_joblib(model))
        self.log_artifact(f"{name}/{MANIFEST}", manifest_json(manifest))


class Tracker(ABC):
    """Where runs are recorded and read back.

    Contract:
        - ``with tracker.start_run(experiment) as run:`` opens a run (``run.run_id``) that
          logs params, metrics, tags and artifacts. A tracker that cannot record (missing
          package, unreachable server, no credentials) raises ``TrackerError`` at start and
          leaves nothing behind. If the body is interrupted (``KeyboardInterrupt``, which
          ``SIGTERM`` raises under the CLI) the run ends ``KILLED``; if it raises anything
          else, ``FAILED``; else ``FINISHED``. A process killed outright (``SIGKILL``) leaves
          its run ``RUNNING``.
        - ``get_run(run_id)`` returns a ``RunRecord``; ``read_artifact(run_id, name)`` its bytes.
        - ``search_runs(experiment)`` returns the experiment's ``RunRecord``s, newest first.
        - ``ui_hint()`` tells a person how to browse the runs; ``browse(experiment, show)``
          opens (or points at) the UI on one experiment.
        - ``load_model(run_id)`` returns the run's ``PackagedModel`` (stored by
          ``run.log_model``); ``child_tags(parent_id)`` the tags that nest a run under another.

    Class attributes the tests read (all optional):
        - ``requires``: modules the tracker imports lazily; without them its tests are skipped.
        - ``credentials``: environment variables its service needs, all named in the one-line
          ``TrackerError`` raised at start when they are missing. The generic contract test
          never reaches a live service: it checks that error, and the tracker's own tests
          run the full contract against a fake of its SDK.
        - ``offline_env``: environment under which the tracker records with no service and
          no account (e.g. an offline mode); the contract test runs it that way.
    """

    requires: ClassVar[tuple[str, ...]] = ()
    credentials: ClassVar[tuple[str, ...]] = ()
    offline_env: ClassVar[dict[str, str]] = {}

    @contextmanager
    def start_run(
        self, experiment: str, run_name: str | None = None, tags: Mapping[str, Any] | None = None
    ) -> Iterator[Run]:
        """Open a run, yield it, and close it as ``FINISHED``, ``KILLED`` or ``FAILED``.

        An interrupt (``KeyboardInterrupt``: Ctrl-C, or ``Terminated`` on ``SIGTERM``) ends
        the run ``KILLED`` and gains the note ``run <id> ended KILLED``; any other exception
        ends it ``FAILED``.
        """
        run = self._open_run(experiment, run_name, dict(tags or {}))
        try:
            yield run
        except KeyboardInterrupt as exc:
            self._close_run(run, "KILLED")
            exc.add_note(f"run {run.run_id} ended KILLED")
            raise
        except BaseException:
            self._close_run(run, "FAILED")
            raise
        self._close_run(run, "FINISHED")

    @abstractmethod
    def _open_run(self, experiment: str, run_name: str | None, tags: dict[str, Any]) -> Run:
        """Create the run or raise ``TrackerError`` without creating anything."""

    @abstractmethod
    def _close_run(self, run: Run, status: str) -> None:
        """Mark the run ``FINISHED``, ``KILLED`` or ``FAILED``."""

    @abstractmethod
    def get_run(self, run_id: str) -> RunRecord:
        """Return a logged run; unknown ids raise ``TrackerError``."""

    @abstractmethod
    def read_artifact(self, run_id: str, name: str) -> bytes:
        """Return the bytes of an artifact; missing ones raise ``TrackerError``."""

    @abstractmethod
    def search_runs(self, experiment: str) -> list[RunRecord]:
        """Return the runs of ``experiment``, newest first (empty if it does not exist)."""

    @abstractmethod
    def ui_hint(self) -> str:
        """Return a one-line instruction for browsing the runs."""

    def browse(self, experiment: str, show: Callable[[str], None]) -> None:
        """Show a person where to browse ``experiment``'s runs: ``show`` gets one line each.

        The default shows ``ui_hint()``. A tracker with a UI it can serve itself (MLflow on a
        local store) serves it until ``KeyboardInterrupt`` (Ctrl-C), then stops it.
        """
        show(self.ui_hint())

    def load_model(self, run_id: str, name: str = "model") -> Any:
        """Return the run's ``PackagedModel``; a run without one raises ``TrackerError``."""
        import json

        from <%- packageName %>.plumbing.model_package import (
            MANIFEST,
            MODEL_FILE,
            PackagedModel,
            load_joblib,
        )

        manifest = json.loads(self.read_artifact(run_id, f"{name}/{MANIFEST}"))
        model = load_joblib(self.read_artifact(run_id, f"{name}/{MODEL_FILE}"))
        return PackagedModel(model, manifest)

    def child_tags(self, parent_id: str) -> dict[str, str]:
        """Return the tags that mark a run as a child of ``parent_id`` (e.g. a sweep trial)."""
        return {"sweep.parent": parent_id}
