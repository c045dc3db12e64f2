"""Runs interrupted by Ctrl-C or SIGTERM end KILLED; one killed outright stays out of compare."""

import re
import signal

import pytest

from <%- packageName %>.plumbing.cli import main
from <%- packageName %>.plumbing.registry import MODELS, TRACKERS

from conftest import Forked
from mocks import MockModel

LOCAL = ["--config", "configs/local.yaml"]


class WaitingModel(MockModel):
    """Prints "storing" and waits for a signal when pickled, i.e. when a run stores it."""

    def __getstate__(self):
        print("storing", flush=True)
        signal.pause()
        return dict(self.__dict__)


@pytest.fixture(autouse=True)
def local_config(project):
    (project / "configs/local.yaml").write_text(
        "extends: experiment.yaml\ntracker: {name: local}\n"
        "evaluator: {bootstrap: {n_resamples: 20}, figures: false}\n"
    )


def start_waiting_runs(project) -> Forked:
    """Run the real CLI three times in a forked child, with the waiting model.

    The model is stored after the run's metrics are logged: the test signals a run in progress
    with no timing guess.
    """
    argv = ["--quiet", "run", *LOCAL, "--set", "model.name=waiting", "--set", "model.params={}"]

    def runs() -> int:
        MODELS.register("waiting")(WaitingModel)  # in the child only
        for _ in range(3):
            print("exit", main(argv), flush=True)
        return 0

    return Forked(runs, project / "driver.err")


def test_signals_end_runs_killed_and_compare_ranks_finished_runs_only(capsys, project):
    child = start_waiting_runs(project)
    try:
        tracker = TRACKERS.build("local")
        with tracker.start_run("<%- distName %>") as run:  # a finished run, to be ranked
            run.log_metrics({"test/accuracy": 0.5})
        for signum in (signal.SIGINT, signal.SIGTERM):
            assert child.stdout.readline() == "storing\n"
            child.send_signal(signum)
            assert child.stdout.readline() == f"exit {128 + signum}\n"
        assert child.stdout.readline() == "storing\n"
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=60) == -signal.SIGKILL
        lines = child.stderr().splitlines()
    finally:
        child.kill()

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
