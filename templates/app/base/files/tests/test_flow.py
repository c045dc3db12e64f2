"""The runner's flow holds when any block is replaced by its mock."""

import pytest

from <%- packageName %>.errors import TrackerError
from <%- packageName %>.experiment import run_experiment
from <%- packageName %>.plumbing.registry import DATASETS, MODELS, TRACKERS

from conftest import fast_config
from mocks import MockDataset, MockModel, MockTracker

MOCK_DATA = ("dataset.name=mock", "dataset.params={}", "evaluator.slice_by=[group, x]")


@pytest.fixture
def tracker(registries) -> MockTracker:
    tracker = MockTracker()
    DATASETS.register("mock")(MockDataset)
    MODELS.register("mock")(MockModel)
    TRACKERS.register("mock")(lambda: tracker)
    return tracker


@pytest.mark.parametrize(
    "mocked",
    [("dataset",), ("model",), ("tracker",), ("dataset", "model", "tracker")],
    ids="+".join,
)
def test_flow_with_mocks(tracker, mocked):
    overrides = [*MOCK_DATA] if "dataset" in mocked else []
    if "model" in mocked:
        overrides += ["model.name=mock", "model.params={smoothing: 1.0}"]
    if "tracker" in mocked:
        overrides.append("tracker.name=mock")
    config = fast_config("experiment.yaml", *overrides)

    result = run_experiment(config)

    assert {"test/accuracy", "test/accuracy_ci_low", "time/fit_seconds"} <= set(result.metrics)
    assert any(name.startswith("slice/") for name in result.metrics)
    if "tracker" in mocked:
        record = tracker.get_run(result.run_id)
        assert record.status == "FINISHED"
        assert record.metrics == result.metrics
        assert record.params["model.name"] == config.model.name
        assert record.tags["dataset.name"] == config.dataset.name
        assert tracker.read_artifact(result.run_id, "predictions.csv").startswith(b"id,truth")
        assert tracker.read_artifact(result.run_id, "config.yaml").decode() == config.to_yaml()
        if "dataset" in mocked:
            assert record.tags["dataset.fingerprint"] == MockDataset().fingerprint()
            assert record.tags["input.testing.rows"] == "10"


def test_failing_fit_ends_the_run_failed(tracker):
    class BrokenModel(MockModel):
        def fit(self, X, y):
            raise ArithmeticError("diverged")

    MODELS.register("broken")(BrokenModel)
    config = fast_config(
        "experiment.yaml", *MOCK_DATA, "model.name=broken", "model.params={}", "tracker.name=mock"
    )
    with pytest.raises(ArithmeticError):
        run_experiment(config)
    (record,) = tracker.search_runs(config.experiment)
    assert record.status == "FAILED"


def test_tracker_failing_at_start_logs_nothing_and_fits_nothing(tracker):
    fitted = []

    class WatchedModel(MockModel):
        def fit(self, X, y):
            fitted.append(True)
            return super().fit(X, y)

    MODELS.register("watched")(WatchedModel)
    config = fast_config("experiment.yaml", *MOCK_DATA, "model.name=watched", "model.params={}")
    with pytest.raises(TrackerError, match="no credentials"):
        run_experiment(config, tracker=MockTracker(fail_on_start=True))
    assert not fitted
