"""DVC versions read from pointer files written here as DVC 3 writes them (no DVC needed)."""

import hashlib
import json
import subprocess
from pathlib import Path

import pytest

from <%- packageName %>.errors import DataError
from <%- packageName %>.experiment import run_experiment
from <%- packageName %>.plumbing import data_versions
from <%- packageName %>.plumbing.data_versions import (
    dvc_version,
    ensure_recorded_data,
    track,
)
from <%- packageName %>.plumbing.registry import TRACKERS

from conftest import commit_project, example_data_file, fast_config


def md5(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def dvc_add(path: Path) -> Path:
    """Write the pointer ``dvc add <path>`` writes for a file; return it."""
    data = path.read_bytes()
    pointer = path.with_name(f"{path.name}.dvc")
    pointer.write_text(
        f"outs:\n- md5: {md5(data)}\n  size: {len(data)}\n  hash: md5\n  path: {path.name}\n"
    )
    return pointer


def data_file(project: Path, text: str = "x,y\n1,2\n") -> Path:
    path = project / "data" / "raw" / "table.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def git(project: Path, *args: str) -> str:
    run = subprocess.run(["git", *args], cwd=project, check=True, capture_output=True, text=True)
    return run.stdout.strip()


def test_untracked_file_has_no_version(project, tmp_path):
    assert dvc_version(data_file(project), project) is None
    outside = tmp_path / "elsewhere.csv"
    outside.write_text("x\n1\n")
    dvc_add(outside)
    assert dvc_version(outside, project) is None  # not the project's data


def test_file_pointer_gives_md5_and_commit(project):
    path = data_file(project)
    dvc_add(path)
    version = dvc_version(path, project)
    assert version is not None
    assert (version.pointer, version.path) == ("data/raw/table.csv.dvc", "data/raw/table.csv")
    assert version.md5 == md5(path.read_bytes())
    assert (version.commit, version.modified) == ("unknown", "false")  # not a git repository

    commit = commit_project(project, ignored="data/raw/table.csv\n")
    assert dvc_version(path, project).commit == commit
    path.write_text("x,y\n1,3\n")
    assert dvc_version(path, project).modified == "true"
    dvc_add(path)
    assert dvc_version(path, project).commit == "uncommitted"


def test_folder_pointer_reads_the_cached_manifest(project):
    path = data_file(project)
    entries = [{"md5": md5(path.read_bytes()), "relpath": "table.csv"}]
    manifest = json.dumps(entries).encode()
    folder_md5 = f"{md5(manifest)}.dir"
    cached = project / ".dvc" / "cache" / "files" / "md5" / folder_md5[:2] / folder_md5[2:]
    cached.parent.mkdir(parents=True)
    cached.write_bytes(manifest)
    (project / "data" / "raw.dvc").write_text(
        f"outs:\n- md5: {folder_md5}\n  nfiles: 1\n  hash: md5\n  path: raw\n"
    )
    version = dvc_version(path, project)
    assert (version.pointer, version.md5, version.modified) == ("data/raw.dvc", folder_md5, "false")
    cached.unlink()
    assert dvc_version(path, project).modified == "unknown"


def test_a_broken_pointer_is_one_line(project):
    path = data_file(project)
    path.with_name("table.csv.dvc").write_text("outs: []\n")
    with pytest.raises(DataError, match=r"names no output 'table\.csv'"):
        dvc_version(path, project)


def test_a_run_records_the_version_it_read():
    tracker = TRACKERS.build("local")
    config = fast_config()
    run_experiment(config, tracker=tracker)  # writes the example data
    pointer = dvc_add(example_data_file())

    run_id = run_experiment(config, tracker=tracker).run_id

    tags = tracker.get_run(run_id).tags
    assert tags["dataset.dvc.md5"] == md5(example_data_file().read_bytes())
    assert tags["dataset.dvc.pointer"].endswith(pointer.name)
    assert tags["dataset.dvc.modified"] == "false"


def recorded(project: Path, path: Path) -> dict[str, str]:
    """The tags of a run that read ``path`` at its committed DVC version."""
    dvc_add(path)
    commit_project(project, ignored="data/raw/table.csv\n")
    version = dvc_version(path, project)
    assert version is not None
    return version.tags()


def test_reproduce_accepts_the_recorded_version(project):
    tags = recorded(project, data_file(project))
    assert ensure_recorded_data(tags, project, "r1") is None
    assert ensure_recorded_data({}, project, "r1") is None  # no DVC data: nothing to check


def test_reproduce_refuses_another_version_and_says_how_to_get_it(project):
    path = data_file(project)
    tags = recorded(project, path)
    path.write_text("x,y\n9,9\n")
    with pytest.raises(DataError, match=r"restore it with `dvc checkout data/raw/table.csv.dvc`"):
        ensure_recorded_data(tags, project, "r1")
    dvc_add(path)
    git(project, "-c", "user.name=t", "-c", "user.email=t@e.org", "commit", "-qam", "new data")
    commit = tags["dataset.dvc.commit"][:12]
    with pytest.raises(
        DataError, match=rf"git checkout {commit} -- data/raw/table.csv.dvc && dvc pull"
    ):
        ensure_recorded_data(tags, project, "r1")
    assert path.read_text() == "x,y\n9,9\n"  # nothing was changed


def test_reproduce_fetches_a_missing_file_of_the_same_version(project, monkeypatch):
    path = data_file(project)
    tags = recorded(project, path)
    content = path.read_bytes()
    path.unlink()
    calls = []

    def pull(root, *args):  # stands in for `python -m dvc pull <pointer>`
        calls.append(args)
        path.write_bytes(content)

    monkeypatch.setattr(data_versions, "dvc", pull)
    assert ensure_recorded_data(tags, project, "r1") is None
    assert calls == [("pull", "--quiet", "data/raw/table.csv.dvc")]


def test_reproduce_only_warns_for_data_dvc_did_not_hold(project):
    path = data_file(project)
    dvc_add(path)
    tags = dvc_version(path, project).tags()  # not committed
    warning = ensure_recorded_data(tags, project, "r1")
    assert warning is not None and "only the data fingerprints can be compared" in warning


def test_track_runs_dvc_add_only_in_a_dvc_project(project, monkeypatch):
    path = data_file(project)
    calls = []
    monkeypatch.setattr(
        data_versions, "dvc", lambda root, *args: calls.append(args) or dvc_add(path)
    )
    assert track(path, project) is None and calls == []

    (project / ".dvc").mkdir()
    version = track(path, project)
    assert calls == [("add", "--quiet", "data/raw/table.csv")]
    assert version is not None and version.md5 == md5(path.read_bytes())


def test_dvc_missing_from_the_environment_is_one_line(project, monkeypatch):
    monkeypatch.setattr(data_versions.sys, "executable", "/no/such/python")
    with pytest.raises(DataError, match="could not run dvc add"):
        data_versions.dvc(project, "add", "x")


def test_dvc_not_installed_names_the_fix(project, monkeypatch):
    def without_dvc(args, **kwargs):
        return subprocess.CompletedProcess(args, 1, "", f"{args[0]}: No module named dvc\n")

    monkeypatch.setattr(data_versions.subprocess, "run", without_dvc)
    with pytest.raises(DataError, match=r"dvc is not installed in this environment .*requirements"):
        data_versions.dvc(project, "pull")
