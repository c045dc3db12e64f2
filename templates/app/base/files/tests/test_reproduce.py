"""Reproducing a run from its recorded config."""

from <%- packageName %> import reproducibility
from <%- packageName %>.experiment import run_experiment
from <%- packageName %>.registry import TRACKERS
from <%- packageName %>.reproduce import metric_mismatches, reproduce_run

from conftest import example_data_file, fast_config


def test_unchanged_tree_reproduces_exactly():
    tracker = TRACKERS.build("local")
    run_id = run_experiment(fast_config(), tracker=tracker).run_id

    reproduction = reproduce_run(tracker, run_id)

    assert reproduction.matches and reproduction.warnings == []
    assert reproduction.compared > 10
    assert reproduction.rerun.tags["reproduces"] == run_id


def test_changed_data_row_is_reported():
    tracker = TRACKERS.build("local")
    run_id = run_experiment(fast_config(), tracker=tracker).run_id
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


def test_metric_mismatches_ignore_timings():
    recorded = {"test/a": 1.0, "test/b": 2.0, "time/fit_seconds": 1.0}
    current = {"test/a": 1.0, "test/b": 2.5, "test/c": 3.0, "time/fit_seconds": 9.0}
    mismatches, compared = metric_mismatches(recorded, current)
    assert mismatches == ["test/b: recorded 2.0, now 2.5", "test/c: recorded None, now 3.0"]
    assert compared == 3
