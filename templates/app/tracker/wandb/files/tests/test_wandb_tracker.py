"""The W&B tracker, run for real in offline mode (no account, no network).

Only the public-API read-back of runs kept solely in W&B (online) goes through a fake of
``wandb.Api``: everything else is wandb itself, writing to ``tmp_path``.
"""

import hashlib
import json
from pathlib import Path
from types import SimpleNamespace

import pytest
import wandb

from <%- packageName %>.errors import TrackerError
from <%- packageName %>.experiment import run_experiment
from <%- packageName %>.plumbing.cli import main
from <%- packageName %>.trackers.wandb_tracker import NO_API_KEY, WandbTracker, project_name

from conftest import commit_project, example_data_file, fast_config
from mocks import error_line

FAST = ["--set", "evaluator.bootstrap.n_resamples=50"]
WANDB_VARIABLES = (
    "WANDB_API_KEY",
    "WANDB_ENTITY",
    "WANDB_PROJECT",
    "WANDB_RUN_ID",
    "WANDB_RESUME",
    "WANDB_NAME",
    "WANDB_BASE_URL",
)


@pytest.fixture(autouse=True)
def offline(tmp_path, monkeypatch) -> Path:
    """W&B offline, every file it writes under tmp_path; returns WANDB_DIR."""
    for variable in WANDB_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("WANDB_MODE", "offline")
    monkeypatch.setenv("WANDB_SILENT", "true")
    for variable, folder in [
        ("WANDB_DIR", "wandb-dir"),
        ("WANDB_CACHE_DIR", "wandb-cache"),
        ("WANDB_CONFIG_DIR", "wandb-config"),
        ("WANDB_DATA_DIR", "wandb-data"),
    ]:
        (tmp_path / folder).mkdir()
        monkeypatch.setenv(variable, str(tmp_path / folder))
    return tmp_path / "wandb-dir"


def offline_run_folder(wandb_dir: Path, run_id: str) -> Path:
    (folder,) = (wandb_dir / "wandb").glob(f"offline-run-*-{run_id}")
    return folder


def test_cli_run_compare_reproduce_ui_offline(capsys, project, offline):
    assert main(["run", *FAST]) == 0
    run_id = capsys.readouterr().out.split()[1]

    files = offline_run_folder(offline, run_id) / "files" / "artifacts"
    assert (files / "predictions.csv").read_bytes().startswith(b"id,truth,prediction")
    assert (files / "config.yaml").is_file() and (files / "environment" / "packages.txt").is_file()
    assert (project / "runs" / "<%- distName %>" / run_id / "run.json").is_file()

    assert main(["compare"]) == 0
    assert run_id in capsys.readouterr().out
    assert main(["reproduce", run_id]) == 0
    out = capsys.readouterr().out
    assert "metrics match" in out
    rerun_id = out.split()[4]
    assert WandbTracker().get_run(rerun_id).tags["reproduces"] == run_id
    assert offline_run_folder(offline, rerun_id).is_dir()

    assert main(["ui"]) == 0
    hint = capsys.readouterr().out
    assert "wandb sync" in hint and "offline-run-*" in hint and "runs" in hint


def test_run_is_fully_recorded(project, offline):
    head = commit_project(project, "data/\nwandb*/\nruns/\n")
    (project / "notes.txt").write_text("uncommitted\n")

    tracker = WandbTracker()
    config = fast_config("experiment.yaml", "tracker.name=wandb")
    run_id = run_experiment(config, tracker=tracker).run_id

    record = tracker.get_run(run_id)
    assert record.status == "FINISHED" and record.experiment == "<%- distName %>"
    assert record.params["model.name"] == "logistic_regression"
    assert record.params["dataset.params.path"] == config.dataset.params["path"]
    assert {"test/accuracy", "test/accuracy_ci_low", "time/run_seconds"} <= set(record.metrics)
    tags = record.tags
    assert tags["dataset.name"] == "breast_cancer" and tags["dataset.version"]
    fingerprint = hashlib.sha256(example_data_file().read_bytes()).hexdigest()
    assert tags["dataset.fingerprint"] == fingerprint
    assert tags["git.commit"] == head and tags["git.dirty"] == "true"
    assert tags["input.testing.digest"] and tags["input.training.rows"]

    assert b"notes.txt" in tracker.read_artifact(run_id, "git.diff")
    assert tracker.read_artifact(run_id, "predictions.csv").startswith(b"id,truth,prediction")
    assert tracker.read_artifact(run_id, "config.yaml").decode() == config.to_yaml()
    assert tracker.read_artifact(run_id, "environment/packages.txt")
    files = offline_run_folder(offline, run_id) / "files" / "artifacts"
    assert (files / "git.diff").read_bytes() == tracker.read_artifact(run_id, "git.diff")


def test_failed_run_is_failed_in_both_places(project, offline):
    tracker = WandbTracker()
    with pytest.raises(RuntimeError), tracker.start_run("fails") as run:
        raise RuntimeError("boom")
    assert tracker.get_run(run.run_id).status == "FAILED"
    assert offline_run_folder(offline, run.run_id).is_dir()


