"""Optuna sweeps: parallel workers, child runs under one parent, shared studies."""

import contextlib
import json
import os
import pickle
import signal
import sqlite3
import time
from pathlib import Path

import pytest
import yaml

from <%- packageName %>.errors import ConfigError
from <%- packageName %>.plumbing import sweep as sweep_module
from <%- packageName %>.plumbing.cli import main
from <%- packageName %>.plumbing.registry import MODELS, TRACKERS
from <%- packageName %>.plumbing.sweep import load_sweep, run_sweep

from conftest import FAST, Forked
from mocks import MockModel

SWEEP = {
    "study": "test-sweep",
    "base": "../experiment.yaml",
    "trials": 4,
    "sampler": "random",
    "space": {
        "model.params.C": {"type": "float", "low": 0.01, "high": 10.0, "log": True},
        "model.params.fit_intercept": {"type": "categorical", "choices": [True, False]},
    },
}


def write_sweep(project, **changes):
    path = project / "configs" / "sweeps" / "test-sweep.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(yaml.safe_dump({**SWEEP, **changes}))
    return path


def children_of(parent_id, experiment):
    runs = TRACKERS.build("local").search_runs(experiment)
    return [run for run in runs if run.tags.get("sweep.parent") == parent_id]


# Python 3.12+ warns at any fork of a process with more than one thread; here the others are
# BLAS's native worker threads (numpy's and scipy's), which are safe across a fork.
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_two_worker_sweep_logs_children_and_parent_summary(project, monkeypatch):
    sweep = load_sweep(write_sweep(project))
    # A worker process gets its arguments pickled (spawn): they must survive the trip.
    assert pickle.loads(pickle.dumps((sweep, list(FAST)))) == (sweep, list(FAST))
    # The second worker is a real process sharing the SQLite storage, forked rather than
    # spawned so that it does not import the whole stack again (the end-to-end tests run
    # `sweep --workers 2` as users do, with spawn).
    monkeypatch.setattr(sweep_module, "START_METHOD", "fork")
    summary = run_sweep(sweep, workers=2, overrides=FAST)

    # This process runs 2 trials itself: the other 2 are the second worker's.
    tracker = TRACKERS.build("local")
    parent = tracker.get_run(summary.parent_run_id)
    children = children_of(summary.parent_run_id, parent.experiment)
    assert summary.trials == 4 and len(children) == 4
    assert {run.status for run in children} == {"FINISHED"}
    assert {run.tags["sweep.trial"] for run in children} == {"0", "1", "2", "3"}
    best = max(run.metrics["test/accuracy"] for run in children)
    assert parent.metrics["best/test/accuracy"] == best == summary.best_value
    assert parent.tags["sweep.best_run"] in {run.run_id for run in children}
    assert "best.model.params.C" in parent.params
    trials = json.loads(tracker.read_artifact(parent.run_id, "sweep.json"))
    assert len(trials) == 4 and (project / "sweeps" / "test-sweep.db").is_file()


def test_a_later_sweep_command_joins_the_study_through_shared_storage(project, capsys):
    path = write_sweep(project, trials=2)
    storage = f"sqlite:///{(project / 'shared.db').as_posix()}"
    first = run_sweep(load_sweep(path), storage=storage, overrides=FAST)

    argv = ["sweep", "--config", str(path), "--storage", storage, "--trials", "2"]
    for override in FAST:
        argv += ["--set", override]
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 0, err
    assert f"parent run {first.parent_run_id}  trials 4" in out
    experiment = TRACKERS.build("local").get_run(first.parent_run_id).experiment
    assert len(children_of(first.parent_run_id, experiment)) == 4


