"""The built-in splits keep test rows out of training, and the runner handles every kind."""

import math

import numpy as np
import pandas as pd
import pytest

from <%- packageName %>.errors import ConfigError
from <%- packageName %>.experiment import run_experiment
from <%- packageName %>.plumbing.cli import main
from <%- packageName %>.plumbing.registry import DATASETS, MODELS, SPLITS, TRACKERS
from <%- packageName %>.plumbing.reproduce import reproduce_run

from conftest import fast_config
from mocks import MockDataset, MockModel, MockTracker

N = 60
X = pd.DataFrame(
    {
        "time": np.repeat(np.arange(N // 3), 3)[::-1].astype(float),  # 3 rows share each time
        "customer": np.arange(N) % 7,
    },
    index=np.arange(100, 100 + N),
)
Y = pd.Series(np.arange(N) % 4 == 0, index=X.index, name="label").astype(int)  # 25% positive


def one_fold(name: str, **params):
    (fold,) = SPLITS.build(name, params).folds(X, Y, seed=3)
    assert not set(fold.train) & set(fold.test), "a row on both sides"
    assert len(fold.train) + len(fold.test) == N
    return fold


def test_holdout_tests_ceil_of_test_size_and_follows_the_seed():
    fold = one_fold("holdout", test_size=0.3)
    assert len(fold.test) == math.ceil(0.3 * N)
    (other,) = SPLITS.build("holdout", {"test_size": 0.3}).folds(X, Y, seed=4)
    assert not np.array_equal(fold.test, other.test)


def test_stratified_keeps_the_class_share_on_both_sides():
    fold = one_fold("stratified", test_size=0.25)
    assert Y.iloc[fold.test].mean() == pytest.approx(0.25, abs=0.02)
    assert Y.iloc[fold.train].mean() == pytest.approx(0.25, abs=0.02)


def test_group_split_puts_no_group_on_both_sides():
    fold = one_fold("group", column="customer", test_size=0.3)
    train, test = set(X["customer"].iloc[fold.train]), set(X["customer"].iloc[fold.test])
    assert train and test and not train & test


def test_time_ordered_trains_strictly_before_it_tests():
    fold = one_fold("time_ordered", column="time", test_size=0.25)
    times = X["time"]
    assert times.iloc[fold.train].max() < times.iloc[fold.test].min()
    assert len(fold.test) >= math.ceil(0.25 * N)  # rows tied at the cut go to the test side


def test_time_ordered_without_a_column_follows_the_row_order():
    fold = one_fold("time_ordered", test_size=0.25)
    assert fold.train.max() < fold.test.min() and len(fold.test) == 15


@pytest.mark.parametrize("stratified", [False, True])
def test_kfold_tests_every_row_exactly_once(stratified):
    folds = SPLITS.build("kfold", {"k": 5, "stratified": stratified}).folds(X, Y, seed=3)
    assert len(folds) == 5
    tested = np.concatenate([fold.test for fold in folds])
    assert np.array_equal(np.sort(tested), np.arange(N))
    for fold in folds:
        assert not set(fold.train) & set(fold.test) and len(fold.train) + len(fold.test) == N
        if stratified:
            assert Y.iloc[fold.test].mean() == pytest.approx(0.25)


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("holdout", {"test_size": 1.5}, "test_size must be a number between 0 and 1, got 1.5"),
        ("kfold", {"k": 1}, "k must be an integer of 2 or more, got 1"),
        ("kfold", {"stratified": "yes"}, "stratified must be true or false"),
        ("group", {}, "missing a required argument: 'column'"),
        ("stratified", {"size": 0.2}, "unexpected keyword argument 'size'"),
    ],
)
def test_bad_split_params_are_one_line_config_errors(name, params, message):
    with pytest.raises(ConfigError, match=message) as error:
        SPLITS.build(name, params)
    assert str(error.value).startswith(f"split {name!r}: bad parameters")


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("split.name=nope", "unknown split 'nope'; known: group, holdout, kfold, stratified,"),
        ("split.params.test_size=2", "split 'holdout': bad parameters {'test_size': 2}: test_size"),
    ],
)
def test_a_bad_split_in_the_config_is_one_line_and_exit_2(capsys, override, message):
    code = main(["run", "--set", "tracker.name=local", "--set", override])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith(f"error: {message}") and len(err.splitlines()) == 1


@pytest.fixture
def mock_tracker(registries) -> MockTracker:
    tracker = MockTracker()
    DATASETS.register("mock")(MockDataset)
    MODELS.register("mock")(MockModel)
    TRACKERS.register("mock")(lambda: tracker)
    return tracker


def test_data_a_split_cannot_split_stops_before_any_run(mock_tracker):
    config = fast_config(
        "experiment.yaml",
        "tracker.name=mock",
        "split.name=group",
        "split.params={column: nope}",
    )
    with pytest.raises(ConfigError, match="split 'group' cannot split the data: no column 'nope'"):
        run_experiment(config)
    assert mock_tracker.runs == {}


def test_kfold_run_logs_each_fold_and_the_spread_and_reproduces(mock_tracker):
    config = fast_config(
        "experiment.yaml",
        "tracker.name=mock",
        "split.params.k=4",  # set before the name: block names are applied first
        "split.name=kfold",
        "split.params.stratified=true",
    )
    assert config.split.params == {"k": 4, "stratified": True}  # holdout's test_size dropped

    result = run_experiment(config)

    metrics = result.metrics
    folds = [metrics[f"fold/{i}/accuracy"] for i in range(1, 5)]
    assert metrics["cv/accuracy_mean"] == pytest.approx(np.mean(folds))
    assert metrics["cv/accuracy_std"] == pytest.approx(np.std(folds, ddof=1))
    assert "test/accuracy_ci_low" in metrics  # the pooled out-of-fold predictions
    record = mock_tracker.get_run(result.run_id)
    assert record.params["split.name"] == "kfold" and record.params["split.params.k"] == "4"
    assert record.metrics == metrics
    ids = mock_tracker.read_artifact(result.run_id, "predictions.csv").decode().splitlines()[1:]
    X_all, _ = DATASETS.build(config.dataset.name, config.dataset.params).load()
    assert sorted(int(line.split(",")[0]) for line in ids) == sorted(X_all.index)

    reproduction = reproduce_run(mock_tracker, result.run_id)
    assert reproduction.matches, reproduction.mismatches
    assert mock_tracker.get_run(reproduction.rerun.run_id).params["split.name"] == "kfold"


def test_time_ordered_run_on_data_with_a_time_column(mock_tracker):
    config = fast_config(
        "experiment.yaml",
        "tracker.name=mock",
        "dataset.name=mock",
        "dataset.params={n_rows: 80}",
        "model.name=mock",
        "evaluator.slice_by=[]",
        "split.name=time_ordered",
        "split.params={column: x, test_size: 0.25}",
    )
    result = run_experiment(config)
    record = mock_tracker.get_run(result.run_id)
    assert record.tags["input.training.rows"] == "60" and record.tags["input.testing.rows"] == "20"
    assert record.params["split.params.column"] == "x"
