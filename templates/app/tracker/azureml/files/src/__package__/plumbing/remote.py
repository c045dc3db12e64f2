"""Remote execution on Azure ML: the ``submit`` command.

``python -m <%- packageName %> submit [--job FILE]`` submits a job file.

The job files in ``jobs/`` (Azure ML CLI v2 YAML) run the same entry point and config as a
local run. ``submit`` loads one with ``azure.ai.ml.load_job``, submits it with
``MLClient.jobs.create_or_update`` to the workspace the azureml tracker uses, and prints
the studio link. ``azure-ai-ml`` is imported only when submitting.
"""

import argparse
from typing import Any

from <%- packageName %>.errors import ConfigError, TrackerError
from <%- packageName %>.plumbing.registry import TRACKERS

DEFAULT_JOB = "jobs/command-job.yml"


def add_commands(commands: Any) -> None:
    """Add ``submit`` to the command line's sub-commands."""
    submit = commands.add_parser("submit", help="submit a job file to Azure ML")
    submit.add_argument("--job", default=DEFAULT_JOB, help=f"job YAML (default: {DEFAULT_JOB})")
    submit.add_argument(
        "--config",
        default="configs/experiment.yaml",
        help="config whose azureml tracker names the workspace (default: configs/experiment.yaml)",
    )
    submit.set_defaults(command=cmd_submit)


def cmd_submit(args: argparse.Namespace) -> int:
    """Submit the job file and print its name, status and studio link."""
    job = submit_job(args.job, args.config)
    print(f"submitted job {job.name}  status {getattr(job, 'status', 'unknown')}")
    print(f"open {job.studio_url} in a browser")
    return 0


def submit_job(job_file: str, config_file: str = "configs/experiment.yaml") -> Any:
    """Load ``job_file`` and submit it; return the created job (``name``, ``studio_url``)."""
    # not at start-up: pydantic is slow to import
    from <%- packageName %>.plumbing.config import find_config, load_config

    path = find_config(job_file)
    config = load_config(config_file)
    tracker = TRACKERS.build(config.tracker.name, config.tracker.params)
    if not hasattr(tracker, "_ml_client"):
        raise ConfigError(f"submit needs the azureml tracker; {config_file} uses another")
    try:
        from azure.ai.ml import load_job
    except ImportError:
        raise TrackerError("submit needs azure-ai-ml: pip install azure-ai-ml") from None
    try:
        job = load_job(source=str(path))
    except Exception as exc:
        raise ConfigError(f"{path}: not a valid Azure ML job: {_first_line(exc)}") from None
    client = tracker._ml_client()
    try:
        return client.jobs.create_or_update(job)
    except Exception as exc:
        raise TrackerError(f"azureml: cannot submit {path.name}: {_first_line(exc)}") from None


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
