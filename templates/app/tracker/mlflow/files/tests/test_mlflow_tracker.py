"""The MLflow tracker against a real SQLite store, read back through MlflowClient."""

import hashlib
import logging
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from mlflow import MlflowClient

from <%- packageName %>.errors import TrackerError
from <%- packageName %>.experiment import run_experiment
from <%- packageName %>.plumbing import mlflow_ui
from <%- packageName %>.plumbing.cli import main
from <%- packageName %>.plumbing.drivers import MissingDriverError
from <%- packageName %>.plumbing.registry import MODELS
from <%- packageName %>.trackers.mlflow_tracker import (
    MlflowTracker,
    _refused,
    _without_login,
    mask_password,
    ui_url,
)

from conftest import commit_project, example_data_file, fast_config
from mocks import MockModel

MLFLOW_CONFIG = ["--config", "configs/mlflow.yaml"]


@pytest.fixture
def store_uri(store_root) -> str:
    """The session's shared SQLite store: creating its tables takes about a second."""
    return f"sqlite:///{(store_root / 'mlflow.db').as_posix()}"


@pytest.fixture
def mlflow_config(project) -> list[str]:
    """``--config`` for a config with the mlflow tracker and its default store."""
    # The mlflow tracker explicitly: projects on Databricks or Azure ML ship this test too.
    (project / "configs/mlflow.yaml").write_text(
        "extends: experiment.yaml\ntracker: {name: mlflow, params: {}}\n"
        "evaluator: {bootstrap: {n_resamples: 10}, figures: false}\n"  # see test_figures.py
    )
    return MLFLOW_CONFIG


def store_commands(config: list[str], experiment: str) -> list[list[str]]:
    """The commands that open the store: run, compare and reproduce (no progress lines)."""
    return [
        ["--quiet", "run", *config, "--set", f"experiment={experiment}"],
        ["--quiet", "compare", *config, "--experiment", experiment],
        ["--quiet", "reproduce", "0" * 32, *config],
    ]


def test_run_is_fully_recorded(project, store_uri, capfd):
    head = commit_project(project, "data/\n")
    (project / "notes.txt").write_text("uncommitted\n")
    login = "https://ada:secret-token@git.example.com/team/project.git"
    subprocess.run(["git", "-C", str(project), "branch", "-M", "main"], check=True)
    subprocess.run(["git", "-C", str(project), "remote", "add", "origin", login], check=True)

    config = fast_config("experiment.yaml", "tracker.name=mlflow")
    run_id = run_experiment(config, tracker=MlflowTracker(tracking_uri=store_uri)).run_id

    client = MlflowClient(tracking_uri=store_uri)
    run = client.get_run(run_id)
    assert run.info.status == "FINISHED"
    assert client.get_experiment(run.info.experiment_id).name == "<%- distName %>"

    params, metrics, tags = run.data.params, run.data.metrics, run.data.tags
    assert params["model.name"] == "logistic_regression" and params["model.params.C"] == "1.0"
    assert params["dataset.params.path"] == config.dataset.params["path"]
    assert {"test/accuracy", "test/accuracy_ci_low", "test/accuracy_ci_high"} <= set(metrics)
    assert metrics["test/roc_auc_ci_low"] <= metrics["test/roc_auc"] <= 1.0
    assert any(k.startswith("slice/mean radius/q1 ") and k.endswith("/accuracy") for k in metrics)
    assert {"time/fit_seconds", "time/run_seconds"} <= set(metrics)

    data_bytes = example_data_file().read_bytes()
    assert tags["dataset.fingerprint"] == hashlib.sha256(data_bytes).hexdigest()
    assert tags["git.commit"] == head == tags["mlflow.source.git.commit"]
    assert tags["git.dirty"] == "true"
    assert tags["seed"] == "42" and tags["python.version"].startswith("3.")
    # what MLflow's UI shows as "Source" and "Created by"
    assert tags["mlflow.source.type"] == "LOCAL" and tags["mlflow.user"]
    assert tags["mlflow.source.name"].startswith("python -m <%- packageName %>")
    assert tags["mlflow.source.git.branch"] == "main"
    assert tags["mlflow.source.git.repoURL"] == "https://git.example.com/team/project.git"
    experiment = client.get_experiment(run.info.experiment_id)
    assert experiment.tags["mlflow.experimentKind"] == "custom_model_development"

    names = {artifact.path for artifact in client.list_artifacts(run_id)}
    assert {"predictions.csv", "config.yaml", "git.diff", "environment"} <= names
    environment = {artifact.path for artifact in client.list_artifacts(run_id, "environment")}
    assert "environment/packages.txt" in environment
    tracker = MlflowTracker(tracking_uri=store_uri)
    capfd.readouterr()
    assert tracker.read_artifact(run_id, "predictions.csv").startswith(b"id,truth,prediction")
    assert b"notes.txt" in tracker.read_artifact(run_id, "git.diff")
    assert capfd.readouterr().err == ""  # no download progress bar (a notebook shows stderr)

    inputs = {
        tag.value: entry.dataset
        for entry in run.inputs.dataset_inputs
        for tag in entry.tags
        if tag.key == "mlflow.data.context"
    }
    assert set(inputs) == {"training", "testing"}
    assert inputs["testing"].name == "breast_cancer" and len(inputs["testing"].digest) == 12