def test_missing_api_key_online_is_one_line_and_leaves_nothing(capsys, project, monkeypatch):
    monkeypatch.delenv("WANDB_MODE")
    assert main(["run", *FAST]) == 2
    err = error_line(capsys.readouterr().err)
    assert err == f"error: {NO_API_KEY}\n"
    assert "WANDB_API_KEY" in err and "WANDB_MODE=offline" in err
    assert not any((project / "runs").glob("*/*")), "a run folder was left behind"


def test_disabled_mode_keeps_the_local_folders(project, monkeypatch, offline):
    monkeypatch.setenv("WANDB_MODE", "disabled")
    tracker = WandbTracker()
    with tracker.start_run("quiet") as run:
        run.log_metrics({"test/accuracy": 0.5})
        run.log_artifact("predictions.csv", "id\n")
    assert tracker.get_run(run.run_id).metrics == {"test/accuracy": 0.5}
    assert not (offline / "wandb").exists() or not list((offline / "wandb").glob("*-run-*"))
    assert "WANDB_MODE=disabled" in tracker.ui_hint()


def test_project_names_and_settings(monkeypatch):
    assert project_name("churn") == "churn"
    assert project_name("a/b:c#d?e%f\\g") == "a-b-c-d-e-f-g"
    monkeypatch.setenv("WANDB_ENTITY", "team")
    tracker = WandbTracker(root="elsewhere")
    assert tracker.entity == "team" and tracker.local.root.name == "elsewhere"
    assert WandbTracker(entity="me").entity == "me"
    monkeypatch.setenv("WANDB_MODE", "dryrun")
    assert tracker.mode == "offline"


class FakeApi:
    """Stands in for ``wandb.Api``: one project holding one run logged elsewhere."""

    def __init__(self, runs, calls, **kwargs):
        self._runs, self.calls = runs, calls
        self.default_entity = "team"
        calls.append(("Api", kwargs))

    def runs(self, path, order=None):
        self.calls.append(("runs", path, order))
        return [run for run in self._runs if path.endswith(f"/{run.project}")]

    def run(self, path):
        self.calls.append(("run", path))
        for run in self._runs:
            if path.endswith(f"/{run.project}/{run.id}"):
                return run
        raise ValueError(f"Could not find run {path}")


def remote_run(project: str, run_id: str, folder: Path):
    artifact = folder / "artifacts" / "config.yaml"
    artifact.parent.mkdir(parents=True)
    artifact.write_text("experiment: remote\n")

    def file(name):
        def download(root, replace):
            target = Path(root) / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes((folder / name).read_bytes())

        return SimpleNamespace(download=download)

    return SimpleNamespace(
        id=run_id,
        project=project,
        state="finished",
        config={
            "model.name": "elsewhere",
            "_wandb": {"x": 1},
            "mlexp": {"experiment": project, "start_time": 1.5, "tags": {"seed": 7}},
        },
        summary_metrics={"test/accuracy": 0.5, "_runtime": 3, "note": "text"},
        file=file,
    )


def test_online_reads_add_runs_only_in_wandb(monkeypatch, project, tmp_path):
    tracker = WandbTracker()
    with tracker.start_run("shared") as local:  # offline: kept locally
        local.log_metrics({"test/accuracy": 0.9})
    calls = []
    runs = [remote_run("shared", "abc123", tmp_path / "remote")]
    monkeypatch.setattr(wandb, "Api", lambda **kwargs: FakeApi(runs, calls, **kwargs))
    monkeypatch.setenv("WANDB_MODE", "online")

    found = {record.run_id: record for record in tracker.search_runs("shared")}
    assert set(found) == {local.run_id, "shared/abc123"}
    remote = found["shared/abc123"]
    assert remote.params == {"model.name": "elsewhere"} and remote.tags == {"seed": "7"}
    assert remote.metrics == {"test/accuracy": 0.5} and remote.status == "FINISHED"
    assert ("runs", "team/shared", "-created_at") in calls

    assert tracker.get_run("shared/abc123") == remote
    assert tracker.read_artifact("shared/abc123", "config.yaml") == b"experiment: remote\n"
    with pytest.raises(TrackerError, match="no W&B run shared/missing"):
        tracker.get_run("shared/missing")

    def unreachable(**kwargs):
        raise OSError("W&B is down")

    monkeypatch.setattr(wandb, "Api", unreachable)
    assert [record.run_id for record in tracker.search_runs("shared")] == [local.run_id]


def test_offline_run_config_holds_the_bookkeeping(project, offline):
    tracker = WandbTracker()
    with tracker.start_run("bookkeeping", tags={"stage": "test"}) as run:
        run.log_params({"alpha": 1})
        config = dict(run.wandb_run.config)
    assert config["alpha"] == "1"
    assert config["mlexp"]["experiment"] == "bookkeeping"
    assert config["mlexp"]["tags"] == {"stage": "test"}
    assert json.loads((project / "runs" / "bookkeeping" / run.run_id / "run.json").read_text())
