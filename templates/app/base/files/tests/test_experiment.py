"""End-to-end runs of the shipped example and of every config."""

import hashlib
import shutil

import pytest
import yaml
from sklearn.dummy import DummyClassifier

from <%- packageName %>.errors import ConfigError
from <%- packageName %>.experiment import run_experiment
from <%- packageName %>.plumbing.registry import MODELS, TRACKERS
from <%- packageName %>.plumbing.reproducibility import LOCK_PATTERNS

from conftest import CONFIG_FILES, commit_project, example_data_file, fast_config
from mocks import MockTracker


def without_timings(metrics: dict[str, float]) -> dict[str, float]:
    return {k: v for k, v in metrics.items() if not k.startswith("time/")}


def test_example_experiment_end_to_end(project):
    config = fast_config()
    first = run_experiment(config)
    second = run_experiment(config)

    assert first.run_id != second.run_id
    assert without_timings(first.metrics) == without_timings(second.metrics)
    assert first.metrics["test/accuracy"] > 0.9
    assert first.metrics["test/roc_auc_ci_low"] <= first.metrics["test/roc_auc"]
    assert first.metrics["time/fit_seconds"] <= first.metrics["time/run_seconds"]
    assert any(name.startswith("slice/mean radius/q1 ") for name in first.metrics)

    data_file = example_data_file()
    record = TRACKERS.build("local").get_run(first.run_id)
    assert record.tags["dataset.fingerprint"] == hashlib.sha256(data_file.read_bytes()).hexdigest()
    assert list(project.glob(f"runs/<%- distName %>/{first.run_id}/artifacts/predictions.csv"))


@pytest.mark.parametrize("path", CONFIG_FILES, ids=lambda path: path.name)
def test_every_config_runs(path):
    result = run_experiment(fast_config(path.name))
    assert any(name.startswith("test/") for name in result.metrics)


def test_run_records_config_environment_and_params(project):
    # the env tool's own file, as each run records it (a name, not a glob)
    lock_file = next(pattern for pattern in LOCK_PATTERNS if "*" not in pattern)
    (project / lock_file).write_text("numpy\n")
    config = fast_config("experiment.yaml", "model.params.C=0.5")
    tracker = TRACKERS.build("local")
    run_id = run_experiment(config, tracker=tracker).run_id
    record = tracker.get_run(run_id)

    assert record.params["model.params.C"] == "0.5"
    assert record.params["evaluator.slice_by"] == '["mean radius"]'
    assert record.tags["seed"] == "42" and record.tags["dataset.version"] == "1"
    assert record.tags["git.commit"] == "unknown"  # the scratch project is not a repository
    assert {"python.version", "platform", "environment.sha256"} <= set(record.tags)
    recorded = yaml.safe_load(tracker.read_artifact(run_id, "config.yaml"))
    assert recorded == config.to_dict()
    packages = tracker.read_artifact(run_id, "environment/packages.txt").decode()
    assert "numpy==" in packages and "pandas==" in packages
    assert tracker.read_artifact(run_id, f"environment/{lock_file}") == b"numpy\n"


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_commit_dirty_flag_and_diff(project):
    commit_project(project)
    tracker = TRACKERS.build("local")
    clean = tracker.get_run(run_experiment(fast_config(), tracker=tracker).run_id)
    assert clean.tags["git.dirty"] == "false" and len(clean.tags["git.commit"]) == 40

    (project / "configs/experiment.yaml").write_text(
        (project / "configs/experiment.yaml").read_text() + "# edited\n"
    )
    dirty_id = run_experiment(fast_config(), tracker=tracker).run_id
    assert tracker.get_run(dirty_id).tags["git.dirty"] == "true"
    assert b"+# edited" in tracker.read_artifact(dirty_id, "git.diff")


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("model.params.C=-1", "model.params.C: The 'C' parameter of LogisticRegression must be"),
        ("model.params.max_iter=many", "model.params.max_iter: The 'max_iter' parameter"),
    ],
)
def test_invalid_model_parameters_fail_before_a_run_starts(override, message):
    tracker = MockTracker()
    with pytest.raises(ConfigError) as raised:
        run_experiment(fast_config("experiment.yaml", override), tracker)
    assert str(raised.value).startswith(message) and "\n" not in str(raised.value)
    assert tracker.runs == {}


class RefusesToFit(DummyClassifier):
    """Valid parameters one by one, rejected by ``fit`` (like a bad solver/penalty pair)."""

    def fit(self, X, y, sample_weight=None):
        raise ValueError("solver 'x' does not support\npenalty 'y'")


def test_a_parameter_error_raised_by_fit_ends_the_run_clearly(registries):
    MODELS.register("refuses_to_fit")(RefusesToFit)
    tracker = MockTracker()
    config = fast_config("experiment.yaml", "model={name: refuses_to_fit}")
    with pytest.raises(ConfigError) as raised:
        run_experiment(config, tracker)
    message = "model 'refuses_to_fit' cannot fit: solver 'x' does not support penalty 'y'"
    assert str(raised.value) == message
    (run,) = tracker.runs.values()
    assert run["status"] == "FAILED" and run["tags"]["error"] == message
    assert b"Traceback" in run["artifacts"]["error.txt"]
