"""MLflow tracker: an embedded SQLite store by default, any MLflow server when configured.

The tracking URI is, in order: the ``tracking_uri`` parameter, ``MLFLOW_TRACKING_URI``
(used unchanged, so a team server needs no code change), else
``sqlite:///<project root>/mlflow.db``. Experiments created in a SQLite store keep their
artifacts in ``mlartifacts/`` beside the database file; a server decides for itself.
``mlflow`` is imported only when a run is opened or read.

An ``http(s)://`` server is probed once per tracker with one short request (no retries, a
``PROBE_TIMEOUT`` seconds timeout) before its first use, so an unreachable server fails in
seconds instead of after MLflow's minutes of retries. Error messages and the UI hint show
the URI with its password replaced by ``***``.

A SQLite store that another process holds locked (SQLite's busy timeout: 5 s, or
``?timeout=<seconds>`` in the URI) or that is not a SQLite database is reported in one line
that says what to do (``store_problem``), wherever MLflow meets it.

Services that speak the MLflow API (Databricks, Azure ML) subclass ``MlflowTracker`` and
override its extension points: ``_connect`` (check credentials, return the tracking URI),
``_store_experiment``/``_display_experiment`` (map experiment names to the store's names),
``_prepare_experiment`` (before an experiment is created) and ``run_class``.
"""

import json
import logging
import os
import re
import shlex
import tempfile
import time
import uuid
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import unquote, urlsplit

from <%- packageName %>.errors import <%- importNames(errorName, 'TrackerError') %>
from <%- packageName %>.plumbing.drivers import (
    missing_client_error,
    require_artifact_client,
    require_database_driver,
)
from <%- packageName %>.plumbing.paths import project_root
from <%- packageName %>.plumbing.registry import TRACKERS
from <%- packageName %>.trackers.base import Run, RunRecord, Tracker

EXPERIMENT_KIND = "mlflow.experimentKind"  # the experiment tag MLflow 3's UI picks its view by
MODEL_TRAINING = "custom_model_development"  # its "Machine learning" kind: runs, not traces
_DATABASES = ("postgresql", "mysql", "mssql", "oracle")  # SQLAlchemy stores a client opens itself
_PROGRESS_BAR = "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"
_BATCH = 100  # MLflow accepts at most 100 params (1000 metrics) per log_batch call
SCHEMA_SAMPLE = 1000  # rows a logged dataset's schema is inferred from
# seconds the first request to an HTTP tracking server may take: a busy server with basic auth
# spends seconds hashing the password of a login it has not cached
PROBE_TIMEOUT = 15
_PROBE_ENV = {
    "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0",
    "MLFLOW_HTTP_REQUEST_TIMEOUT": str(PROBE_TIMEOUT),
    "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "0",
}