def test_default_env_and_explicit_uris(project, monkeypatch):
    assert MlflowTracker().tracking_uri == f"sqlite:///{(project / 'mlflow.db').as_posix()}"
    assert MlflowTracker().artifact_root == project / "mlartifacts"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://mlflow.team.internal:5000")
    tracker = MlflowTracker()
    assert tracker.tracking_uri == "http://mlflow.team.internal:5000"
    assert tracker.artifact_root is None
    assert tracker.ui_hint() == "open http://mlflow.team.internal:5000 in a browser"
    assert MlflowTracker("sqlite:///x.db").tracking_uri == "sqlite:///x.db"


def closed_port() -> int:
    """Return a loopback port nothing listens on (bound, then closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_unreachable_server_fails_at_start():
    port = closed_port()
    tracker = MlflowTracker(tracking_uri=f"http://127.0.0.1:{port}")
    expected = rf"cannot reach the MLflow server at http://127\.0\.0\.1:{port}: "
    with pytest.raises(TrackerError, match=expected), tracker.start_run("never"):
        pytest.fail("the body must not run")
    assert "MLFLOW_HTTP_REQUEST_MAX_RETRIES" not in os.environ  # the probe's settings are undone


def test_unreachable_server_fails_fast_without_the_password(capsys, monkeypatch):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"http://user:s3cr%40t@127.0.0.1:{closed_port()}")
    overrides = ["--set", "tracker.name=mlflow", "--set", "tracker.params={}"]
    started = time.monotonic()
    code = main(["run", *overrides, "--set", "evaluator.bootstrap.n_resamples=10"])
    seconds = time.monotonic() - started
    out, err = capsys.readouterr()
    print(f"unreachable MLflow server reported in {seconds:.1f} s")
    # the stages done before the tracker was needed, then the one error line
    *done, last = err.splitlines()
    assert code == 2 and out == "" and [line.split()[0] for line in done] == ["data", "split"]
    assert last.startswith("error: cannot reach the MLflow server at http://user:***@127.0.0.1:")
    assert "s3cr" not in err
    assert seconds < 60  # MLflow's own retries take minutes; the probe takes about a second


def test_missing_storage_client_fails_before_a_run_exists(monkeypatch, store_uri):
    client = MlflowClient(tracking_uri=store_uri)
    location = "wasbs://mlflow@acct.blob.core.windows.net/artifacts"
    experiment_id = client.create_experiment(f"wasbs-{time.time_ns()}", location)
    name = client.get_experiment(experiment_id).name
    monkeypatch.setitem(sys.modules, "azure.storage.blob", None)
    expected = "artifacts at wasbs:// need the azure-storage-blob"
    tracker = MlflowTracker(tracking_uri=store_uri)
    with pytest.raises(MissingDriverError, match=expected), tracker.start_run(name):
        pytest.fail("the body must not run")
    assert client.search_runs([experiment_id]) == []  # no run left FAILED


def test_postgresql_store_without_driver_is_one_line(capsys, monkeypatch):
    for module in ("psycopg", "psycopg2"):
        monkeypatch.setitem(sys.modules, module, None)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "postgresql://mlflow:s3cret@127.0.0.1:9/mlflow")
    overrides = ["--set", "tracker.name=mlflow", "--set", "tracker.params={}"]
    code = main(["run", *overrides, "--set", "evaluator.bootstrap.n_resamples=10"])
    out, err = capsys.readouterr()
    # the stages done before the tracker was needed, then the one error line
    *done, last = err.splitlines()
    assert code == 2 and out == "" and [line.split()[0] for line in done] == ["data", "split"]
    assert last.startswith("error: the MLflow store postgresql:// needs the psycopg[binary]")
    assert "s3cret" not in err


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        (None, "requires a login (HTTP 401): set MLFLOW_TRACKING_USERNAME and"),
        ("alice", "refused MLFLOW_TRACKING_USERNAME's credentials (HTTP 401)"),
    ],
)
def test_refused_login_says_which_variables(monkeypatch, username, expected):
    if username is None:
        monkeypatch.delenv("MLFLOW_TRACKING_USERNAME", raising=False)
    else:
        monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", username)
    body = "API request to endpoint /api/2.0/mlflow/experiments/search failed with error code 401"
    assert expected in _refused("http://mlflow.internal:5000", body)


def test_passwords_are_masked_in_messages():
    uri = "https://me:p%40ss@mlflow.example.com"
    text = f"no run at {uri} (API request to https://me:p@ss@mlflow.example.com/api failed)"
    masked = mask_password(text, uri)
    assert "p%40ss" not in masked and "p@ss" not in masked and masked.count(":***@") == 2
    assert MlflowTracker(uri).ui_hint() == "open https://me:***@mlflow.example.com in a browser"
    assert mask_password("sqlite:///mlflow.db", "sqlite:///mlflow.db") == "sqlite:///mlflow.db"


def test_log_model_is_a_logged_model_of_the_run(monkeypatch, store_uri):
    import mlflow.pyfunc
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    X = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0]})
    model = LogisticRegression().fit(X, [0, 0, 1, 1])
    tracker = MlflowTracker(tracking_uri=store_uri)
    with tracker.start_run("models") as run:
        run.log_params({"model.params.C": 1.0})
        test = pd.concat([X, pd.Series([0, 0, 1, 1], name="y")], axis=1)
        run.log_input(test, name="toy", context="testing", digest="abc123", source=None)
        run.log_metrics({"test/accuracy": 1.0, "time/fit_seconds": 0.1})
        run.log_model(model, X, "classification")

    client = MlflowClient(tracking_uri=store_uri)
    outputs = client.get_run(run.run_id).outputs.model_outputs
    assert len(outputs) == 1  # the run page links its model
    logged = client.get_logged_model(outputs[0].model_id)
    assert (logged.name, logged.source_run_id, logged.status) == ("model", run.run_id, "READY")
    assert logged.model_type == "classification" and logged.params == {"model.params.C": "1.0"}
    metrics = {metric.key: metric for metric in logged.metrics}
    assert metrics["test/accuracy"].value == 1.0
    assert (metrics["test/accuracy"].dataset_name, metrics["test/accuracy"].dataset_digest) == (
        "toy",
        "abc123",
    )
    assert metrics["time/fit_seconds"].dataset_name is None
    assert len(client.get_metric_history(run.run_id, "test/accuracy")) == 1  # not doubled
    experiment = client.get_experiment(logged.experiment_id)
    assert [m.model_id for m in client.search_logged_models([experiment.experiment_id])].count(
        logged.model_id
    ) == 1  # the experiment's "Logged models" list

    # runs:/<run>/model finds it, as `mlflow models serve -m runs:/<run>/model` does
    monkeypatch.setenv("MLFLOW_TRACKING_URI", store_uri)
    loaded = mlflow.pyfunc.load_model(f"runs:/{run.run_id}/model")
    assert list(loaded.predict(pd.DataFrame({"x": [0.0, 3.0]}))) == [0, 1]
    assert tracker.load_model(run.run_id).manifest["format"] == "mlflow"


def test_missing_package_is_a_tracker_error(monkeypatch, store_uri):
    monkeypatch.setitem(sys.modules, "mlflow", None)
    with pytest.raises(TrackerError, match="needs the mlflow package"):
        MlflowTracker(tracking_uri=store_uri).search_runs("any")


def test_cli_uses_mlflow_tracking_uri_unchanged(capsys, monkeypatch, project, store_uri):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", store_uri)
    # The mlflow tracker explicitly: projects on Databricks or Azure ML ship this test too.
    (project / "configs/mlflow.yaml").write_text(
        "extends: experiment.yaml\ntracker: {name: mlflow, params: {}}\n"
    )
    config = ["--config", "configs/mlflow.yaml"]
    overrides = [
        "--set",
        "evaluator.bootstrap.n_resamples=50",
        "--set",
        "evaluator.figures=false",
        "--set",
        "experiment=cli",
    ]
    assert main(["run", *config, *overrides]) == 0
    out = capsys.readouterr().out
    assert "tracker mlflow" in out
    run_id = out.split()[1]

    assert main(["reproduce", run_id, *config]) == 0
    assert "metrics match" in capsys.readouterr().out
    assert main(["compare", "--experiment", "cli", *config]) == 0
    assert run_id in capsys.readouterr().out
    command = "python -m <%- packageName %> ui"
    assert MlflowTracker().ui_hint() == (
        f"{command} (it runs mlflow ui --backend-store-uri {store_uri})"
    )
    assert not (project / "mlflow.db").exists()


def test_run_stores_a_pyfunc_model_with_signature(monkeypatch, project, store_uri):
    import io
    import json

    import pandas as pd
    import yaml
    from mlflow.artifacts import download_artifacts

    monkeypatch.setenv("MLFLOW_TRACKING_URI", store_uri)
    (project / "configs/mlflow.yaml").write_text(
        "extends: experiment.yaml\ntracker: {name: mlflow, params: {}}\n"
    )
    config = fast_config("mlflow.yaml", "tracker.name=mlflow", "experiment=models")
    run_id = run_experiment(config, tracker=MlflowTracker(tracking_uri=store_uri)).run_id
    tracker = MlflowTracker(tracking_uri=store_uri)

    folder = Path(download_artifacts(f"runs:/{run_id}/model", tracking_uri=store_uri))
    mlmodel = yaml.safe_load((folder / "MLmodel").read_text())
    assert "python_function" in mlmodel["flavors"] and "signature" in mlmodel
    assert mlmodel["run_id"] == run_id and mlmodel["model_id"].startswith("m-")
    inputs = [column["name"] for column in json.loads(mlmodel["signature"]["inputs"])]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["format"] == "mlflow" and [c["name"] for c in manifest["inputs"]] == inputs

    logged = pd.read_csv(io.BytesIO(tracker.read_artifact(run_id, "predictions.csv")))
    rows = pd.read_csv(example_data_file()).iloc[logged["id"]][inputs]
    rows.to_csv(project / "rows.csv", index=False)
    argv = ["predict", "--run", run_id, "--input", "rows.csv", "--output", "pred.csv"]
    assert main([*argv, "--config", "configs/mlflow.yaml"]) == 0
    predicted = pd.read_csv(project / "pred.csv")
    assert predicted["prediction"].tolist() == logged["prediction"].tolist()


def test_trials_nest_under_the_parent_run(store_uri):
    tags = MlflowTracker(tracking_uri=store_uri).child_tags("abc")
    assert tags == {"sweep.parent": "abc", "mlflow.parentRunId": "abc"}


@pytest.fixture
def dotenv_uri(project, monkeypatch):
    """The ``MLFLOW_TRACKING_URI`` a test's ``.env`` sets is removed again afterwards."""
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "placeholder")
    monkeypatch.delenv("MLFLOW_TRACKING_URI")
    (project / "configs/mlflow.yaml").write_text(
        "extends: experiment.yaml\ntracker: {name: mlflow}\n"
        "evaluator: {bootstrap: {n_resamples: 50}, figures: false}\n"
    )


