"""Reproducing a run from its recorded config."""

import pandas as pd
import pytest

from <%- packageName %>.errors import ConfigError
from <%- packageName %>.experiment import run_experiment
from <%- packageName %>.plumbing import reproduce, reproducibility
from <%- packageName %>.plumbing.paths import project_root
from <%- packageName %>.plumbing.registry import TRACKERS
from <%- packageName %>.plumbing.reproduce import (
    drift,
    metric_mismatches,
    reproduce_run,
    unfinished_reason,
)
from <%- packageName %>.trackers.base import RunRecord

from conftest import example_data_file, fast_config
from mocks import MockTracker

DIFF = reproducibility.DIFF_ARTIFACT
PACKAGES = reproducibility.PACKAGES_ARTIFACT


def logged(tracker, tags, **artifacts):
    """A finished run with these tags and artifacts (artifact names: DIFF, PACKAGES)."""
    with tracker.start_run("drift", tags=tags) as run:
        for name, text in artifacts.items():
            run.log_artifact({"diff": DIFF, "packages": PACKAGES}[name], text)
    return tracker.get_run(run.run_id)


def test_unchanged_tree_reproduces_exactly(example_run):
    tracker = TRACKERS.build("local")
    run_id = example_run

    reproduction = reproduce_run(tracker, run_id)

    assert reproduction.matches and reproduction.warnings == []
    assert reproduction.compared > 10
    assert reproduction.rerun.tags["reproduces"] == run_id


def test_changed_data_row_is_reported(example_run):
    tracker = TRACKERS.build("local")
    run_id = example_run
    data_file = example_data_file()
    header, first, *rest = data_file.read_text().splitlines()
    first = first.replace(first.split(",")[0], "99.0", 1)  # change one value of one row
    data_file.write_text("\n".join([header, first, *rest]) + "\n")

    reproduction = reproduce_run(tracker, run_id)

    assert any(w.startswith("data fingerprint differs") for w in reproduction.warnings)


def test_changed_environment_is_reported(monkeypatch):
    tracker = TRACKERS.build("local")
    monkeypatch.setattr(reproducibility, "installed_packages", lambda: "numpy==1.0\n")
    run_id = run_experiment(fast_config(), tracker=tracker).run_id
    monkeypatch.setattr(reproducibility, "installed_packages", lambda: "numpy==2.0\n")

    reproduction = reproduce_run(tracker, run_id)

    assert reproduction.warnings == ["environment differs: -numpy==1.0, +numpy==2.0"]
    assert reproduction.matches


def test_the_data_versions_warning_comes_first(example_run, monkeypatch):
    tracker = TRACKERS.build("local")
    run_id = example_run
    calls = []

    def ensure(tags, root, run):  # stands in for the DVC check (see test_data_versions.py)
        calls.append((tags, root, run))
        return "run read data no DVC version holds"

    monkeypatch.setattr(reproduce, "ensure_recorded_data", ensure)
    reproduction = reproduce_run(tracker, run_id)

    assert calls == [(tracker.get_run(run_id).tags, project_root(), run_id)]
    assert reproduction.warnings == ["run read data no DVC version holds"]
    assert reproduction.matches


@pytest.mark.parametrize(
    ("status", "why"),
    [
        ("FAILED", "it failed: ValueError: bad"),
        ("KILLED", "it was interrupted"),  # only a failure names its error
        ("RUNNING", "it is still running, or its process died before it could end"),
        ("SCHEDULED", "it did not finish"),  # any other status a tracker may report
    ],
)
def test_an_unfinished_run_says_why_it_cannot_be_reproduced(status, why):
    run = RunRecord("r1", "e", status, 0.0, tags={"error": "ValueError: bad"})
    assert unfinished_reason(run) == (
        f"run r1 is {status} ({why}), so it has no complete metrics to reproduce;"
        " reproduce a FINISHED run instead"
        " (`python -m <%- packageName %> compare` ranks them)"
    )


def test_metric_mismatches_ignore_timings():
    recorded = {"test/a": 1.0, "test/b": 2.0, "time/fit_seconds": 1.0}
    current = {"test/a": 1.0, "test/b": 2.5, "test/c": 3.0, "time/fit_seconds": 9.0}
    mismatches, compared = metric_mismatches(recorded, current)
    assert mismatches == ["test/b: recorded 2.0, now 2.5", "test/c: recorded None, now 3.0"]
    assert compared == 3


def test_changed_labels_are_reported_as_metric_mismatches(example_run):
    tracker = TRACKERS.build("local")
    run_id = example_run
    data_file = example_data_file()
    frame = pd.read_csv(data_file)
    frame.loc[::3, "target"] = 1 - frame.loc[::3, "target"]  # mislabel every third sample
    frame.to_csv(data_file, index=False)

    reproduction = reproduce_run(tracker, run_id)

    assert not reproduction.matches
    recorded, now = reproduction.original.metrics, reproduction.rerun.metrics
    assert recorded["test/accuracy"] != now["test/accuracy"]
    expected = f"test/accuracy: recorded {recorded['test/accuracy']}, now {now['test/accuracy']}"
    assert expected in reproduction.mismatches
    assert not any(line.startswith("time/") for line in reproduction.mismatches)
    assert reproduction.rerun.run_id != run_id and reproduction.original.run_id == run_id


