"""Azure ML job files and ``submit``, against a fake of the SDK boundary (no network)."""

from pathlib import Path
from types import SimpleNamespace

import azure.ai.ml
import azure.identity
import pytest
import yaml

from <%- packageName %>.plumbing.cli import DEFAULT_CONFIG, main

REPO = Path(__file__).resolve().parents[1]
LOCAL_COMMAND = f"python -m <%- packageName %> run --config {DEFAULT_CONFIG}"


def command_of(job: dict) -> str:
    return " ".join((job.get("trial") or job)["command"].split())


@pytest.mark.parametrize("name", ["command-job.yml", "sweep-job.yml"])
def test_job_files_run_the_local_entry_point_and_config(name):
    job = yaml.safe_load((REPO / "jobs" / name).read_text())
    assert LOCAL_COMMAND in command_of(job)
    assert (REPO / DEFAULT_CONFIG).is_file()
    loaded = azure.ai.ml.load_job(source=str(REPO / "jobs" / name))
    assert loaded.type == job["type"]


def test_submit_creates_the_job_and_prints_the_studio_link(monkeypatch, project, capsys):
    submitted = []
    (project / "jobs").mkdir()
    (project / "jobs/command-job.yml").write_text((REPO / "jobs/command-job.yml").read_text())
    for variable, value in {
        "AZURE_SUBSCRIPTION_ID": "sub",
        "AZURE_RESOURCE_GROUP": "rg",
        "AZUREML_WORKSPACE_NAME": "ws",
    }.items():
        monkeypatch.setenv(variable, value)

    class FakeJobs:
        def create_or_update(self, job):
            submitted.append(job)
            return SimpleNamespace(name="job-1", status="Starting", studio_url="https://ml/x")

    class FakeMLClient:
        def __init__(self, credential, subscription_id, resource_group_name, workspace_name):
            self.workspace_name = workspace_name
            self.jobs = FakeJobs()

    monkeypatch.setattr(azure.ai.ml, "MLClient", FakeMLClient)
    monkeypatch.setattr(azure.identity, "DefaultAzureCredential", lambda **kwargs: object())
    assert main(["submit", "--config", "configs/experiment.yaml"]) == 0
    out = capsys.readouterr().out
    assert "submitted job job-1" in out and "https://ml/x" in out
    assert len(submitted) == 1 and LOCAL_COMMAND in " ".join(submitted[0].command.split())


def test_a_broken_job_file_is_a_one_line_error(project, capsys):
    (project / "jobs").mkdir()
    (project / "jobs/bad.yml").write_text("type: command\ncommand: [not, a, string]\n")
    assert main(["submit", "--job", "jobs/bad.yml"]) == 2
    assert capsys.readouterr().err.startswith("error: ")