def test_a_tracking_uri_in_dotenv_is_where_a_run_goes(project, store_uri, dotenv_uri, capsys):
    (project / ".env").write_text(f"MLFLOW_TRACKING_URI={store_uri}\n")
    assert main(["run", "--config", "configs/mlflow.yaml"]) == 0
    run_id = capsys.readouterr().out.split()[1]
    assert MlflowClient(tracking_uri=store_uri).get_run(run_id).info.status == "FINISHED"
    assert not (project / "mlflow.db").exists()


def test_a_tracking_uri_already_set_wins_over_dotenv(project, dotenv_uri, monkeypatch, capsys):
    (project / ".env").write_text("MLFLOW_TRACKING_URI=sqlite:///from-dotenv.db\n")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "sqlite:///from-shell.db")
    monkeypatch.setattr(MlflowTracker, "browse", lambda self, _, show: show(self.tracking_uri))
    assert main(["ui", "--config", "configs/mlflow.yaml"]) == 0
    assert capsys.readouterr().out == "sqlite:///from-shell.db\n"


def test_corrupt_store_is_one_line_and_left_as_it_is(capsys, project, mlflow_config):
    store = project / "mlflow.db"
    garbage = bytes(range(256)) * 16
    store.write_bytes(garbage)
    expected = (
        f"error: the MLflow store {store} is not a readable SQLite database (corrupt or another"
        f" file): restore it from a backup, or move it aside (mv {store} {store}.broken) and"
        " the next run starts an empty store\n"
    )
    for argv in store_commands(mlflow_config, "corrupt"):
        assert main(argv) == 2, argv
        assert capsys.readouterr() == ("", expected)
    assert store.read_bytes() == garbage and not (project / "mlartifacts").exists()


