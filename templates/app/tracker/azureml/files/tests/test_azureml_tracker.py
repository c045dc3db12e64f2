"""The Azure ML tracker up to the network: workspace resolution, credential errors, and the
calls it makes. The SDK boundary is faked: ``azure.identity.DefaultAzureCredential`` and
``azure.ai.ml.MLClient`` record their calls and return a workspace; ``mlflow.MlflowClient``
records every call and serves it from a local SQLite store standing in for the workspace.
Nothing here reaches Azure.
"""

import json
import uuid
from types import SimpleNamespace

import azure.ai.ml
import azure.identity
import mlflow
import mlflow.sklearn
import pytest
from azure.core.exceptions import ClientAuthenticationError, ResourceNotFoundError
from sklearn.linear_model import LogisticRegression

from <%- packageName %>.errors import TrackerError
from <%- packageName %>.experiment import run_experiment
from <%- packageName %>.plumbing.cli import main
from <%- packageName %>.trackers.azureml_tracker import (
    MISSING_WORKSPACE,
    NO_CREDENTIAL,
    AzureMlTracker,
)

from conftest import check_tracker, fast_config
from mocks import error_line

SUBSCRIPTION, GROUP, WORKSPACE = "00000000-0000-0000-0000-000000000000", "ml-rg", "ml-ws"
WORKSPACE_ID = (
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{GROUP}"
    f"/providers/Microsoft.MachineLearningServices/workspaces/{WORKSPACE}"
)
TRACKING_URI = f"azureml://westeurope.api.azureml.ms/mlflow/v1.0{WORKSPACE_ID}"
FAST = ["--set", "evaluator.bootstrap.n_resamples=50"]
AZURE_VARIABLES = (
    "AZURE_SUBSCRIPTION_ID",
    "AZURE_RESOURCE_GROUP",
    "AZUREML_WORKSPACE_NAME",
    "AZURE_TENANT_ID",
    "AZURE_CLIENT_ID",
    "AZURE_CLIENT_SECRET",
)


@pytest.fixture(autouse=True)
def no_workspace(monkeypatch):
    for variable in AZURE_VARIABLES:
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture
def workspace_env(monkeypatch):
    monkeypatch.setenv("AZURE_SUBSCRIPTION_ID", SUBSCRIPTION)
    monkeypatch.setenv("AZURE_RESOURCE_GROUP", GROUP)
    monkeypatch.setenv("AZUREML_WORKSPACE_NAME", WORKSPACE)


class Azure:
    """The fake Azure side: the calls made, and what ``workspaces.get`` does."""

    def __init__(self) -> None:
        self.calls: list = []
        self.lookup_error: Exception | None = None


@pytest.fixture
def service(monkeypatch, store_root) -> Azure:
    """Fake the SDK boundary (see the module docstring)."""
    fake = Azure()
    stand_in = mlflow.MlflowClient(tracking_uri=f"sqlite:///{store_root.as_posix()}/mlflow.db")

    class FakeCredential:
        def __init__(self, **kwargs):
            fake.calls.append(("DefaultAzureCredential", kwargs))

    class FakeWorkspaces:
        def __init__(self, client):
            self.client = client

        def get(self, name):
            fake.calls.append(("workspaces.get", name))
            if fake.lookup_error is not None:
                raise fake.lookup_error
            return SimpleNamespace(name=name, mlflow_tracking_uri=TRACKING_URI)

    class FakeMLClient:
        def __init__(self, credential, subscription_id, resource_group_name, workspace_name):
            assert isinstance(credential, FakeCredential)
            fake.calls.append(("MLClient", subscription_id, resource_group_name, workspace_name))
            self.subscription_id = subscription_id
            self.resource_group_name = resource_group_name
            self.workspace_name = workspace_name
            self.workspaces = FakeWorkspaces(self)

        @classmethod
        def from_config(cls, credential, *, path):
            fake.calls.append(("MLClient.from_config", path))
            with open(path, encoding="utf-8") as file:
                data = json.load(file)
            coordinates = (data["subscription_id"], data["resource_group"], data["workspace_name"])
            return cls(credential, *coordinates)

    class FakeMlflowClient:
        def __init__(self, tracking_uri=None, registry_uri=None):
            fake.calls.append(("MlflowClient", tracking_uri))

        def __getattr__(self, name):
            method = getattr(stand_in, name)

            def recorded(*args, **kwargs):
                fake.calls.append((name, *args))
                return method(*args, **kwargs)

            return recorded

    def no_flavor_log_model(*args, **kwargs):
        raise AssertionError("mlflow.sklearn.log_model returns 404 on Azure ML")

    monkeypatch.setattr(azure.identity, "DefaultAzureCredential", FakeCredential)
    monkeypatch.setattr(azure.ai.ml, "MLClient", FakeMLClient)
    monkeypatch.setattr(mlflow, "MlflowClient", FakeMlflowClient)
    monkeypatch.setattr(mlflow.sklearn, "log_model", no_flavor_log_model)
    return fake