@pytest.mark.parametrize(
    ("recorded", "current", "differs"),
    [
        (0.5, 0.5 + 1e-12, False),  # within the relative tolerance of 1e-9
        (1e6, 1e6 + 1e-4, False),  # relative: 1e-10 of the value
        (0.0, 1e-13, False),  # near zero the absolute tolerance of 1e-12 applies
        (0.5, 0.5 + 1e-6, True),
        (0.0, 1e-9, True),
        (-0.5, 0.5, True),
    ],
)
def test_metric_mismatches_tolerate_rounding_only(recorded, current, differs):
    mismatches, compared = metric_mismatches({"test/m": recorded}, {"test/m": current})
    assert mismatches == ([f"test/m: recorded {recorded}, now {current}"] if differs else [])
    assert compared == 1


def test_metric_missing_from_the_rerun_is_a_mismatch():
    mismatches, compared = metric_mismatches({"test/a": 1.0, "test/b": 2.0}, {"test/b": 2.0})
    assert mismatches == ["test/a: recorded 1.0, now None"]
    assert compared == 2
    assert metric_mismatches({"time/fit_seconds": 1.0}, {}) == ([], 0)


def test_rerun_is_logged_to_the_given_tracker():
    elsewhere = TRACKERS.build("local", {"root": "elsewhere"})  # not the config's tracker
    run_id = run_experiment(fast_config(), tracker=elsewhere).run_id

    reproduction = reproduce_run(elsewhere, run_id)

    assert reproduction.matches
    assert elsewhere.get_run(reproduction.rerun.run_id).tags["reproduces"] == run_id


@pytest.mark.parametrize(
    ("recorded", "message"),
    [
        ("seed: [", "invalid YAML"),
        ("experiment: e\n", "missing dataset"),
    ],
)
def test_broken_recorded_config_names_the_run(recorded, message):
    tracker = MockTracker()
    run_id = run_experiment(fast_config(), tracker=tracker).run_id
    tracker.runs[run_id]["artifacts"]["config.yaml"] = recorded.encode()

    with pytest.raises(ConfigError, match=f"^run {run_id} config.yaml: .*{message}"):
        reproduce_run(tracker, run_id)


def test_code_data_and_python_drift_name_both_values():
    tracker = MockTracker()
    old = {"git.commit": "a" * 40, "dataset.fingerprint": "f" * 64, "python.version": "3.11.9"}
    new = {"git.commit": "b" * 40, "python.version": "3.12.1"}

    warnings = drift(tracker, logged(tracker, old), logged(tracker, new))

    assert warnings == [
        "git commit differs: recorded aaaaaaaaaaaa, now bbbbbbbbbbbb",
        "data fingerprint differs: recorded ffffffffffff, now missing",
        "python version differs: recorded 3.11.9, now 3.12.1",
    ]
    assert drift(tracker, logged(tracker, new), logged(tracker, old))[1] == (
        "data fingerprint differs: recorded missing, now ffffffffffff"
    )


@pytest.mark.parametrize(
    ("recorded", "now", "warned"),
    [
        (("false", ""), ("false", ""), False),
        (("false", ""), ("true", "+x"), True),
        (("true", "+x"), ("false", ""), True),
        (("true", "+x"), ("true", "+x"), False),  # the same uncommitted change
        (("true", "+x"), ("true", "+y"), True),
        (("unknown", ""), ("false", ""), False),  # outside git, nothing to compare
    ],
)
def test_uncommitted_changes_are_compared_by_flag_and_diff(recorded, now, warned):
    tracker = MockTracker()
    runs = []
    for dirty, diff in (recorded, now):
        artifacts = {"diff": diff} if dirty == "true" else {}
        runs.append(logged(tracker, {"git.dirty": dirty}, **artifacts))

    warnings = drift(tracker, *runs)

    message = (
        f"uncommitted changes differ: recorded dirty={recorded[0]}, now dirty={now[0]}"
        f" (see the {DIFF} artifacts)"
    )
    assert warnings == ([message] if warned else [])


@pytest.mark.parametrize(
    ("changed", "listed", "more"),
    [(3, 6, ""), (4, 6, " and 2 more"), (1, 2, "")],
)
def test_environment_drift_lists_six_changes_at_most(changed, listed, more):
    tracker = MockTracker()
    before = "".join(f"p{i}==1\n" for i in range(changed)) + "same==1\n"
    after = "".join(f"p{i}==2\n" for i in range(changed)) + "same==1\n"
    original = logged(tracker, {"environment.sha256": "1"}, packages=before)
    rerun = logged(tracker, {"environment.sha256": "2"}, packages=after)

    (warning,) = drift(tracker, original, rerun)

    changes = [f"-p{i}==1" for i in range(changed)] + [f"+p{i}==2" for i in range(changed)]
    assert warning == f"environment differs: {', '.join(changes[:listed])}{more}"


def test_environment_drift_without_a_recorded_package_list():
    tracker = MockTracker()
    original = logged(tracker, {"environment.sha256": "1"})
    rerun = logged(tracker, {"environment.sha256": "2"}, packages="numpy==2\n")
    assert drift(tracker, original, rerun) == ["environment differs: +numpy==2"]
    seven_packages = "".join(f"p{i}==1\n" for i in range(7))
    seven = logged(tracker, {"environment.sha256": "3"}, packages=seven_packages)
    listed = ", ".join(f"+p{i}==1" for i in range(6))
    assert drift(tracker, original, seven) == [f"environment differs: {listed} and 1 more"]
