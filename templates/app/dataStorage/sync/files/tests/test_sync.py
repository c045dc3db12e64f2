"""Syncing data/ with the data storage, against a folder standing in for it."""

from pathlib import Path

import pytest

from <%- packageName %>.errors import ConfigError, DataError
from <%- packageName %>.plumbing import sync
from <%- packageName %>.plumbing.cli import main


@pytest.fixture
def storage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder named by DATA_STORAGE_URL."""
    folder = tmp_path / "storage"
    folder.mkdir()
    monkeypatch.setenv(sync.URL_VARIABLE, str(folder))
    return folder


def write(root: Path, relative: str, text: str) -> Path:
    path = root / "data" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_up_then_down_into_an_empty_clone(project, storage, tmp_path):
    write(project, "raw/a.csv", "x\n1\n")
    write(project, "raw/.gitkeep", "")
    write(project, "processed/b.csv", "y\n2\n")

    assert main(["sync", "up"]) == 0
    assert sorted(p.relative_to(storage).as_posix() for p in storage.rglob("*.csv")) == [
        "processed/b.csv",
        "raw/a.csv",
    ]
    assert not (storage / "raw" / ".gitkeep").exists()

    clone = tmp_path / "clone"
    clone.mkdir()
    result = sync.sync_down(clone, str(storage))
    assert result.copied == ["processed/b.csv", "raw/a.csv"]
    assert (clone / "data" / "raw" / "a.csv").read_text() == "x\n1\n"


def test_down_keeps_a_local_file_that_differs_unless_told(project, storage, capsys):
    write(project, "raw/a.csv", "team\n")
    sync.sync_up(project, str(storage))
    mine = write(project, "raw/a.csv", "mine\n")

    assert main(["sync", "down"]) == 1
    assert mine.read_text() == "mine\n"
    assert "--overwrite" in capsys.readouterr().out

    assert main(["sync", "down", "--overwrite"]) == 0
    assert mine.read_text() == "team\n"
    assert sync.sync_down(project, str(storage)).same == ["raw/a.csv"]
    assert not list(mine.parent.glob("*.partial"))


def test_url_comes_from_the_environment_then_the_config(project, monkeypatch):
    monkeypatch.delenv(sync.URL_VARIABLE, raising=False)
    config = project / sync.CONFIG_FILE
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("url: s3://bucket/data\n")
    assert sync.storage_url(project) == "s3://bucket/data"
    monkeypatch.setenv(sync.URL_VARIABLE, "/mnt/share/data")
    assert sync.storage_url(project) == "/mnt/share/data"

    monkeypatch.delenv(sync.URL_VARIABLE)
    config.write_text("url: ''\n")
    with pytest.raises(ConfigError, match="has no url"):
        sync.storage_url(project)


def test_credentials_are_read_from_dvc_variable_names(monkeypatch):
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", "AccountName=a;AccountKey=k")
    monkeypatch.setenv("AZURE_STORAGE_ACCOUNT", "a")
    monkeypatch.delenv("AZURE_STORAGE_KEY", raising=False)
    monkeypatch.delenv("AZURE_STORAGE_SAS_TOKEN", raising=False)
    assert sync.storage_options("az") == {
        "connection_string": "AccountName=a;AccountKey=k",
        "account_name": "a",
    }
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9000")
    assert sync.storage_options("s3") == {
        "client_kwargs": {"endpoint_url": "http://127.0.0.1:9000"}
    }
    assert sync.storage_options("gs") == {}


def test_an_unknown_protocol_is_one_line(project):
    with pytest.raises(DataError, match="cannot open the data storage nope://x"):
        sync.sync_up(project, "nope://x")