def test_locked_store_is_one_line(capsys, monkeypatch, mlflow_config, store_root, store_uri):
    MlflowTracker(tracking_uri=store_uri).search_runs("locked")  # the store's tables exist
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"{store_uri}?timeout=0.1")  # not SQLite's 5 s
    store = store_root / "mlflow.db"
    expected = (
        f"error: the MLflow store {store} is locked: another process holds it (a run, a sweep,"
        " `mlflow ui`, a notebook); wait for it to finish or stop it, then retry\n"
    )
    holder = sqlite3.connect(store, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # as a writer in another process would
    try:
        for argv in store_commands(mlflow_config, "locked"):
            assert main(argv) == 2, argv
            assert capsys.readouterr() == ("", expected)
    finally:
        holder.close()
    assert MlflowTracker(tracking_uri=store_uri).search_runs("locked") == []


def test_sigterm_ends_the_run_killed_and_compare_leaves_out_unfinished_runs(
    capsys, monkeypatch, registries, mlflow_config, store_uri
):
    class TerminatedModel(MockModel):
        def fit(self, X, y):
            signal.raise_signal(signal.SIGTERM)  # as `kill <pid>` would, while the run is open
            return super().fit(X, y)

    MODELS.register("terminated")(TerminatedModel)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", store_uri)
    model = ["--set", "model.name=terminated", "--set", "model.params={}"]
    run = ["--quiet", "run", *mlflow_config, "--set", "experiment=interrupted", *model]
    assert main(run) == 128 + signal.SIGTERM
    err = capsys.readouterr().err
    ended = re.fullmatch(r"error: interrupted by SIGTERM; run (\w+) ended KILLED\n", err)
    assert ended is not None, err
    client = MlflowClient(tracking_uri=store_uri)
    assert client.get_run(ended[1]).info.status == "KILLED"

    # a run whose process was killed outright (SIGKILL) stays RUNNING, with partial metrics
    left = MlflowTracker(tracking_uri=store_uri)._open_run("interrupted", None, {})
    left.log_metrics({"test/accuracy": 1.0})
    assert main(["compare", *mlflow_config, "--experiment", "interrupted"]) == 0
    out, err = capsys.readouterr()
    assert out == "no finished runs of experiment 'interrupted' logged test/accuracy\n"
    assert err == (
        "note: 1 run(s) that logged test/accuracy did not finish (RUNNING) and are not ranked\n"
    )
    assert client.get_run(left.run_id).info.status == "RUNNING"


def test_mlflow_logs_no_traceback_of_a_locked_store(caplog, store_root, store_uri):
    """A lock met mid-run: MLflow would log a traceback before the one-line error."""
    MlflowTracker(tracking_uri=store_uri).search_runs("any")  # a client was made
    logger = logging.getLogger("mlflow.store.db.utils")
    holder = sqlite3.connect(store_root / "mlflow.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        sqlite3.connect(store_root / "mlflow.db", timeout=0).execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        logger.exception("SQLAlchemy database error.")  # as MLflow's session does, mid-run
    else:
        pytest.fail("the store was not locked")
    finally:
        holder.close()
    try:
        raise ValueError("another error")
    except ValueError:
        logger.exception("SQLAlchemy database error.")
    logged = [record.exc_info[1] for record in caplog.records if record.exc_info]
    assert [str(error) for error in logged] == ["another error"]


def test_ui_urls_open_the_model_training_view_without_a_login():
    assert ui_url("http://127.0.0.1:5000/", "7") == (
        "http://127.0.0.1:5000/#/experiments/7/runs?workflowType=machine_learning"
    )
    login = "https://me:p%40ss@mlflow.example.com/x"
    assert _without_login(login) == "https://mlflow.example.com/x"
    assert _without_login("git@github.com:team/project.git") == "git@github.com:team/project.git"


def test_ui_waits_for_the_server_and_stops_its_whole_group(monkeypatch, tmp_path):
    """``serve_ui`` yields once the server answers ``/health``; leaving it stops every process.

    A stand-in server (Python's own ``http.server``, serving a ``health`` file) keeps this test
    fast: MLflow's UI itself takes 10-20 s to start, and is served for real by the project's
    end-to-end check of ``python -m <%- packageName %> ui``.
    """
    (tmp_path / "health").write_text("OK")

    def stand_in(tracking_uri, port, artifact_root):
        return [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port)]

    monkeypatch.setattr(mlflow_ui, "ui_command", stand_in)
    # the stand-in needs no full mlflow (an sdist's own test run installs the runtime set only)
    monkeypatch.setattr(mlflow_ui.importlib.metadata, "distribution", lambda name: None)
    monkeypatch.chdir(tmp_path)
    with mlflow_ui.serve_ui("sqlite:///unused.db") as server:
        port = int(server.address.rsplit(":", 1)[1])
        with urllib.request.urlopen(f"{server.address}/health", timeout=30) as answer:
            assert answer.read() == b"OK"
    assert server.process.poll() is not None
    with socket.socket() as probe:  # nothing listens there any more
        assert probe.connect_ex(("127.0.0.1", port)) != 0


def test_ui_command_serves_the_store_on_loopback_with_one_worker(tmp_path):
    command = mlflow_ui.ui_command("sqlite:///mlflow.db", 5123, tmp_path)
    assert command[1:5] == ["-m", "mlflow", "ui", "--backend-store-uri"]
    assert command[5] == "sqlite:///mlflow.db"
    assert command[command.index("--default-artifact-root") + 1] == tmp_path.as_uri()
    assert command[-6:] == ["--host", "127.0.0.1", "--port", "5123", "--workers", "1"]