class MlflowRun(Run):
    """An open MLflow run, written through ``MlflowClient`` to the store at ``tracking_uri``.

    ``logged_models``: whether ``log_model`` uses MLflow 3's logged-models API (a service that
    lacks it, such as Azure ML, sets it false and gets the model as plain run artifacts).
    """

    logged_models: ClassVar[bool] = True

    def __init__(
        self, client: Any, run_id: str, tracking_uri: str = "", experiment_id: str = ""
    ) -> None:
        self.client = client
        self.run_id = run_id
        self.tracking_uri = tracking_uri
        self.experiment_id = experiment_id
        self.params: dict[str, str] = {}  # what this run logged, for its logged model
        self.metrics: list[Any] = []
        self.test_input: tuple[str, str] | None = None  # name, digest of the testing input

    def log_params(self, params: Mapping[str, Any]) -> None:
        from mlflow.entities import Param

        entries = {key: str(value) for key, value in params.items()}
        with store_errors(self.tracking_uri):
            for chunk in _chunks([Param(key, value) for key, value in entries.items()]):
                self.client.log_batch(self.run_id, params=chunk)
        self.params.update(entries)

    def log_metrics(self, metrics: Mapping[str, float]) -> None:
        """Record metrics at step 0."""
        from mlflow.entities import Metric

        now = int(time.time() * 1000)
        entries = [Metric(key, float(value), now, 0) for key, value in metrics.items()]
        with store_errors(self.tracking_uri):
            for chunk in _chunks(entries):
                self.client.log_batch(self.run_id, metrics=chunk)
        self.metrics.extend(entries)

    def set_tags(self, tags: Mapping[str, Any]) -> None:
        """Record tags; ``git.commit`` is mirrored to ``mlflow.source.git.commit`` for the UI."""
        from mlflow.entities import RunTag

        tags = dict(tags)
        if "git.commit" in tags:
            tags["mlflow.source.git.commit"] = tags["git.commit"]
        with store_errors(self.tracking_uri):
            for chunk in _chunks([RunTag(key, str(value)) for key, value in tags.items()]):
                self.client.log_batch(self.run_id, tags=chunk)

    def log_artifact(self, name: str, content: str | bytes) -> None:
        """Upload ``content`` as the artifact ``name``."""
        with tempfile.TemporaryDirectory() as scratch:
            path = Path(scratch) / Path(name).name
            path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
            folder = str(Path(name).parent.as_posix())
            with store_errors(self.tracking_uri):
                self.client.log_artifact(self.run_id, str(path), None if folder == "." else folder)

    def log_image(self, name: str, png: bytes) -> None:
        """Log the PNG with ``MlflowClient.log_image`` as the artifact ``name``.

        The MLflow UI previews it in the run's artifacts.
        """
        import io

        from PIL import Image

        with Image.open(io.BytesIO(png)) as image:
            image.load()
            self.client.log_image(self.run_id, image, artifact_file=name)

    def log_input(
        self, frame: Any, *, name: str, context: str, digest: str, source: str | None
    ) -> None:
        """Log an MLflow dataset input (``mlflow.data.from_pandas``) with its context.

        The schema is inferred from ``SCHEMA_SAMPLE`` evenly spaced rows (MLflow checks every
        cell otherwise: seconds for a large table), with ``required`` from the whole column
        and the profile's row and element counts from the whole table.
        """
        from mlflow.data.pandas_dataset import from_pandas
        from mlflow.entities import Dataset, DatasetInput, InputTag

        sample = frame.iloc[:: max(1, len(frame) // SCHEMA_SAMPLE)]
        with warnings.catch_warnings():  # schema-inference hints are noise here
            warnings.simplefilter("ignore")
            dataset = (
                from_pandas(sample, name=name, digest=digest)
                if source is None
                else from_pandas(sample, source=source, name=name, digest=digest)
            )
            fields = dataset.to_dict()
        missing = frame.isna().any()
        schema = json.loads(fields["schema"])
        for column in schema.get("mlflow_colspec", []):
            if column.get("name") in missing.index:
                column["required"] = not bool(missing[column["name"]])
        fields["schema"] = json.dumps(schema)
        fields["profile"] = json.dumps({"num_rows": len(frame), "num_elements": int(frame.size)})
        entity = Dataset(**fields)
        tag = InputTag("mlflow.data.context", context)
        inputs = [DatasetInput(entity, [tag])]
        with store_errors(self.tracking_uri):
            try:
                self.client.log_inputs(self.run_id, inputs)
            except Exception as exc:
                # another run stored the same new dataset at this moment: now it links to it
                if not any(type(error).__name__ == "IntegrityError" for error in _causes(exc)):
                    raise
                self.client.log_inputs(self.run_id, inputs)
        if context == "testing":
            self.test_input = (name, digest)

    def log_model(
        self,
        model: Any,
        X_sample: Any = None,
        task: str | None = None,
        name: str = "model",
        target: str | None = None,
    ) -> None:
        """Log ``model`` as an MLflow ``pyfunc`` model named ``name``, linked to this run.

        The model is stored in the ``skops`` format (see ``_serialization``), a signature from
        ``X_sample`` and its predictions, plus the generic ``manifest.json``. With
        ``logged_models`` it is an MLflow 3 logged model (the UI's "Logged models", with the
        run's params, and its ``test/`` metrics tied to the testing input), found by
        ``runs:/<run_id>/<name>``: ``mlflow.pyfunc.load_model`` and ``mlflow models serve``
        load it. Otherwise it is uploaded as the run's artifact folder ``name``, which the
        same URI finds too.
        """
        from mlflow.models import Model

        from <%- packageName %>.plumbing.model_package import (
            MANIFEST,
            build_manifest,
            manifest_json,
        )

        with tempfile.TemporaryDirectory() as scratch:
            path = Path(scratch) / "model"
            manifest = build_manifest(model, X_sample, task, fmt="mlflow", target=target)
            if not self.logged_models:
                _save_model(model, X_sample, path, Model(run_id=self.run_id, artifact_path=name))
                (path / MANIFEST).write_text(manifest_json(manifest), encoding="utf-8")
                with store_errors(self.tracking_uri):
                    self.client.log_artifacts(self.run_id, str(path), name)
                return
            with store_errors(self.tracking_uri):
                logged = self._create_logged_model(name, task)
            metadata = Model(
                artifact_path=logged.artifact_location,
                run_id=self.run_id,
                model_uuid=logged.model_id,
                model_id=logged.model_id,
            )
            _save_model(model, X_sample, path, metadata)
            (path / MANIFEST).write_text(manifest_json(manifest), encoding="utf-8")
            with store_errors(self.tracking_uri):
                self._upload_logged_model(logged.model_id, path)

    def _create_logged_model(self, name: str, task: str | None) -> Any:
        """Create the (pending) logged model of this run, with its params."""
        if not self.experiment_id:
            self.experiment_id = self.client.get_run(self.run_id).info.experiment_id
        return self.client.create_logged_model(
            self.experiment_id,
            name=name,
            source_run_id=self.run_id,
            params=self.params or None,
            model_type=task,
        )

    def _upload_logged_model(self, model_id: str, path: Path) -> None:
        """Upload the model folder, mark the model ready, link it and its metrics to the run."""
        from mlflow.entities import LoggedModelOutput, LoggedModelStatus, Metric

        self.client.log_model_artifacts(model_id, str(path))
        self.client.finalize_logged_model(model_id, LoggedModelStatus.READY)
        self.client.log_outputs(self.run_id, [LoggedModelOutput(model_id, step=0)])
        dataset = self.test_input or (None, None)
        linked = [
            Metric(
                metric.key,
                metric.value,
                metric.timestamp,
                metric.step,
                model_id=model_id,
                dataset_name=dataset[0] if metric.key.startswith("test/") else None,
                dataset_digest=dataset[1] if metric.key.startswith("test/") else None,
                run_id=self.run_id,
            )
            for metric in self.metrics
        ]
        for chunk in _chunks(linked):
            self.client.log_batch(self.run_id, metrics=chunk)


def _save_model(model: Any, X_sample: Any, path: Path, metadata: Any) -> None:
    """Save ``model`` as an MLflow sklearn/pyfunc model folder at ``path``."""
    import mlflow.sklearn

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        signature = None
        if X_sample is not None:
            from mlflow.models import infer_signature

            signature = infer_signature(X_sample, model.predict(X_sample))
        mlflow.sklearn.save_model(
            model,
            str(path),
            mlflow_model=metadata,
            signature=signature,
            **_serialization(model),
        )


def _serialization(model: Any) -> dict[str, Any]:
    """Save in ``skops`` format, trusting the types of this model only (we just fitted it).

    A model skops cannot write (a torch module, say) falls back to cloudpickle.
    """
    import mlflow.sklearn
    import skops.io

    try:
        trusted = skops.io.get_untrusted_types(data=skops.io.dumps(model))
    except Exception:  # skops cannot represent this model
        return {"serialization_format": mlflow.sklearn.SERIALIZATION_FORMAT_CLOUDPICKLE}
    return {
        "serialization_format": mlflow.sklearn.SERIALIZATION_FORMAT_SKOPS,
        "skops_trusted_types": trusted,
        "pip_requirements": mlflow.sklearn.get_default_pip_requirements(include_skops=True),
    }


@TRACKERS.register("mlflow")
class MlflowTracker(Tracker):
    """Runs in an MLflow tracking store (see the module docstring for the URI order)."""

    requires: ClassVar[tuple[str, ...]] = ("mlflow",)
    run_class: ClassVar[type[MlflowRun]] = MlflowRun
    label: ClassVar[str] = "mlflow"
    # Tags of a new experiment: MLflow 3's UI opens an experiment of this kind on its runs
    # ("Model training"), not on its GenAI traces.
    experiment_tags: ClassVar[dict[str, str]] = {EXPERIMENT_KIND: MODEL_TRAINING}
    serves_ui: ClassVar[bool] = True  # ``browse`` runs ``mlflow ui`` on a store, not a server
    _reachable = False  # set once an HTTP server answered the probe (subclasses inherit it)

    def __init__(self, tracking_uri: str | None = None) -> None:
        self.tracking_uri = (
            tracking_uri
            or os.environ.get("MLFLOW_TRACKING_URI")
            or f"sqlite:///{(project_root() / 'mlflow.db').as_posix()}"
        )
        self.artifact_root = _sqlite_artifact_root(self.tracking_uri)

    # --- extension points for services that speak the MLflow API -------------------------

    def _connect(self) -> str:
        """Return the tracking URI to use; raise a one-line ``TrackerError`` if unusable.

        Called before every client is made, so credential checks belong here.
        """
        return self.tracking_uri

    def _store_experiment(self, experiment: str) -> str:
        """Return the store's name for ``experiment``."""
        return experiment

    def _display_experiment(self, stored: str) -> str:
        """Return the experiment name for the store's name (inverse of ``_store_experiment``)."""
        return stored

    def _prepare_experiment(self, stored: str) -> None:
        """Prepare the store before the experiment ``stored`` is created (nothing here)."""

    def _artifact_location(self, experiment: str) -> str | None:
        """Return where a new experiment keeps its artifacts (``None``: the store decides)."""
        if self.artifact_root is None:
            return None
        return (self.artifact_root / re.sub(r"[^A-Za-z0-9_.-]+", "_", experiment)).as_uri()

    # --- the Tracker contract ----------------------------------------------------------------

    def _client(self) -> Any:
        try:
            from mlflow import MlflowClient
        except ImportError:
            raise TrackerError(
                f"the {self.label} tracker needs the mlflow package: pip install mlflow"
                " (or select tracker: local)"
            ) from None
        uri = self._connect()
        if urlsplit(uri).scheme.split("+")[0] in _DATABASES:
            require_database_driver(uri, "MLflow store")
        logging.getLogger("alembic").setLevel(logging.WARNING)
        logging.getLogger("mlflow.store.db.utils").addFilter(_QUIET_STORE_FAULTS)
        logging.getLogger("mlflow.utils.environment").addFilter(_NO_PIP_NOTICE)
        try:
            _create_sqlite_store(uri)
            client = MlflowClient(tracking_uri=uri)  # opens (or creates) a database store
        except Exception as exc:
            raise self._failure(f"cannot open the MLflow store at {self._where()}", exc) from None
        if not self._reachable and uri.startswith(("http://", "https://")):
            self._probe(client)
        self._reachable = True
        return client

    def _probe(self, client: Any) -> None:
        """Make one quick request to the server; raise ``TrackerError`` if it does not answer."""
        try:
            with _environment(_PROBE_ENV):
                client.search_experiments(max_results=1)
        except Exception as exc:
            if re.search(r"error code 40[13]\b", str(exc)):
                raise TrackerError(self._mask(_refused(self.tracking_uri, str(exc)))) from None
            reason = _unreachable(str(exc))
            verb = "use" if reason is None else "reach"
            message = f"cannot {verb} the MLflow server at {self.tracking_uri}: {reason or exc}"
            raise TrackerError(self._mask(" ".join(message.split()))) from None

    def _open_run(self, experiment: str, run_name: str | None, tags: dict[str, Any]) -> Run:
        client = self._client()
        stored = self._store_experiment(experiment)
        try:
            found = client.get_experiment_by_name(stored)
            if found is None:
                self._prepare_experiment(stored)
                location = self._artifact_location(experiment)
                try:
                    created = client.create_experiment(
                        stored, artifact_location=location, tags=self.experiment_tags or None
                    )
                    found = client.get_experiment(created)
                except Exception:  # another run at once created it first: use theirs
                    found = client.get_experiment_by_name(stored)
                    if found is None:
                        raise
            elif self.experiment_tags and EXPERIMENT_KIND not in found.tags:
                for key, value in self.experiment_tags.items():  # made by an older project
                    client.set_experiment_tag(found.experiment_id, key, value)
            # before the run exists, so a missing storage client leaves no FAILED run behind
            require_artifact_client(found.artifact_location)
            tags = {**source_tags(), **{key: str(value) for key, value in tags.items()}}
            run = client.create_run(found.experiment_id, tags=tags, run_name=run_name)
        except <%- errorName %>:
            raise
        except Exception as exc:
            raise self._failure(f"cannot start an MLflow run at {self._where()}", exc) from None
        return self.run_class(client, run.info.run_id, self.tracking_uri, found.experiment_id)

    def _close_run(self, run: Run, status: str) -> None:
        assert isinstance(run, MlflowRun)
        with store_errors(self.tracking_uri):
            run.client.set_terminated(run.run_id, status=status)

    def get_run(self, run_id: str) -> RunRecord:
        client = self._client()
        try:
            run = client.get_run(run_id)
            stored = client.get_experiment(run.info.experiment_id).name
        except Exception as exc:
            raise self._failure(f"no MLflow run {run_id} at {self._where()}", exc) from None
        return _to_record(run, self._display_experiment(stored))

    def read_artifact(self, run_id: str, name: str) -> bytes:
        """Download one artifact and return its bytes."""
        client = self._client()
        # no download progress bar on stderr (a notebook would show it as an output)
        with tempfile.TemporaryDirectory() as scratch, _environment({_PROGRESS_BAR: "false"}):
            try:
                path = client.download_artifacts(run_id, name, dst_path=scratch)
            except ImportError as exc:  # the run's artifact store needs a client not installed
                raise missing_client_error(exc) from None
            except Exception as exc:
                raise self._failure(f"run {run_id} has no artifact {name!r}", exc) from None
            return Path(path).read_bytes()

    def search_runs(self, experiment: str) -> list[RunRecord]:
        client = self._client()
        try:
            found = client.get_experiment_by_name(self._store_experiment(experiment))
            if found is None:
                return []
            runs = list(_all_runs(client, found.experiment_id))
        except Exception as exc:
            raise self._failure(f"cannot search runs at {self._where()}", exc) from None
        return [_to_record(run, experiment) for run in runs]

    def load_model(self, run_id: str, name: str = "model") -> Any:
        """Download the run's MLflow model ``name`` and return its ``PackagedModel``.

        The run's logged model of that name is used when it has one; else its artifact folder
        ``name`` (Azure ML, and runs logged before logged models).
        """
        import json

        import mlflow.sklearn

        from <%- packageName %>.plumbing.model_package import MANIFEST, PackagedModel

        client = self._client()
        with tempfile.TemporaryDirectory() as scratch:
            try:
                with _environment({_PROGRESS_BAR: "false"}):  # no download progress bar on stderr
                    path = self._download_model(client, run_id, name, scratch)
            except ImportError as exc:
                raise missing_client_error(exc) from None
            except Exception as exc:
                raise self._failure(f"run {run_id} has no model {name!r}", exc) from None
            manifest_file = path / MANIFEST
            manifest = json.loads(manifest_file.read_text()) if manifest_file.is_file() else {}
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = mlflow.sklearn.load_model(str(path))
        return PackagedModel(model, manifest)

    def _download_model(self, client: Any, run_id: str, name: str, scratch: str) -> Path:
        """Download the run's model ``name`` into ``scratch``; return its folder."""
        outputs = getattr(client.get_run(run_id), "outputs", None)
        for output in getattr(outputs, "model_outputs", None) or []:
            logged = client.get_logged_model(output.model_id)
            if logged.name == name:
                from mlflow.artifacts import download_artifacts

                uri = self._connect()
                where = download_artifacts(
                    artifact_uri=logged.artifact_location, dst_path=scratch, tracking_uri=uri
                )
                return Path(where)
        return Path(client.download_artifacts(run_id, name, dst_path=scratch))

    def child_tags(self, parent_id: str) -> dict[str, str]:
        """Nest under ``parent_id`` in the MLflow UI (``mlflow.parentRunId``) and tag it."""
        return {"sweep.parent": parent_id, "mlflow.parentRunId": parent_id}

    def ui_hint(self) -> str:
        """Return the command (or address) that opens the MLflow UI for this store."""
        if self.tracking_uri.startswith(("http://", "https://")):
            return self._mask(f"open {self.tracking_uri} in a browser")
        command = f"mlflow ui --backend-store-uri {shlex.quote(self.tracking_uri)}"
        return self._mask(f"python -m <%- packageName %> ui (it runs {command})")

    def browse(self, experiment: str, show: Callable[[str], None]) -> None:
        """Show the experiment's runs in MLflow's UI ("Model training" view).

        A server (``http(s)://``): ``show`` gets the experiment's address. A local store:
        ``mlflow ui`` is started on 127.0.0.1 on a free port, ``show`` gets the address once
        it answers, and it runs until Ctrl-C (``KeyboardInterrupt``), when it is stopped with
        every process it started. It needs the full ``mlflow`` package (the dev set).
        """
        if not self.serves_ui:  # a service with a UI of its own (Databricks, Azure ML)
            show(self.ui_hint())
            return
        if self.tracking_uri.startswith(("http://", "https://")):
            show(self._experiment_url(_without_login(self.tracking_uri), experiment))
            return
        from <%- packageName %>.plumbing.mlflow_ui import serve_ui

        self._client()  # the store is readable (or one line saying why not)
        with serve_ui(self.tracking_uri, self.artifact_root) as server:
            show(self._experiment_url(server.address, experiment))
            server.wait()

    def _experiment_url(self, address: str, experiment: str) -> str:
        """Return the UI address of ``experiment``'s runs, or of all experiments if it has none."""
        found = self._client().get_experiment_by_name(self._store_experiment(experiment))
        if found is None:
            return f"{address.rstrip('/')}/#/experiments ({experiment!r} has no runs yet)"
        return ui_url(address, found.experiment_id)

    def _where(self) -> str:
        return self._mask(self.tracking_uri)

    def _failure(self, message: str, exc: BaseException) -> TrackerError:
        """Return the one-line error for ``exc``: a store problem if it is one, else ``message``."""
        problem = store_problem(exc, self.tracking_uri)
        return TrackerError(self._mask(problem or f"{message}: {exc}"))

    def _mask(self, text: str) -> str:
        """Return ``text`` with the tracking URI's password (plain or %-decoded) as ``***``."""
        return mask_password(text, self.tracking_uri)


def ui_url(address: str, experiment_id: str) -> str:
    """Return the MLflow UI address of an experiment's runs in the "Model training" view."""
    return f"{address.rstrip('/')}/#/experiments/{experiment_id}/runs?workflowType=machine_learning"


def source_tags() -> dict[str, str]:
    """Return the tags that fill a run's "Source" and "Created by" in MLflow's UI.

    ``mlflow.source.name`` is the command line
    (``python -m <%- packageName %> run``),
    ``mlflow.source.type`` ``LOCAL``, ``mlflow.user`` the login name, and the project's git
    branch and ``origin`` URL (without any login in it) when known. The commit comes with the
    run's ``git.commit`` tag (see ``MlflowRun.set_tags``).
    """
    import getpass
    import sys

    argv = sys.argv[1:] if sys.argv and sys.argv[0].endswith("__main__.py") else []
    command = " ".join(["python -m <%- packageName %>", *argv[:1]])
    tags = {"mlflow.source.name": command, "mlflow.source.type": "LOCAL"}
    with suppress(KeyError, OSError):  # no login name (a container user with no passwd entry)
        tags["mlflow.user"] = getpass.getuser()
    branch = _git("rev-parse", "--abbrev-ref", "HEAD")
    if branch and branch != "HEAD":
        tags["mlflow.source.git.branch"] = branch
    remote = _git("config", "--get", "remote.origin.url")
    if remote:
        tags["mlflow.source.git.repoURL"] = _without_login(remote)
    return tags


def _git(*args: str) -> str:
    """Return the stripped output of a git command in the project, or "" when it fails."""
    import subprocess

    try:
        result = subprocess.run(
            ["git", *args], cwd=project_root(), capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def _without_login(url: str) -> str:
    """Return ``url`` without a ``user:password@`` part (a token in a clone URL, say)."""
    parts = urlsplit(url)
    if not parts.scheme or "@" not in parts.netloc:
        return url
    return parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]).geturl()


def store_problem(exc: BaseException, uri: str) -> str | None:
    """Say what to do when ``exc`` (or its cause) is a SQLite store that is locked or corrupt.

    Returns ``None`` for any other error, and for stores that are not SQLite files.
    """
    path = sqlite_path(uri)
    fault = None if path is None else sqlite_fault(exc)
    if fault == "locked":
        return (
            f"the MLflow store {path} is locked: another process holds it (a run, a sweep,"
            " `mlflow ui`, a notebook); wait for it to finish or stop it, then retry"
        )
    if fault == "corrupt":
        return (
            f"the MLflow store {path} is not a readable SQLite database (corrupt or another"
            f" file): restore it from a backup, or move it aside (mv {path} {path}.broken)"
            " and the next run starts an empty store"
        )
    return None


_FAULTS = {
    "database is locked": "locked",
    "database table is locked": "locked",
    "file is not a database": "corrupt",
    "database disk image is malformed": "corrupt",
    "file is encrypted": "corrupt",
}


def sqlite_fault(exc: BaseException) -> str | None:
    """Return ``locked`` or ``corrupt`` when SQLite's message is in ``exc`` or its causes."""
    text = " ".join(str(error) for error in _causes(exc)).lower()
    return next((fault for sign, fault in _FAULTS.items() if sign in text), None)


class _QuietStoreFaults(logging.Filter):
    """Drop MLflow's logged tracebacks of a locked or corrupt SQLite store.

    ``store_errors`` turns the same exception into the one-line ``TrackerError`` the CLI prints.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return error is None or sqlite_fault(error) is None


_QUIET_STORE_FAULTS = _QuietStoreFaults()


class _NoPipNotice(logging.Filter):
    """Drop MLflow's warning that pip is not installed, which uv's environments never have.

    The model's ``conda.yaml`` then lists ``pip`` without a version: nothing is wrong.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Failed to resolve installed pip version")


_NO_PIP_NOTICE = _NoPipNotice()


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """Yield ``exc`` and the exceptions it was raised from or during, each once."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


@contextmanager
def store_errors(uri: str) -> Iterator[None]:
    """Turn a locked or corrupt SQLite store's error into a one-line ``TrackerError``."""
    try:
        yield
    except TrackerError:
        raise
    except Exception as exc:
        problem = store_problem(exc, uri)
        if problem is None:
            raise
        raise TrackerError(problem) from None


def _create_sqlite_store(uri: str) -> None:
    """Create the missing SQLite store of ``uri`` whole, so two first runs at once cannot race.

    MLflow creates a store's tables in place, and another process opening it meanwhile fails
    (``table experiments already exists``). Here the store is made under a unique name beside
    it and linked into place; the link fails if another process got there first, whose store
    is then used.
    """
    path = sqlite_path(uri)
    if path is None or path.exists():
        return
    from mlflow.store.tracking import DEFAULT_LOCAL_FILE_AND_ARTIFACT_PATH
    from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

    partial = path.with_name(f".{path.name}.{uuid.uuid4().hex}.partial")
    try:
        store = SqlAlchemyStore(
            f"sqlite:///{partial.as_posix()}", DEFAULT_LOCAL_FILE_AND_ARTIFACT_PATH
        )
        store.engine.dispose()
        with suppress(FileExistsError):
            os.link(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def sqlite_path(uri: str) -> Path | None:
    """Return the database file of a ``sqlite:///<path>[?options]`` URI, else ``None``."""
    prefix = "sqlite:///"
    path = uri[len(prefix) :].split("?", 1)[0] if uri.startswith(prefix) else ""
    return None if path in ("", ":memory:") else Path(path)


def mask_password(text: str, uri: str) -> str:
    """Return ``text`` with ``uri``'s password, wherever ``user:password@`` appears, as ``***``."""
    try:
        password = urlsplit(uri).password
    except ValueError:  # not a URL (e.g. a bad port): nothing to mask
        return text
    if not password:
        return text
    for secret in {password, unquote(password)}:
        text = text.replace(f":{secret}@", ":***@")
    return text


def _refused(uri: str, message: str) -> str:
    """Return the one line for a server that refused the request (HTTP 401 or 403)."""
    if "error code 401" in message:
        if os.environ.get("MLFLOW_TRACKING_USERNAME"):
            return (
                f"the MLflow server at {uri} refused MLFLOW_TRACKING_USERNAME's credentials"
                " (HTTP 401): check MLFLOW_TRACKING_PASSWORD"
            )
        return (
            f"the MLflow server at {uri} requires a login (HTTP 401): set"
            " MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD in the environment"
        )
    if "Invalid Host header" in message:
        return (
            f"the MLflow server at {uri} refused its own name (HTTP 403 Invalid Host header):"
            " start it with --allowed-hosts listing that name"
        )
    return f"the MLflow server at {uri} refused access (HTTP 403): ask its admin for permission"


def _unreachable(message: str) -> str | None:
    """Return why a request reached no server (``Connection refused``...), else ``None``."""
    found = re.findall(r"\[Errno -?\d+\] ([^\"')]+)", message)
    if found:
        return found[-1].strip()
    if "timed out" in message.lower() or "timeout" in message.lower():
        return f"no answer within {PROBE_TIMEOUT} s"
    return None


@contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    """Set environment variables for the duration of a block, then restore them."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, old in saved.items():
            if old is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = old


def _sqlite_artifact_root(uri: str) -> Path | None:
    """Return ``mlartifacts/`` beside a SQLite store file (MLflow would use ``./mlruns``)."""
    path = sqlite_path(uri)
    return None if path is None else path.resolve().parent / "mlartifacts"


def _all_runs(client: Any, experiment_id: str) -> Iterator[Any]:
    token = None
    while True:
        page = client.search_runs(
            [experiment_id], order_by=["attributes.start_time DESC"], page_token=token
        )
        yield from page
        token = page.token
        if not token:
            return


def _to_record(run: Any, experiment: str) -> RunRecord:
    return RunRecord(
        run_id=run.info.run_id,
        experiment=experiment,
        status=run.info.status,
        start_time=run.info.start_time / 1000,
        params=dict(run.data.params),
        metrics=dict(run.data.metrics),
        tags=dict(run.data.tags),
    )


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), _BATCH):
        yield items[start : start + _BATCH]