@pytest.mark.filterwarnings("ignore:Heartbeat of storage is supposed to be used")
@pytest.mark.filterwarnings("ignore::optuna.exceptions.ExperimentalWarning")
def test_a_dead_workers_trial_is_failed_and_the_study_goes_on(project):
    import optuna

    path = write_sweep(project, trials=1, heartbeat=1)
    storage = f"sqlite:///{(project / 'shared.db').as_posix()}"
    first = run_sweep(load_sweep(path), storage=storage, overrides=FAST)
    # a worker that started a trial, beat once a minute ago, then died (no process left to
    # close it): its beat is moved back in the storage rather than waited for
    rdb = optuna.storages.RDBStorage(storage, heartbeat_interval=1, grace_period=2)
    study = optuna.load_study(study_name=first.study, storage=rdb)
    orphan = study.ask()
    rdb.record_heartbeat(orphan._trial_id)
    with contextlib.closing(sqlite3.connect(project / "shared.db")) as db, db:
        db.execute(
            "UPDATE trial_heartbeats SET heartbeat = datetime(heartbeat, '-1 minute') "
            "WHERE trial_id = ?",
            (orphan._trial_id,),
        )

    second = run_sweep(load_sweep(path), storage=storage, overrides=FAST)
    trials = optuna.load_study(study_name=first.study, storage=storage).trials
    states = {trial.number: trial.state.name for trial in trials}
    assert states == {0: "COMPLETE", 1: "FAIL", 2: "COMPLETE"}
    assert second.parent_run_id == first.parent_run_id


def test_bad_sweep_configs_are_one_line_errors(project):
    with pytest.raises(ConfigError, match="sampler must be one of"):
        load_sweep(write_sweep(project, sampler="annealing"))
    space = {"model.params.C": {"type": "float", "low": 0, "high": 1, "log": True}}
    with pytest.raises(ConfigError, match="log scale needs low > 0"):
        load_sweep(write_sweep(project, space=space))
    with pytest.raises(ConfigError, match="heartbeat must be a positive number of seconds"):
        load_sweep(write_sweep(project, heartbeat=0))
    grid = load_sweep(write_sweep(project, sampler="grid"))
    with pytest.raises(ConfigError, match="needs a step"):
        run_sweep(grid, overrides=FAST)


def stopped_now(pid: int) -> bool:
    """SIGKILL ``pid``; return whether it was still running (a test's leftover)."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return False
    return True


class WaitingModel(MockModel):
    """Writes ``<pid>.fitting`` in the cwd when ``fit`` starts, then waits for a signal."""

    def fit(self, X, y):
        Path(f"{os.getpid()}.fitting").touch()
        signal.pause()
        return super().fit(X, y)


def test_sigterm_stops_a_sweep_and_its_workers_with_every_trial_run_killed(project):
    (project / "configs/local.yaml").write_text(
        "extends: experiment.yaml\ntracker: {name: local}\n"
        "model: {name: waiting, params: {}}\n"
        "evaluator: {bootstrap: {n_resamples: 10}, figures: false}\n"
    )
    space = {"model.params.smoothing": {"type": "float", "low": 0.0, "high": 1.0}}
    path = write_sweep(project, base="../local.yaml", trials=2, space=space)
    argv = ["sweep", "--config", str(path), "--workers", "2"]

    def sweep() -> int:  # in a forked child: a sweep driver and its own forked worker
        MODELS.register("waiting")(WaitingModel)
        sweep_module.START_METHOD = "fork"  # the child's own module: the test's is untouched
        return main(argv)

    driver = Forked(sweep, project / "driver.err")
    try:
        deadline = time.monotonic() + 120
        while len(list(project.glob("*.fitting"))) < 2 and driver.poll() is None:
            assert time.monotonic() < deadline, "the two trials never started"
            time.sleep(0.05)
        driver.send_signal(signal.SIGTERM)
        driver.wait(timeout=60)
    finally:
        driver.kill()
        workers = {int(marker.name.split(".")[0]) for marker in project.glob("*.fitting")}
        workers.discard(driver.pid)
        left = [pid for pid in workers if stopped_now(pid)]  # none should be: checked below
    err = driver.stderr()
    assert driver.returncode == 128 + signal.SIGTERM, err
    assert "error: interrupted by SIGTERM; run " in err and "ended KILLED" in err
    assert "sweep worker interrupted by SIGTERM; run " in err  # the forked worker's own line
    assert len(workers) == 1
    assert left == [], "the sweep's worker outlived it"
    runs = TRACKERS.build("local").search_runs("<%- distName %>")
    assert len(runs) == 3  # the parent and the two trials
    assert {run.status for run in runs} == {"KILLED"}, [(r.status, r.tags) for r in runs]
