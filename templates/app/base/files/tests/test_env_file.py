"""The project's ``.env``: loaded by the CLI, never over a set variable, ignored by git."""

import os
import shutil
import subprocess

import pytest

from <%- packageName %>.plumbing.cli import main
from <%- packageName %>.plumbing.env_file import load_env_file

from conftest import REPO

NAMES = ("MLEXP_FROM_FILE", "MLEXP_ALREADY_SET")


@pytest.fixture(autouse=True)
def restored(monkeypatch):
    """Whatever ``.env`` sets in ``os.environ`` is undone after the test."""
    for name in NAMES:
        monkeypatch.setenv(name, "placeholder")
        monkeypatch.delenv(name)


def test_loads_the_file_without_overriding_a_set_variable(project, monkeypatch):
    (project / ".env").write_text("MLEXP_FROM_FILE=from-file\nMLEXP_ALREADY_SET='from file'\n")
    monkeypatch.setenv("MLEXP_ALREADY_SET", "from-shell")
    assert load_env_file() == project / ".env"
    assert os.environ["MLEXP_FROM_FILE"] == "from-file"
    assert os.environ["MLEXP_ALREADY_SET"] == "from-shell"


def test_finds_the_file_from_a_sub_folder(project, monkeypatch):
    (project / ".env").write_text("MLEXP_FROM_FILE=from-root\n")
    (project / "notebooks").mkdir()
    monkeypatch.chdir(project / "notebooks")
    assert load_env_file() == project / ".env"
    assert os.environ["MLEXP_FROM_FILE"] == "from-root"


def test_no_file_changes_nothing(project):
    assert load_env_file() is None
    assert "MLEXP_FROM_FILE" not in os.environ


def test_the_cli_loads_it_before_the_command(project, capsys):
    local = "extends: experiment.yaml\ntracker: {name: local}\n"
    (project / "configs/local.yaml").write_text(local)
    (project / ".env").write_text("MLEXP_FROM_FILE=from-cli\n")
    assert main(["ui", "--config", "configs/local.yaml"]) == 0
    assert os.environ["MLEXP_FROM_FILE"] == "from-cli"


def test_an_unreadable_file_is_one_error_line(project, capsys):
    (project / ".env").write_bytes(b"MLEXP_FROM_FILE=\xff\xfe\n")
    assert main(["ui"]) == 2
    _, err = capsys.readouterr()
    assert err.startswith("error: cannot read ") and ".env" in err and len(err.splitlines()) == 1
    assert "MLEXP_FROM_FILE" not in os.environ


def test_git_ignores_the_file_but_not_the_example(project):
    shutil.copy(REPO / ".gitignore", project / ".gitignore")
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    (project / ".env").write_text("MLEXP_FROM_FILE=secret\n")
    shutil.copy(REPO / ".env.example", project / ".env.example")

    def ignored(name: str) -> bool:
        check = subprocess.run(["git", "check-ignore", "-q", name], cwd=project, check=False)
        assert check.returncode in (0, 1), check
        return check.returncode == 0

    assert ignored(".env") and ignored(".env.local")
    assert not ignored(".env.example")
