"""The command line: outputs, exit codes and one-line errors."""

import hashlib
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from <%- packageName %>.plumbing.cli import main
from <%- packageName %>.plumbing.registry import TRACKERS

from conftest import example_data_file
from mocks import MockTracker

LOCAL = ["--config", "configs/local.yaml"]


@pytest.fixture(autouse=True)
def local_config(project):
    (project / "configs/local.yaml").write_text(
        "extends: experiment.yaml\ntracker: {name: local}\n"
        "evaluator: {bootstrap: {n_resamples: 50}, figures: false}\n"
    )


def run_cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_run_prints_id_and_headline_metrics(capsys):
    code, out, err = run_cli(capsys, "run", *LOCAL)
    assert code == 0
    assert out.startswith("run ") and "test/accuracy" in out and "CI" in out
    assert out.splitlines()[-1] == f"report {Path('reports', 'report.html')}"
    # the stages as they end, with their seconds, on stderr; stdout keeps the results
    stages = [line.split()[0] for line in err.splitlines()]
    expected = ["data", "split", "recorded", "fitted", "evaluated", "logged", "reported", "see"]
    assert stages == expected
    assert "569 rows, 30 columns" in err and err.count(" s\n") == 7


@pytest.mark.parametrize(
    "argv", [["--quiet", "run", *LOCAL], ["run", "--quiet", *LOCAL], ["run", *LOCAL, "-q"]]
)
def test_quiet_prints_results_only(capsys, argv):
    code, out, err = run_cli(capsys, *argv)
    assert code == 0 and out.startswith("run ") and err == ""


def test_compare_ranks_runs(capsys):
    run_cli(capsys, "run", *LOCAL, "--set", "model.params.C=0.01")
    run_cli(capsys, "run", *LOCAL)
    code, out, _ = run_cli(capsys, "compare", *LOCAL)
    header, best, worst = out.splitlines()
    assert code == 0 and "test/accuracy" in header
    assert float(best.split()[-4]) >= float(worst.split()[-4])


def test_reproduce_reports_match(capsys):
    _, out, _ = run_cli(capsys, "run", *LOCAL)
    run_id = out.split()[1]
    code, out, err = run_cli(capsys, "--quiet", "reproduce", run_id, *LOCAL)
    assert code == 0 and "metrics match" in out and err == ""


def test_data_writes_the_example_file_then_describes_it(capsys):
    data_file = example_data_file()
    assert not data_file.exists()
    code, out, err = run_cli(capsys, "data", *LOCAL)
    assert code == 0 and err == ""
    assert out.startswith("dataset breast_cancer version 1: 569 rows, 30 features, target ")
    assert hashlib.sha256(data_file.read_bytes()).hexdigest() in out