def write_config_json(folder) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    content = {
        "subscription_id": SUBSCRIPTION,
        "resource_group": GROUP,
        "workspace_name": WORKSPACE,
    }
    (folder / "config.json").write_text(json.dumps(content))


# --- workspace resolution ---------------------------------------------------------------------


def test_workspace_from_the_environment(workspace_env, service):
    assert AzureMlTracker()._connect() == TRACKING_URI
    assert service.calls == [
        ("DefaultAzureCredential", {}),
        ("MLClient", SUBSCRIPTION, GROUP, WORKSPACE),
        ("workspaces.get", WORKSPACE),
    ]


def test_parameters_override_the_environment(workspace_env, service):
    AzureMlTracker(workspace_name="other-ws")._connect()
    assert ("MLClient", SUBSCRIPTION, GROUP, "other-ws") in service.calls


@pytest.mark.parametrize("folder", [".", ".azureml"])
def test_workspace_from_config_json(folder, project, service):
    write_config_json(project / folder)
    assert AzureMlTracker()._connect() == TRACKING_URI
    assert ("MLClient.from_config", str(project / folder / "config.json")) in service.calls
    assert ("workspaces.get", WORKSPACE) in service.calls


def test_tracking_uri_in_the_environment_is_used_as_is(monkeypatch, service):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", TRACKING_URI)
    tracker = AzureMlTracker()
    assert tracker._connect() == TRACKING_URI
    assert service.calls == []
    assert f"wsid={WORKSPACE_ID}" in tracker.ui_hint()


def test_tracking_uri_is_looked_up_once(workspace_env, service):
    tracker = AzureMlTracker()
    with tracker.start_run(f"once-{uuid.uuid4().hex[:8]}") as run:
        pass
    tracker.get_run(run.run_id)
    tracker.search_runs("anything")
    assert [call[0] for call in service.calls].count("workspaces.get") == 1
    assert {call[1] for call in service.calls if call[0] == "MlflowClient"} == {TRACKING_URI}


# --- missing configuration or credential: one line, before anything is created ------------


def test_no_workspace_is_one_line_naming_the_variables(capsys, service):
    assert main(["run", *FAST]) == 2
    assert error_line(capsys.readouterr().err) == f"error: {MISSING_WORKSPACE}\n"
    for variable in ("AZURE_SUBSCRIPTION_ID", "AZURE_RESOURCE_GROUP", "AZUREML_WORKSPACE_NAME"):
        assert variable in MISSING_WORKSPACE
    assert service.calls == []


