"""Missing team drivers: one line naming the package, before anything is opened or run."""

import sys

import pytest

from <%- packageName %>.plumbing.cli import main
from <%- packageName %>.plumbing.drivers import (
    MissingDriverError,
    missing_client_error,
    require_artifact_client,
    require_database_driver,
)

from conftest import FAST

STORAGE = "postgresql://optuna@127.0.0.1:9/optuna"


@pytest.fixture
def no_postgres_driver(monkeypatch):
    """Make psycopg (3) and psycopg2 unimportable, as in a project without the team extra."""
    for module in ("psycopg", "psycopg2"):
        monkeypatch.setitem(sys.modules, module, None)


def test_postgresql_url_names_the_team_extra(no_postgres_driver):
    with pytest.raises(MissingDriverError) as error:
        require_database_driver(STORAGE, "sweep storage")
    message = str(error.value)
    assert message.startswith("the sweep storage postgresql:// needs the psycopg[binary] package")
    assert "install the team extra (<%- installTeam %>)" in message
    assert "optuna@" not in message  # the URL's user and host stay out of it


def test_explicit_driver_names_its_own_package(no_postgres_driver):
    with pytest.raises(MissingDriverError, match=r'psycopg2-binary package: pip install "psycopg2'):
        require_database_driver("postgresql+psycopg2://u@127.0.0.1:9/db", "MLflow store")


def test_installed_or_unknown_drivers_pass():
    require_database_driver("sqlite:///sweeps/x.db", "sweep storage")
    require_database_driver("nosuchdialect://host/db", "sweep storage")  # left to the caller
    require_database_driver("not a url", "sweep storage")


def test_sweep_with_missing_driver_is_one_line_and_runs_nothing(
    capsys, no_postgres_driver, project
):
    overrides = [arg for item in FAST for arg in ("--set", item)]
    code = main(["sweep", "--storage", STORAGE, "--trials", "1", *overrides])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("error: the sweep storage postgresql:// needs the psycopg[binary]")
    assert not (project / "runs").exists()  # no parent run was opened


@pytest.mark.parametrize(
    ("uri", "module", "package"),
    [
        ("wasbs://mlflow@acct.blob.core.windows.net/a", "azure.storage.blob", "azure-storage-blob"),
        ("s3://bucket/mlflow", "boto3", "boto3"),
        ("gs://bucket/mlflow", "google.cloud.storage", "google-cloud-storage"),
    ],
)
def test_artifact_store_names_its_client(monkeypatch, uri, module, package):
    monkeypatch.setitem(sys.modules, module, None)
    scheme = uri.split(":")[0]
    with pytest.raises(MissingDriverError, match=rf"artifacts at {scheme}:// need the {package}"):
        require_artifact_client(uri)
    error = missing_client_error(ModuleNotFoundError(f"No module named {module!r}", name=module))
    assert f"the {package} package" in str(error)


def test_proxied_and_local_artifacts_need_no_client():
    for uri in ("mlflow-artifacts:/0", "file:///tmp/mlartifacts", None, ""):
        require_artifact_client(uri)