def test_ui_points_at_the_runs_folder(capsys, project):
    code, out, _ = run_cli(capsys, "ui", *LOCAL)
    assert code == 0 and str(project / "runs") in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", *LOCAL, "--set", "model.name=nope"], "error: unknown model 'nope'; known: "),
        (["run", *LOCAL, "--set", "model.params.bogus=1"], "error: model 'logistic_regression'"),
        (["run", "--config", "configs/absent.yaml"], "error: config file not found"),
        (["run", *LOCAL, "--set", "seed"], "error: bad --set 'seed'"),
        (["run", *LOCAL, "--set", "model.params.C=-1"], "error: model.params.C: The 'C' param"),
        (["reproduce", "f" * 32, *LOCAL], "error: no run ffffffff"),
        (["data", *LOCAL, "--set", "dataset.name=nope"], "error: unknown dataset 'nope'; known: "),
    ],
)
def test_setup_errors_are_one_line_with_status_2(capsys, argv, message):
    code, out, err = run_cli(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith(message) and err.count("\n") == 1


def test_bad_seed_or_model_parameter_leaves_no_run(capsys, project):
    errors = [run_cli(capsys, "run", *LOCAL, "--set", o) for o in ("seed=-5", "model.params.C=-1")]
    assert [code for code, _, _ in errors] == [2, 2]
    assert errors[0][2].endswith(": seed must be an int from 0 to 4294967295, got -5\n")
    assert not (project / "runs").exists()


def test_compare_leaves_out_unfinished_runs(capsys):
    finished = run_cli(capsys, "run", *LOCAL)[1].split()[1]
    killed = TRACKERS.build("local")._open_run("<%- distName %>", None, {})  # never closed
    killed.log_metrics({"test/accuracy": 1.0})
    code, out, err = run_cli(capsys, "compare", *LOCAL)
    _, only = out.splitlines()
    assert code == 0 and only.split()[1] == finished and killed.run_id not in out
    assert err == (
        "note: 1 run(s) that logged test/accuracy did not finish (RUNNING) and are not ranked\n"
    )


@pytest.mark.parametrize(
    ("status", "why"),
    [
        ("FAILED", "it failed: model 'm' cannot fit: boom"),
        ("KILLED", "it was interrupted"),
        ("RUNNING", "it is still running, or its process died before it could end"),
    ],
)
def test_reproduce_refuses_a_run_that_did_not_finish(capsys, status, why):
    tracker = TRACKERS.build("local")
    run = tracker._open_run("<%- distName %>", None, {"error": "model 'm' cannot fit: boom"})
    if status != "RUNNING":  # RUNNING: never closed, as a process killed outright leaves it
        tracker._close_run(run, status)
    code, out, err = run_cli(capsys, "reproduce", run.run_id, *LOCAL)
    assert code == 2 and out == ""
    assert err == (
        f"error: run {run.run_id} is {status} ({why}), so it has no complete metrics to"
        " reproduce; reproduce a FINISHED run instead"
        " (`python -m <%- packageName %> compare` ranks them)\n"
    )
    assert [r.run_id for r in tracker.search_runs("<%- distName %>")] == [run.run_id]


def test_corrupt_local_run_record_is_one_line(capsys, project):
    with TRACKERS.build("local").start_run("<%- distName %>") as run:
        run_id = run.run_id
    (record,) = (project / "runs").glob(f"*/{run_id}/run.json")
    record.write_bytes(b"\x00garbage")
    for argv in (["compare", *LOCAL], ["reproduce", run_id, *LOCAL]):
        code, out, err = run_cli(capsys, *argv)
        assert code == 2 and out == "" and err.count("\n") == 1
        assert err.startswith(f"error: {record} is not a readable run record (JSONDecodeError")
        assert err.endswith(
            f"restore it, or move its run folder {record.parent} out of {record.parent.parent}\n"
        )


def test_tracker_failing_at_start_is_one_line(capsys, registries):
    TRACKERS.register("refusing")(lambda: MockTracker(fail_on_start=True))
    code, _, err = run_cli(capsys, "run", *LOCAL, "--set", "tracker.name=refusing")
    # the stages done before the tracker refused, then the one error line
    *done, last = err.splitlines()
    assert code == 2 and last == "error: mock tracker: no credentials"
    assert [line.split()[0] for line in done] == ["data", "split"]


def test_start_up_leaves_the_heavy_libraries_to_the_commands():
    # `--help` and a mistyped command stay fast; a new interpreter sees what start-up imports
    code = "import sys, <%- packageName %>.plumbing.cli; print(*sys.modules)"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert loaded.returncode == 0, loaded.stderr
    assert not {"pandas", "pydantic", "sklearn"} & set(loaded.stdout.split())


def test_module_entry_point_has_no_traceback(capsys, monkeypatch):
    # the package's `python -m` in this process: a new interpreter would import everything again
    argv = ["<%- packageName %>", "run", *LOCAL, "--set", "model.name=nope"]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as exit_info:
        runpy.run_module("<%- packageName %>", run_name="__main__", alter_sys=True)
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert err.startswith("error: unknown model") and err.count("\n") == 1
