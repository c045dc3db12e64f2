"""The Databricks Asset Bundle runs the same entry point and config as a local run."""

import importlib.util
import shutil
from pathlib import Path

import yaml

from <%- packageName %>.plumbing.cli import DEFAULT_CONFIG

REPO = Path(__file__).resolve().parents[1]


def test_bundle_job_runs_the_local_entry_point_and_config():
    bundle = yaml.safe_load((REPO / "databricks.yml").read_text())
    job = bundle["resources"]["jobs"]["experiment"]
    (task,) = job["tasks"]
    python_task = task["spark_python_task"]
    assert python_task["parameters"] == ["run", "--config", DEFAULT_CONFIG]
    assert (REPO / python_task["python_file"]).is_file() and (REPO / DEFAULT_CONFIG).is_file()
    keys = {environment["environment_key"] for environment in job["environments"]}
    assert task["environment_key"] in keys


def test_entry_script_runs_the_command_line_from_the_project_root(project, capsys):
    (project / "jobs").mkdir()
    shutil.copy(REPO / "jobs" / "databricks_entry.py", project / "jobs")
    spec = importlib.util.spec_from_file_location("entry", project / "jobs/databricks_entry.py")
    entry = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(entry)
    local = ["--set", "tracker.name=local", "--set", "tracker.params={}"]
    fast = ["--set", "evaluator.bootstrap.n_resamples=20"]
    assert entry.main(["run", "--config", DEFAULT_CONFIG, *local, *fast]) == 0
    assert capsys.readouterr().out.startswith("run ")
    assert list(project.glob("runs/*/*/artifacts/model/manifest.json"))
