"""Contract tests for every registered block; new blocks are covered without new tests.

How blocks are instantiated:

- Datasets, models and evaluators are built from every ``configs/*.yaml`` that selects them,
  with that config's params; models are fitted and evaluators fed with the dataset of the
  same config, so each is tested on data of its own task. A registered dataset, model or
  evaluator that no config selects fails ``test_every_block_is_selected_by_a_config``: add a
  config snippet (e.g. ``extends: experiment.yaml`` plus the new block) to get it tested.
- Trackers are built with their default params inside a scratch project shared by the
  session (so their stores land in tmp and are created once); ``MockTracker`` takes the same
  test. Trackers whose optional package (class attribute ``requires``) is missing are skipped.
"""

import importlib.util
import math
import re
import uuid

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from <%- packageName %>.config import load_config
from <%- packageName %>.datasets.base import Dataset
from <%- packageName %>.errors import TrackerError
from <%- packageName %>.evaluators.base import Evaluation, Evaluator
from <%- packageName %>.models.base import Model
from <%- packageName %>.registry import DATASETS, EVALUATORS, MODELS, TRACKERS

from conftest import CONFIG_FILES
from mocks import MockDataset, MockModel, MockTracker

CONFIGS = {path.name: load_config(path) for path in CONFIG_FILES}


def selections(kind: str) -> list:
    return [
        pytest.param(name, id=f"{getattr(config, kind).name}@{name}")
        for name, config in CONFIGS.items()
    ]


def build(kind: str, config_name: str):
    block = getattr(CONFIGS[config_name], kind)
    registry = {"dataset": DATASETS, "model": MODELS, "evaluator": EVALUATORS}[kind]
    return registry.build(block.name, block.params)


def test_every_config_file_is_checked():
    assert CONFIGS, "no configs/*.yaml found"


@pytest.mark.parametrize(
    ("registry", "kind"),
    [(DATASETS, "dataset"), (MODELS, "model"), (EVALUATORS, "evaluator")],
    ids=["datasets", "models", "evaluators"],
)
def test_every_block_is_selected_by_a_config(registry, kind):
    selected = {getattr(config, kind).name for config in CONFIGS.values()}
    missing = set(registry.names()) - selected
    assert not missing, f"select these {kind}s in a configs/*.yaml to test them: {missing}"


# --- datasets -------------------------------------------------------------------------------


def check_dataset(dataset: Dataset) -> None:
    assert isinstance(dataset.name, str) and dataset.name
    assert isinstance(dataset.version, str) and dataset.version
    X, y = dataset.load()
    assert isinstance(X, pd.DataFrame) and isinstance(y, pd.Series)
    assert len(X) == len(y) > 0
    assert X.index.equals(y.index) and X.index.is_unique
    assert dataset.load()[0] is X, "load() must cache"

    fingerprint = dataset.fingerprint()
    assert re.fullmatch(r"[0-9a-f]{64}", fingerprint)
    assert dataset.fingerprint() == fingerprint

    first, again = dataset.split(0.25, seed=7), dataset.split(0.25, seed=7)
    assert first.X_test.index.equals(again.X_test.index)
    assert len(first.X_test) == math.ceil(0.25 * len(X))
    assert set(first.X_train.index).isdisjoint(first.X_test.index)
    assert len(first.X_train) + len(first.X_test) == len(X)
    assert first.y_test.index.equals(first.X_test.index)
    assert not dataset.split(0.25, seed=8).X_test.index.equals(first.X_test.index)

    assert len(dataset) == len(X)
    features, target = dataset[0]
    assert len(features) == X.shape[1] and target == y.iloc[0]
    with pytest.raises(IndexError):
        dataset[len(dataset)]


@pytest.mark.parametrize("config_name", selections("dataset"))
def test_dataset_contract(config_name):
    dataset = build("dataset", config_name)
    check_dataset(dataset)
    assert build("dataset", config_name).fingerprint() == dataset.fingerprint()


def test_mock_dataset_meets_the_contract():
    check_dataset(MockDataset())


# --- models ---------------------------------------------------------------------------------


def check_model(model, X, y) -> None:
    assert isinstance(model, Model)
    copy = clone(model)
    assert (
        copy is not model
        and copy.get_params(deep=False).keys() == model.get_params(deep=False).keys()
    )
    assert model.fit(X, y) is model
    predictions = np.asarray(model.predict(X))
    assert predictions.shape == (len(X),)
    if hasattr(model, "predict_proba"):
        probabilities = np.asarray(model.predict_proba(X))
        assert probabilities.shape == (len(X), len(model.classes_))
        np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)


