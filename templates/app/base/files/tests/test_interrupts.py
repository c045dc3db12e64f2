"""Runs interrupted by Ctrl-C or SIGTERM end KILLED; one killed outright stays out of compare."""

import os
import re
import signal
import subprocess
import sys

import pytest

from <%- packageName %>.plumbing.cli import main
from <%- packageName %>.plumbing.registry import TRACKERS

LOCAL = ["--config", "configs/local.yaml"]

# Runs the real CLI three times in one process, with one extra model whose pickling (when the
# run stores the fitted model, after its metrics are logged) prints "storing" and waits for a
# signal: the test signals a run in progress with no timing guess, and pays for one start-up.
DRIVER = """
import signal, sys
from mocks import MockModel
from <%- packageName %>.plumbing.cli import main
from <%- packageName %>.plumbing.registry import MODELS

class WaitingModel(MockModel):
    def __getstate__(self):
        print("storing", flush=True)
        signal.pause()
        return dict(self.__dict__)

MODELS.register("waiting")(WaitingModel)
for _ in range(3):
    print("exit", main(sys.argv[1:]), flush=True)
"""


@pytest.fixture(autouse=True)
def local_config(project):
    (project / "configs/local.yaml").write_text(
        "extends: experiment.yaml\ntracker: {name: local}\n"
        "evaluator: {bootstrap: {n_resamples: 20}, figures: false}\n"
    )


def start_waiting_runs(project) -> subprocess.Popen[str]:
    """Start the driver: ``run`` with the waiting model, three times, in a child process."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    argv = ["--quiet", "run", *LOCAL, "--set", "model.name=waiting", "--set", "model.params={}"]
    return subprocess.Popen(
        [sys.executable, "-c", DRIVER, *argv],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_signals_end_runs_killed_and_compare_ranks_finished_runs_only(capsys, project):
    child = start_waiting_runs(project)
    try:
        tracker = TRACKERS.build("local")
        with tracker.start_run("<%- distName %>") as run:  # a finished run, to be ranked
            run.log_metrics({"test/accuracy": 0.5})
        assert child.stdout is not None and child.stderr is not None
        for signum in (signal.SIGINT, signal.SIGTERM):
            assert child.stdout.readline() == "storing\n"
            child.send_signal(signum)
            assert child.stdout.readline() == f"exit {128 + signum}\n"
        assert child.stdout.readline() == "storing\n"
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=60) == -signal.SIGKILL
        lines = child.stderr.read().splitlines()
    finally:
        child.kill()
        child.communicate()

    runs = {run.run_id: run for run in tracker.search_runs("<%- distName %>")}
    killed = []
    for line, name in zip(lines, ("SIGINT", "SIGTERM"), strict=True):
        ended = re.fullmatch(rf"error: interrupted by {name}; run (\w+) ended KILLED", line)
        assert ended is not None, line
        killed.append(ended[1])
    assert [runs[run_id].status for run_id in killed] == ["KILLED", "KILLED"]
    statuses = sorted(run.status for run in runs.values())
    assert statuses == ["FINISHED", "KILLED", "KILLED", "RUNNING"]  # RUNNING: the SIGKILL
    assert all("test/accuracy" in run.metrics for run in runs.values())  # all logged metrics

    assert main(["compare", *LOCAL]) == 0
    out, err = capsys.readouterr()
    _, only = out.splitlines()
    assert only.split()[1] == run.run_id
    assert err == (
        "note: 3 run(s) that logged test/accuracy did not finish (KILLED, RUNNING)"
        " and are not ranked\n"
    )


def test_sigterm_handler_is_restored_after_a_command(capsys):
    before = signal.getsignal(signal.SIGTERM)
    assert main(["ui", *LOCAL]) == 0
    assert signal.getsignal(signal.SIGTERM) is before
