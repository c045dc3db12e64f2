"""The Databricks tracker up to the network: configuration, credential checks, and the calls
it makes. The SDK boundary is faked: ``mlflow.MlflowClient`` records every call and serves
it from a local SQLite store standing in for the workspace; ``databricks.sdk.WorkspaceClient``
only records. Nothing here reaches Databricks.
"""

import uuid
from types import SimpleNamespace

import databricks.sdk
import mlflow
import pytest

from <%- packageName %>.errors import ConfigError, TrackerError
from <%- packageName %>.plumbing.cli import main
from <%- packageName %>.plumbing.registry import TRACKERS
from <%- packageName %>.trackers.databricks_tracker import MISSING, DatabricksTracker

from conftest import check_tracker
from mocks import error_line

HOST = "https://dbc-0000.cloud.databricks.com"
FAST = ["--set", "evaluator.bootstrap.n_resamples=50"]
DATABRICKS_VARIABLES = (
    "DATABRICKS_HOST",
    "DATABRICKS_TOKEN",
    "DATABRICKS_CLIENT_ID",
    "DATABRICKS_CLIENT_SECRET",
    "DATABRICKS_CONFIG_PROFILE",
    "DATABRICKS_AUTH_TYPE",
)


@pytest.fixture(autouse=True)
def no_credentials(tmp_path, monkeypatch):
    """No Databricks variables, and a config file that does not exist yet."""
    for variable in DATABRICKS_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("DATABRICKS_CONFIG_FILE", str(tmp_path / "databrickscfg"))


@pytest.fixture
def token(monkeypatch):
    """Host and token in the environment (not a real token)."""
    monkeypatch.setenv("DATABRICKS_HOST", HOST)
    monkeypatch.setenv("DATABRICKS_TOKEN", "dapi-test-not-a-secret")


@pytest.fixture
def calls(monkeypatch, store_root) -> list:
    """Fake the SDK boundary; return the list of calls made to it."""
    calls: list = []
    stand_in = mlflow.MlflowClient(tracking_uri=f"sqlite:///{store_root.as_posix()}/mlflow.db")

    class FakeMlflowClient:
        def __init__(self, tracking_uri=None, registry_uri=None):
            calls.append(("MlflowClient", tracking_uri))

        def __getattr__(self, name):
            method = getattr(stand_in, name)

            def recorded(*args, **kwargs):
                calls.append((name, *args, *sorted(kwargs.items())))
                return method(*args, **kwargs)

            return recorded

    class FakeWorkspaceClient:
        def __init__(self, **kwargs):
            calls.append(("WorkspaceClient", kwargs))
            self.workspace = SimpleNamespace(mkdirs=lambda path: calls.append(("mkdirs", path)))

    monkeypatch.setattr(mlflow, "MlflowClient", FakeMlflowClient)
    monkeypatch.setattr(databricks.sdk, "WorkspaceClient", FakeWorkspaceClient)
    return calls


def write_profiles(text: str, tmp_path) -> None:
    (tmp_path / "databrickscfg").write_text(text)


# --- configuration ----------------------------------------------------------------------------


def test_tracking_uri_resolution(monkeypatch):
    assert DatabricksTracker().tracking_uri == "databricks"
    assert DatabricksTracker(profile="team").tracking_uri == "databricks://team"
    assert DatabricksTracker(profile="team").profile == "team"
    monkeypatch.setenv("DATABRICKS_CONFIG_PROFILE", "ci")
    assert DatabricksTracker().profile == "ci"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "databricks://prod")
    assert DatabricksTracker().tracking_uri == "databricks://prod"
    assert DatabricksTracker().profile == "prod"
    assert DatabricksTracker(tracking_uri="databricks").tracking_uri == "databricks"


def test_experiment_names_map_to_workspace_paths():
    tracker = DatabricksTracker()
    assert tracker._store_experiment("churn") == "/Shared/churn"
    assert tracker._store_experiment("/Users/ada@example.com/churn") == (
        "/Users/ada@example.com/churn"
    )
    assert tracker._display_experiment("/Shared/churn") == "churn"
    assert tracker._display_experiment("/Users/ada@example.com/churn") == (
        "/Users/ada@example.com/churn"
    )
    mine = DatabricksTracker(folder="/Users/ada@example.com/")
    assert mine._store_experiment("churn") == "/Users/ada@example.com/churn"
    assert mine._display_experiment("/Users/ada@example.com/churn") == "churn"
    with pytest.raises(ConfigError, match="workspace path"):
        TRACKERS.build("databricks", {"folder": "Shared"})


# --- missing credentials: one line, before anything is created --------------------------------


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, MISSING),
        ({"DATABRICKS_HOST": HOST}, "DATABRICKS_HOST is set but no credential"),
        ({"DATABRICKS_CONFIG_PROFILE": "team"}, "no profile [team] in"),
        ({"MLFLOW_TRACKING_URI": "http://127.0.0.1:5000"}, "is not a Databricks URI"),
    ],
    ids=["nothing", "host-only", "unknown-profile", "other-uri"],
)
def test_missing_credentials_fail_at_start_in_one_line(environment, expected, monkeypatch, calls):
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    tracker = DatabricksTracker()
    with pytest.raises(TrackerError) as caught, tracker.start_run("never"):
        pytest.fail("the body must not run")
    message = str(caught.value)
    assert expected in message and "\n" not in message
    assert calls == [], "nothing may reach the SDK without credentials"