def test_incomplete_workspace_names_what_is_missing(monkeypatch, service):
    monkeypatch.setenv("AZURE_SUBSCRIPTION_ID", SUBSCRIPTION)
    with pytest.raises(TrackerError) as caught, AzureMlTracker().start_run("never"):
        pytest.fail("the body must not run")
    assert str(caught.value) == (
        "azureml tracker: incomplete workspace settings;"
        " also set AZURE_RESOURCE_GROUP and AZUREML_WORKSPACE_NAME"
    )
    assert service.calls == []


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (ClientAuthenticationError("DefaultAzureCredential failed\nto retrieve a token"), None),
        (ResourceNotFoundError("not found"), f"no workspace {WORKSPACE} in resource group {GROUP}"),
        (OSError("Connection refused\nmore"), f"cannot reach workspace {WORKSPACE}: Connection"),
    ],
    ids=["no-credential", "no-workspace", "unreachable"],
)
def test_failed_lookup_is_one_line(error, expected, workspace_env, service, capsys):
    service.lookup_error = error
    assert main(["run", *FAST]) == 2
    err = error_line(capsys.readouterr().err)
    assert err.count("\n") == 1
    assert (expected or NO_CREDENTIAL) in err
    if expected is None:
        for variable in ("AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"):
            assert variable in err
    assert "MlflowClient" not in [call[0] for call in service.calls], "no run may be created"


def test_other_tracking_uri_is_refused(monkeypatch, service):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "sqlite:///mlflow.db")
    with pytest.raises(TrackerError, match="is not an azureml:// URI"):
        AzureMlTracker()._connect()


# --- runs against the (fake) workspace ------------------------------------------------------


def test_contract_against_the_fake(workspace_env, service):
    check_tracker(AzureMlTracker())


def test_run_records_inputs_as_tags_and_never_calls_log_inputs(workspace_env, service):
    tracker = AzureMlTracker()
    config = fast_config("experiment.yaml", "tracker.name=azureml")
    run_id = run_experiment(config, tracker=tracker).run_id
    record = tracker.get_run(run_id)
    assert record.tags["input.training.name"] == "breast_cancer"
    assert record.tags["input.testing.digest"]
    assert {"dataset.fingerprint", "git.commit", "git.dirty", "seed"} <= set(record.tags)
    assert "log_inputs" not in [call[0] for call in service.calls]
    assert tracker.read_artifact(run_id, "config.yaml").decode() == config.to_yaml()
    assert tracker.read_artifact(run_id, "predictions.csv").startswith(b"id,truth,prediction")


def test_models_are_saved_locally_and_logged_as_artifacts(workspace_env, service):
    tracker = AzureMlTracker()
    model = LogisticRegression().fit([[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1])
    with tracker.start_run(f"model-{uuid.uuid4().hex[:8]}") as run:
        run.log_model(model)
    assert "log_artifacts" in [call[0] for call in service.calls]
    assert b"sklearn" in tracker.read_artifact(run.run_id, "model/MLmodel")
    assert tracker.read_artifact(run.run_id, "model/model.skops")
    assert b"skops" in tracker.read_artifact(run.run_id, "model/requirements.txt")


def test_cli_run_compare_reproduce_ui(capsys, workspace_env, service, monkeypatch):
    experiment = f"cli-{uuid.uuid4().hex[:8]}"
    assert main(["run", *FAST, "--set", f"experiment={experiment}"]) == 0
    out = capsys.readouterr().out
    assert "tracker azureml" in out
    run_id = out.split()[1]
    assert ("create_experiment", experiment) in service.calls

    assert main(["compare", "--experiment", experiment]) == 0
    assert run_id in capsys.readouterr().out
    assert main(["reproduce", run_id]) == 0
    assert "metrics match" in capsys.readouterr().out

    monkeypatch.setenv("AZURE_TENANT_ID", "11111111-1111-1111-1111-111111111111")
    assert main(["ui"]) == 0
    assert capsys.readouterr().out.strip() == (
        f"open https://ml.azure.com/experiments?wsid={WORKSPACE_ID}"
        "&tid=11111111-1111-1111-1111-111111111111 in a browser"
    )