@pytest.mark.parametrize("config_name", selections("model"))
def test_model_contract(config_name):
    split = build("dataset", config_name).split(0.25, seed=0)
    check_model(build("model", config_name), split.X_train, split.y_train)


def test_mock_model_meets_the_contract():
    X, y = MockDataset().load()
    check_model(MockModel(smoothing=1.0), X, y)


def test_plain_pipeline_is_a_model():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    assert isinstance(Pipeline([("model", LogisticRegression())]), Model)
    assert not isinstance(object(), Model)


# --- evaluators -----------------------------------------------------------------------------


@pytest.mark.parametrize("config_name", selections("evaluator"))
def test_evaluator_contract(config_name):
    evaluator = build("evaluator", config_name)
    assert isinstance(evaluator, Evaluator) and evaluator.headline
    y = build("dataset", config_name).load()[1]
    metadata = pd.DataFrame({"tag": np.arange(len(y)) % 3})

    result = evaluator.evaluate(y, y, metadata=metadata)
    assert isinstance(result, Evaluation)
    assert evaluator.headline[0] in result.metrics
    assert all(isinstance(v, float) and math.isfinite(v) for v in result.metrics.values())
    assert len(result.table) == len(y)
    assert {"truth", "prediction", "tag"} <= set(result.table.columns)

    shifted = evaluator.evaluate(y, np.roll(y.to_numpy(), 1))
    assert set(shifted.metrics) <= set(result.metrics) | set(evaluator.headline)
    assert evaluator.evaluate(y[:1], y[:1]).metrics is not None  # one sample must not raise
    assert evaluator.evaluate(y[:0], y[:0]).metrics == {}


# --- trackers -------------------------------------------------------------------------------


def default_trackers() -> list:
    cases = []
    for name in TRACKERS.names():
        requires = getattr(TRACKERS.get(name), "requires", ())
        missing = [m for m in requires if importlib.util.find_spec(m) is None]
        marks = pytest.mark.skip(reason=f"needs {missing}") if missing else ()
        cases.append(pytest.param(name, marks=marks, id=name))
    return [*cases, pytest.param("mock", id="MockTracker")]


@pytest.mark.parametrize("name", default_trackers())
def test_tracker_contract(name, store_root, monkeypatch):
    monkeypatch.chdir(store_root)
    tracker = MockTracker() if name == "mock" else TRACKERS.build(name)
    experiment = f"contract-{uuid.uuid4().hex[:8]}"
    with tracker.start_run(experiment, tags={"stage": "test"}) as run:
        run.log_params({"alpha": 0.5, "model.name": "m"})
        run.log_metrics({"test/accuracy": 0.75, "slice/group/a b/accuracy": 1.0})
        run.set_tags({"git.dirty": "false"})
        run.log_artifact("predictions.csv", "id,truth\n0,1\n")
        run.log_artifact("environment/packages.txt", b"numpy==2\n")
        run_id = run.run_id

    record = tracker.get_run(run_id)
    assert record.run_id == run_id and record.experiment == experiment
    assert record.status == "FINISHED"
    assert record.params["alpha"] == "0.5" and record.params["model.name"] == "m"
    assert record.metrics["test/accuracy"] == 0.75
    assert record.metrics["slice/group/a b/accuracy"] == 1.0
    assert record.tags["stage"] == "test" and record.tags["git.dirty"] == "false"
    assert tracker.read_artifact(run_id, "predictions.csv") == b"id,truth\n0,1\n"
    assert tracker.read_artifact(run_id, "environment/packages.txt") == b"numpy==2\n"
    with pytest.raises(TrackerError):
        tracker.read_artifact(run_id, "absent.txt")

    with pytest.raises(RuntimeError, match="boom"), tracker.start_run(experiment) as failed:
        raise RuntimeError("boom")
    assert tracker.get_run(failed.run_id).status == "FAILED"

    ranked = [record.run_id for record in tracker.search_runs(experiment)]
    assert ranked == [failed.run_id, run_id]
    assert tracker.search_runs("no-such-experiment") == []
    with pytest.raises(TrackerError):
        tracker.get_run("0" * 32)
    assert isinstance(tracker.ui_hint(), str) and tracker.ui_hint()