def test_cli_without_credentials_prints_one_line(capsys, calls):
    assert main(["run", *FAST]) == 2
    assert error_line(capsys.readouterr().err) == f"error: {MISSING}\n"
    assert "DATABRICKS_HOST" in MISSING and "DATABRICKS_TOKEN" in MISSING
    assert calls == []


def test_profile_and_default_profile_count_as_credentials(tmp_path, monkeypatch, calls):
    write_profiles(
        f"[DEFAULT]\nhost = {HOST}\ntoken = dapi-a\n\n[team]\nhost = https://team.example\n",
        tmp_path,
    )
    assert DatabricksTracker()._connect() == "databricks"
    assert DatabricksTracker(profile="team")._connect() == "databricks://team"
    assert "https://team.example/ml/experiments" in DatabricksTracker(profile="team").ui_hint()
    monkeypatch.setenv("DATABRICKS_HOST", HOST)  # host from the environment, token from DEFAULT
    assert DatabricksTracker()._connect() == "databricks"


# --- the calls made against the (fake) SDK ------------------------------------------------


def test_exact_calls_for_a_new_experiment(token, calls):
    experiment = f"churn-{uuid.uuid4().hex[:8]}"
    tracker = DatabricksTracker()
    with tracker.start_run(experiment, run_name="first", tags={"stage": "test"}) as run:
        run.log_params({"C": 1.0})
    path = f"/Shared/{experiment}"
    names = [call[0] for call in calls]
    assert calls[:2] == [("MlflowClient", "databricks"), ("get_experiment_by_name", path)]
    assert calls[2:4] == [("WorkspaceClient", {}), ("mkdirs", "/Shared")]
    kind = {"mlflow.experimentKind": "custom_model_development"}  # the UI's "Model training"
    assert calls[4] == ("create_experiment", path, ("artifact_location", None), ("tags", kind))
    # get_experiment: where its artifacts go, to check their storage client (plumbing/drivers.py)
    assert names[5:] == ["get_experiment", "create_run", "log_batch", "set_terminated"]
    assert calls[6][-2] == ("run_name", "first")
    assert calls[6][-1][1]["stage"] == "test"  # beside MLflow's own "Source" tags
    assert calls[6][-1][1]["mlflow.source.type"] == "LOCAL"
    assert calls[-1] == ("set_terminated", run.run_id, ("status", "FINISHED"))

    calls.clear()
    with DatabricksTracker().start_run(experiment):
        pass
    assert "WorkspaceClient" not in [call[0] for call in calls], "existing: no folder created"


def test_profile_goes_to_mlflow_and_the_workspace_client(tmp_path, calls):
    write_profiles(f"[team]\nhost = {HOST}\ntoken = dapi-b\n", tmp_path)
    tracker = DatabricksTracker(profile="team", folder="/Users/ada@example.com")
    with tracker.start_run(f"mine-{uuid.uuid4().hex[:8]}"):
        pass
    assert calls[0] == ("MlflowClient", "databricks://team")
    assert ("WorkspaceClient", {"profile": "team"}) in calls
    assert ("mkdirs", "/Users/ada@example.com") in calls


def test_contract_against_the_fake(token, calls):
    check_tracker(DatabricksTracker())
    assert {call[1] for call in calls if call[0] == "MlflowClient"} == {"databricks"}


def test_cli_run_compare_reproduce_ui(capsys, token, calls):
    experiment = f"cli-{uuid.uuid4().hex[:8]}"
    assert main(["run", *FAST, "--set", f"experiment={experiment}"]) == 0
    out = capsys.readouterr().out
    assert "tracker databricks" in out
    run_id = out.split()[1]
    created = [call for call in calls if call[0] == "create_experiment"]
    assert created[0][1:3] == (f"/Shared/{experiment}", ("artifact_location", None))
    names = [call[0] for call in calls]
    assert "log_inputs" in names
    # the model goes through the logged-models API, as Databricks serves it
    logged = names.index("create_logged_model")
    assert names[logged : logged + 4] == [
        "create_logged_model",
        "log_model_artifacts",
        "finalize_logged_model",
        "log_outputs",
    ]
    assert "log_artifacts" not in names

    record = DatabricksTracker().get_run(run_id)
    assert record.experiment == experiment
    assert {"dataset.fingerprint", "git.commit", "git.dirty", "environment.sha256"} <= set(
        record.tags
    )
    assert record.params["model.name"] == "logistic_regression"
    tracker = DatabricksTracker()
    assert tracker.read_artifact(run_id, "predictions.csv").startswith(b"id,truth,prediction")
    assert tracker.read_artifact(run_id, "config.yaml")
    assert tracker.read_artifact(run_id, "environment/packages.txt")

    assert main(["compare", "--experiment", experiment]) == 0
    assert run_id in capsys.readouterr().out
    assert main(["reproduce", run_id]) == 0
    assert "metrics match" in capsys.readouterr().out
    assert main(["ui"]) == 0
    assert capsys.readouterr().out.strip() == (
        f"open {HOST}/ml/experiments in a browser (experiments are under /Shared in the workspace)"
    )
