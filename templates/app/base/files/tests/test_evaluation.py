"""Evaluation with hand-computed expected values."""

import collections
import posixpath
import re

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm
from sklearn.linear_model import LogisticRegression

from <%- packageName %>.errors import ConfigError
from <%- packageName %>.evaluators import base as evaluators_base
from <%- packageName %>.evaluators import metrics as metric_functions
from <%- packageName %>.evaluators.base import Evaluator, Predictions
from <%- packageName %>.evaluators.classification import ClassificationEvaluator
from <%- packageName %>.evaluators.regression import RegressionEvaluator
from <%- packageName %>.plumbing.config import BootstrapConfig, parse_config
from <%- packageName %>.plumbing.evaluation import (
    bootstrap_ci,
    evaluate_model,
    evaluate_predictions,
    metric_part,
    predict_scores,
    slice_labels,
    slice_metrics,
    slice_table,
)

from mocks import MockDataset, MockModel

CLASSIFY = ClassificationEvaluator()
REGRESS = RegressionEvaluator()

# Binary example: class 0 has F1 2/3 (P=1, R=1/2), class 1 has F1 4/5 (P=2/3, R=1);
# both positives score above both negatives, so ROC AUC is 1.
Y_TRUE, Y_PRED, SCORES = [0, 0, 1, 1], [0, 1, 1, 1], [0.1, 0.6, 0.7, 0.9]


@pytest.mark.parametrize(
    ("evaluator", "metric", "expected"),
    [
        (CLASSIFY, None, ("test/accuracy", False)),
        (REGRESS, None, ("test/rmse", True)),
        (REGRESS, "test/rmse_ci_high", ("test/rmse_ci_high", True)),
        (REGRESS, "cv/mae_mean", ("cv/mae_mean", True)),
        (REGRESS, "fold/2/rmse", ("fold/2/rmse", True)),
        (REGRESS, "test/r2_ci_low", ("test/r2_ci_low", False)),
        (CLASSIFY, "cv/accuracy_std", ("cv/accuracy_std", True)),
    ],
)
def test_objective_names_the_ranking_metric_and_its_direction(evaluator, metric, expected):
    objective = evaluator.objective(metric)
    assert objective == expected
    assert objective.direction == ("minimize" if expected[1] else "maximize")


def test_binary_classification_metrics():
    metrics = CLASSIFY.evaluate(Y_TRUE, Y_PRED, SCORES).metrics
    assert metrics == pytest.approx({"accuracy": 0.75, "f1_macro": 11 / 15, "roc_auc": 1.0})


def test_two_column_scores_equal_positive_class_scores():
    two_columns = pd.DataFrame({0: 1 - np.array(SCORES), 1: SCORES})
    assert CLASSIFY.evaluate(Y_TRUE, Y_PRED, two_columns).metrics["roc_auc"] == 1.0


def test_roc_auc_counts_ties_as_half():
    # positives 0.5, 0.9 vs negatives 0.1, 0.5: pairs 1 + 0.5 + 1 + 1 = 3.5 of 4
    metrics = CLASSIFY.evaluate([0, 1, 0, 1], [0, 1, 0, 1], [0.1, 0.5, 0.5, 0.9]).metrics
    assert metrics["roc_auc"] == 0.875


def test_multiclass_metrics():
    scores = np.array([[0.8, 0.1, 0.1], [0.3, 0.4, 0.3], [0.2, 0.3, 0.5], [0.1, 0.6, 0.3]])
    y_true, y_pred = [0, 1, 2, 2], [0, 1, 2, 1]
    metrics = CLASSIFY.evaluate(y_true, y_pred, scores).metrics
    # one-vs-rest AUCs: class 0 -> 1, class 1 -> 2/3, class 2 -> 3.5/4
    assert metrics["roc_auc"] == pytest.approx((1 + 2 / 3 + 0.875) / 3)
    # per-class F1: 1, 2/3, 2/3
    assert metrics["f1_macro"] == pytest.approx(7 / 9)
    assert metrics["accuracy"] == 0.75
    assert metrics["roc_auc"] == pytest.approx(skm.roc_auc_score(y_true, scores, multi_class="ovr"))


def test_metrics_agree_with_scikit_learn_on_random_data():
    rng = np.random.default_rng(0)
    y_true, scores = rng.integers(0, 2, 300), rng.random(300)
    y_pred = (scores + rng.normal(0, 0.3, 300) > 0.5).astype(int)
    metrics = CLASSIFY.evaluate(y_true, y_pred, scores).metrics
    assert metrics["f1_macro"] == pytest.approx(skm.f1_score(y_true, y_pred, average="macro"))
    assert metrics["roc_auc"] == pytest.approx(skm.roc_auc_score(y_true, scores))
    truth, guess = rng.normal(size=50), rng.normal(size=50)
    regression = REGRESS.evaluate(truth, guess).metrics
    assert regression["rmse"] == pytest.approx(np.sqrt(skm.mean_squared_error(truth, guess)))
    assert regression["r2"] == pytest.approx(skm.r2_score(truth, guess))


def test_regression_metrics_and_table():
    result = REGRESS.evaluate([1, 2, 3], [1, 2, 5])
    # errors 0, 0, -2: MSE 4/3; R2 = 1 - 4 / 2
    assert result.metrics == pytest.approx({"rmse": np.sqrt(4 / 3), "mae": 2 / 3, "r2": -1.0})
    assert result.table["residual"].tolist() == [0, 0, -2]


def test_undefined_metrics_are_left_out():
    assert "roc_auc" not in CLASSIFY.evaluate([1, 1], [1, 0], [0.9, 0.2]).metrics
    assert "roc_auc" not in CLASSIFY.evaluate(Y_TRUE, Y_PRED).metrics
    assert "r2" not in REGRESS.evaluate([2, 2], [1, 3]).metrics


def test_table_columns_and_metadata():
    table = CLASSIFY.evaluate(Y_TRUE, Y_PRED, SCORES, pd.DataFrame({"g": list("aabb")})).table
    assert list(table.columns) == ["truth", "prediction", "score", "correct", "g"]
    assert table["correct"].tolist() == [1, 0, 1, 1]
    assert table["correct"].dtype.kind == "i"  # written as 1 and 0 in predictions.csv


def test_slice_metrics_by_hand():
    predictions = Predictions.of(Y_TRUE, Y_PRED, SCORES)
    result = slice_metrics(CLASSIFY, predictions, pd.DataFrame({"group": list("aabb")}))
    # slice a: truth 0,0 vs 0,1 -> accuracy 1/2, F1 (2/3 + 0) / 2; slice b: all correct
    assert result == pytest.approx(
        {
            "slice/group/a/count": 2.0,
            "slice/group/a/accuracy": 0.5,
            "slice/group/a/f1_macro": 1 / 3,
            "slice/group/b/count": 2.0,
            "slice/group/b/accuracy": 1.0,
            "slice/group/b/f1_macro": 1.0,
        }
    )


def test_numeric_columns_with_many_values_are_quantile_binned():
    labels = slice_labels(pd.Series(np.arange(1, 13)))
    # quartile edges of 1..12: 1, 3.75, 6.5, 9.25, 12
    assert list(labels[[0, 2, 3, 5, 6, 9, 11]]) == [
        "q1 1 to 3.75",
        "q1 1 to 3.75",
        "q2 3.75 to 6.5",
        "q2 3.75 to 6.5",
        "q3 6.5 to 9.25",
        "q4 9.25 to 12",
        "q4 9.25 to 12",
    ]
    assert list(slice_labels(pd.Series([1, 2, 1]))) == ["1", "2", "1"]
    assert list(slice_labels(pd.Series(["x", "y"]))) == ["x", "y"]


def test_bootstrap_ci_two_samples_by_hand():
    # One right, one wrong: resampled accuracy is 0, 1/2 or 1 with probability 1/4, 1/2, 1/4,
    # so the 2.5th and 97.5th percentiles are 0 and 1.
    predictions = Predictions.of([0, 1], [0, 0])
    ci = bootstrap_ci(CLASSIFY, predictions, ["accuracy"], 2000, 0.95, seed=0)
    assert ci == {"accuracy": (0.0, 1.0)}


def test_bootstrap_ci_properties():
    rng = np.random.default_rng(1)
    truth = rng.integers(0, 2, 200)
    guess = np.where(rng.random(200) < 0.8, truth, 1 - truth)
    predictions = Predictions.of(truth, guess)
    point = CLASSIFY.metrics(predictions)["accuracy"]
    low, high = bootstrap_ci(CLASSIFY, predictions, ["accuracy"], 500, 0.95, seed=3)["accuracy"]
    assert low < point < high and high - low < 0.2
    assert bootstrap_ci(CLASSIFY, predictions, ["accuracy"], 500, 0.95, seed=3)["accuracy"] == (
        low,
        high,
    )
    narrow = bootstrap_ci(CLASSIFY, predictions, ["accuracy"], 500, 0.5, seed=3)["accuracy"]
    assert low <= narrow[0] <= narrow[1] <= high
    # constant absolute error 2: every resample has MAE 2
    constant = Predictions.of([1.0, 5.0, 3.0], [3.0, 3.0, 5.0])
    assert bootstrap_ci(REGRESS, constant, ["mae"], 100, 0.95, seed=0) == {"mae": (2.0, 2.0)}
    assert bootstrap_ci(CLASSIFY, predictions, ["accuracy"], 0, 0.95, seed=0) == {}


def test_report_names_are_mlflow_safe_and_table_is_complete():
    X, y = MockDataset(n_rows=40).load()
    X = X.assign(**{"weird=col/": X["x"]})
    model = MockModel().fit(X, y)
    report = evaluate_model(
        CLASSIFY, model, X, y, slice_by=["group", "weird=col/"], n_resamples=20, seed=0
    )
    assert {"test/accuracy", "test/accuracy_ci_low", "test/accuracy_ci_high"} <= set(report.metrics)
    assert "slice/group/0/accuracy" in report.metrics
    assert "slice/weird_col_/q1 0 to 9.75/accuracy" in report.metrics
    for name in report.metrics:
        assert re.fullmatch(r"[A-Za-z0-9_./\- ]+", name), name
        assert posixpath.normpath(name) == name, name
    assert list(report.table.columns) == [
        "id",
        "truth",
        "prediction",
        "score_0",
        "score_1",
        "correct",
        "group",
        "weird=col/",
    ]


def test_report_without_slices_or_scores():
    X, y = MockDataset(n_rows=8).load()

    class MeanModel:
        def predict(self, X):
            return np.full(len(X), 0.5)

    report = evaluate_model(REGRESS, MeanModel(), X, y.astype(float), n_resamples=10)
    assert list(report.table.columns) == ["id", "truth", "prediction", "residual", "abs_error"]
    assert report.metrics["test/mae"] == 0.5
    assert not any(name.startswith("slice/") for name in report.metrics)


@pytest.mark.parametrize(
    ("raw", "part"),
    [
        ("a=b", "a_b"),
        ("x/y:z", "x_y_z"),
        ("", "_"),
        (".", "_"),
        ("..", "_"),
        (" q1 ", "q1"),
        ("Mean Radius", "Mean Radius"),
        ("x" * 150, "x" * 100),
    ],
)
def test_metric_part(raw, part):
    assert metric_part(raw) == part


class CountingEvaluator(Evaluator):
    """Its metric ``m`` is the number of earlier calls, so the i-th resample scores i.

    With ``undefined_every=k`` every k-th call leaves ``m`` out (an undefined metric).
    """

    headline = ("m",)

    def __init__(self, undefined_every: int = 0) -> None:
        self.calls = 0
        self.undefined_every = undefined_every

    def metrics(self, predictions):
        call, self.calls = self.calls, self.calls + 1
        if self.undefined_every and call % self.undefined_every == 0:
            return {}
        return {"m": float(call)}

    def per_sample(self, predictions):
        return {}


def test_bootstrap_ci_takes_the_percentiles_of_the_resampled_metric():
    predictions = Predictions.of([0, 1, 1], [0, 1, 0])
    # draws 0, 1, ..., 199: the 2.5th percentile is at 0.025 * 199, the 97.5th at 0.975 * 199
    ci = bootstrap_ci(CountingEvaluator(), predictions, ["m"], 200, 0.95, seed=0)
    assert ci["m"] == pytest.approx((4.975, 194.025))
    # a 50% interval: the 25th and 75th percentiles
    ci = bootstrap_ci(CountingEvaluator(), predictions, ["m"], 200, 0.5, seed=0)
    assert ci["m"] == pytest.approx((49.75, 149.25))


def test_bootstrap_ci_skips_resamples_where_the_metric_is_undefined():
    predictions = Predictions.of([0, 1, 1], [0, 1, 0])
    # every other draw is undefined: the 100 defined ones are 1, 3, ..., 199
    ci = bootstrap_ci(CountingEvaluator(undefined_every=2), predictions, ["m"], 200, 0.5, seed=0)
    assert ci["m"] == pytest.approx((1 + 2 * 0.25 * 99, 1 + 2 * 0.75 * 99))
    # a metric that is never defined gets no interval
    assert bootstrap_ci(CLASSIFY, predictions, ["m"], 20, 0.95, seed=0) == {}


def test_bootstrap_ci_edge_sizes():
    constant = Predictions.of([1.0, 5.0, 3.0], [3.0, 3.0, 5.0])
    assert bootstrap_ci(REGRESS, constant, ["mae"], 1, 0.95, seed=0) == {"mae": (2.0, 2.0)}
    one = Predictions.of([2.0], [3.5])
    assert bootstrap_ci(REGRESS, one, ["mae"], 10, 0.95, seed=0) == {"mae": (1.5, 1.5)}
    empty = Predictions.of(np.array([]), np.array([]))
    assert bootstrap_ci(REGRESS, empty, ["mae"], 10, 0.95, seed=0) == {}


def test_slice_labels_edges_missing_values_and_non_numeric_columns():
    # quartile edges of 1..13 are 1, 4, 7, 10, 13; a value on an inner edge opens the next bin
    labels = slice_labels(pd.Series(np.arange(1, 14)))
    assert list(labels[[0, 2, 3, 6, 9, 12]]) == [
        "q1 1 to 4",
        "q1 1 to 4",
        "q2 4 to 7",
        "q3 7 to 10",
        "q4 10 to 13",
        "q4 10 to 13",
    ]
    with_gaps = slice_labels(pd.Series([np.nan, *range(1, 14)]))
    assert with_gaps[0] == "missing" and with_gaps[1] == "q1 1 to 4"
    nullable = pd.Series([pd.NA, *range(1, 14)], dtype="Int64")  # pandas' nullable integers
    assert list(slice_labels(nullable)) == list(with_gaps)
    ten_values = pd.Series(np.arange(10) / 2)  # MAX_CATEGORIES distinct values: kept as they are
    assert list(slice_labels(ten_values)) == [str(v) for v in np.arange(10) / 2]
    words = pd.Series([f"w{i}" for i in range(12)])  # many values, but not numbers
    assert list(slice_labels(words)) == list(words)
    assert list(slice_labels(pd.Series([True, False]))) == ["True", "False"]


def test_score_columns_follow_the_models_classes():
    X, y = MockDataset(n_rows=8).load()
    names = y.map({0: "benign", 1: "malignant"})
    model = MockModel().fit(X, names)  # scores every sample 1/2, 1/2
    report = evaluate_model(CLASSIFY, model, X, names, n_resamples=0)
    assert list(report.table.columns[3:5]) == ["score_benign", "score_malignant"]
    assert report.metrics["test/roc_auc"] == 0.5  # constant scores: every pair ties


def test_scores_without_classes_are_numbered():
    X, y = MockDataset(n_rows=8).load()  # label 1 exactly when x >= 4

    class ScoreModel:  # predict_proba but no classes_
        def predict(self, X):
            return (X["x"].to_numpy() >= 4).astype(int)

        def predict_proba(self, X):
            positive = X["x"].to_numpy() / 8
            return np.column_stack([1 - positive, positive])

    report = evaluate_model(CLASSIFY, ScoreModel(), X, y, n_resamples=0)
    assert list(report.table.columns[3:5]) == ["score_0", "score_1"]
    assert report.metrics["test/roc_auc"] == 1.0


def test_roc_auc_is_undefined_without_both_classes_for_every_label():
    y = [0, 1, 0, 1]
    three_labels = pd.DataFrame({0: [0.6, 0.2, 0.7, 0.1], 1: [0.3, 0.7, 0.2, 0.8], 2: 0.1})
    assert "roc_auc" not in CLASSIFY.evaluate(y, y, three_labels).metrics  # no sample of 2
    one_column = pd.DataFrame({1: [0.1, 0.9, 0.2, 0.8]})
    assert "roc_auc" not in CLASSIFY.evaluate(y, y, one_column).metrics
    positive = np.array([True, True, False])
    assert metric_functions.binary_roc_auc(positive[:2], np.array([0.1, 0.2])) is None
    assert metric_functions.binary_roc_auc(~positive[:2], np.array([0.1, 0.2])) is None
    assert metric_functions.binary_roc_auc(positive, np.array([0.5, 0.9, 0.1])) == 1.0
    scores = np.array([0.1, 0.2, 0.3])
    assert metric_functions.roc_auc(np.array([0, 0, 1]), scores, labels=(0, 1, 2)) is None
    assert metric_functions.roc_auc(np.array([0, 0, 1]), scores, labels=(0, 1)) == 1.0


def test_weighted_roc_auc_needs_weight_on_both_labels():
    positive, scores = np.array([True, False, False]), np.array([0.9, 0.2, 0.4])
    auc = metric_functions.binary_roc_auc
    assert auc(positive, scores, np.array([0.0, 1.0, 2.0])) is None  # no positive left
    assert auc(positive, scores, np.array([3.0, 0.0, 0.0])) is None  # no negative left
    assert auc(positive, scores, np.array([1.0, 1.0, 0.0])) == 1.0  # one of each is enough


def test_weighted_f1_matches_scikit_learn_with_a_label_only_predicted():
    y_true, y_pred = np.array([0, 0, 1, 1, 0]), np.array([0, 2, 1, 0, 2])
    weights = np.array([1.0, 2.0, 1.0, 3.0, 1.0])
    expected = skm.f1_score(y_true, y_pred, average="macro", sample_weight=weights)
    assert metric_functions.f1_macro(y_true, y_pred, weights) == pytest.approx(expected)
    codes = metric_functions.label_codes(y_true, y_pred)
    assert metric_functions.f1_macro(y_true, y_pred, weights, codes) == pytest.approx(expected)


@pytest.mark.parametrize("n_labels", [3, 256, 300])  # 256: the most cells the matrix takes
@pytest.mark.parametrize("side", ["truth", "prediction"])  # the one holding the greatest label
def test_f1_counts_per_label_with_or_without_the_confusion_matrix(n_labels, side):
    rng = np.random.default_rng(n_labels)
    y_true = rng.integers(0, n_labels - 1, 2000)
    y_pred = np.where(rng.random(2000) < 0.6, y_true, rng.integers(0, n_labels - 1, 2000))
    greatest = y_true if side == "truth" else y_pred
    greatest[0] = n_labels - 1  # a label on one side only, so the other side's codes stop short
    weights = rng.integers(0, 4, 2000).astype(float)
    weights[0] = 1.0
    codes = metric_functions.label_codes(y_true, y_pred)
    assert codes.n_labels == n_labels
    assert (codes.pairs is None) is (n_labels * n_labels > metric_functions.MAX_CELLS)
    for w in (np.ones(2000), weights):
        # labels of weight 0 are not seen, as in a resample without them
        seen = np.union1d(y_true[w > 0], y_pred[w > 0])
        expected = skm.f1_score(y_true, y_pred, labels=seen, average="macro", sample_weight=w)
        assert metric_functions.f1_macro(y_true, y_pred, w, codes) == pytest.approx(expected)
    expected = skm.f1_score(y_true, y_pred, average="macro")
    assert metric_functions.f1_macro(y_true, y_pred, None, codes) == pytest.approx(expected)


def _cases() -> list[Predictions]:
    rng = np.random.default_rng(4)
    truth = rng.integers(0, 3, 120)
    guess = np.where(rng.random(120) < 0.7, truth, rng.integers(0, 3, 120))
    multi = pd.DataFrame(rng.random((120, 3)).round(1), columns=[0, 1, 2])  # ties on purpose
    binary = truth % 2
    names = np.array(["cat", "dog"])
    rare = np.where(np.arange(120) < 2, "eel", names[binary])  # a label most resamples miss
    return [
        Predictions.of(truth, guess, multi),
        Predictions.of(binary, guess % 2, rng.random(120).round(1)),
        Predictions.of(rng.normal(size=120), rng.normal(size=120)),
        Predictions.of(rare, names[guess % 2]),
    ]


def two_columns(binary: Predictions) -> Predictions:
    """The same binary predictions with a score column per label, as ``predict_proba`` gives."""
    positive = np.asarray(binary.scores, dtype=float)
    return Predictions.of(binary.y_true, binary.y_pred, np.column_stack([1 - positive, positive]))


@pytest.mark.parametrize("case", [0, 1, 2, 3])
def test_reweighted_metrics_are_the_metrics_of_the_resample(case):
    predictions = _cases()[case]
    evaluator = REGRESS if case == 2 else CLASSIFY
    rng = np.random.default_rng(case)
    for _ in range(25):
        resample = rng.integers(0, len(predictions), len(predictions))
        counts = np.bincount(resample, minlength=len(predictions))
        copied = evaluator.metrics(predictions.take(resample))
        reweighted = evaluator.metrics(predictions.reweighted(counts))
        assert reweighted.keys() == copied.keys()
        assert reweighted == pytest.approx(copied, rel=1e-12, abs=1e-12)


def test_the_bootstrap_by_counts_gives_the_intervals_of_the_copying_one():
    class Copying(ClassificationEvaluator):
        supports_weights = False

    predictions = _cases()[0]
    names = ["accuracy", "f1_macro", "roc_auc"]
    by_counts = bootstrap_ci(CLASSIFY, predictions, names, 50, 0.9, seed=7)
    copying = bootstrap_ci(Copying(), predictions, names, 50, 0.9, seed=7)
    assert by_counts.keys() == copying.keys() == set(names)
    for name in names:
        assert by_counts[name] == pytest.approx(copying[name], rel=1e-12, abs=1e-12)

    # samples that carry weights: each draw counts its sample's weight, by counts as by copies
    weights = np.random.default_rng(8).integers(1, 5, len(predictions))
    weighted = predictions.reweighted(weights)
    by_counts = bootstrap_ci(CLASSIFY, weighted, names, 50, 0.9, seed=7)
    copying = bootstrap_ci(Copying(), weighted, names, 50, 0.9, seed=7)
    unweighted = bootstrap_ci(CLASSIFY, predictions, names, 50, 0.9, seed=7)
    assert by_counts.keys() == copying.keys() == set(names)
    for name in names:
        assert by_counts[name] == pytest.approx(copying[name], rel=1e-12, abs=1e-12)
        assert by_counts[name] != pytest.approx(unweighted[name], rel=1e-9)


@pytest.mark.parametrize(("case", "columns"), [(0, 3), (1, 1), (2, 0), (4, 2)])
def test_the_bootstrap_codes_labels_and_ties_once_not_per_resample(case, columns, monkeypatch):
    calls = collections.Counter()
    for name in ("score_groups", "label_codes"):
        original = getattr(metric_functions, name)

        def counting(*args, name=name, original=original):
            calls[name] += 1
            return original(*args)

        for module in (metric_functions, evaluators_base):
            monkeypatch.setattr(module, name, counting)
    # 3 score columns; 1 binary column; regression without scores; 2 binary columns
    predictions = _cases()[case] if case < 4 else two_columns(_cases()[1])
    evaluator = REGRESS if case == 2 else CLASSIFY
    intervals = bootstrap_ci(evaluator, predictions, list(evaluator.headline), 40, 0.9, seed=1)
    assert set(intervals) == set(evaluator.headline)
    assert calls == collections.Counter(score_groups=columns, label_codes=1)


@pytest.mark.parametrize("case", [0, 1, 2, 3, 4])
def test_named_metrics_are_the_metrics_without_the_others(case):
    predictions = _cases()[case] if case < 4 else two_columns(_cases()[1])
    evaluator = REGRESS if case == 2 else CLASSIFY
    constant = Predictions.of(np.ones(4), np.arange(4.0))  # r2 undefined
    for sample in (predictions, predictions.reweighted(np.arange(len(predictions)) % 3), constant):
        full = evaluator.metrics(sample)
        singles = [(name,) for name in evaluator.headline]
        for names in [(), *singles, evaluator.headline, ("no_such_metric",)]:
            expected = {name: value for name, value in full.items() if name in names}
            assert evaluator.named_metrics(sample, names) == expected


def test_a_bootstrap_scores_only_the_metrics_it_gives_intervals_for(monkeypatch):
    calls = collections.Counter()
    for name in ("accuracy", "f1_macro", "roc_auc"):
        original = getattr(metric_functions, name)

        def counting(*args, name=name, original=original):
            calls[name] += 1
            return original(*args)

        monkeypatch.setattr(metric_functions, name, counting)
    bootstrap_ci(CLASSIFY, _cases()[1], ["accuracy"], 30, 0.9, seed=0)
    assert calls == collections.Counter(accuracy=30)


def test_a_subclass_adding_a_metric_gets_its_intervals_overall_and_per_slice():
    class Valued(ClassificationEvaluator):
        headline = ("hit_rate", *ClassificationEvaluator.headline)

        def metrics(self, predictions):
            hit_rate = metric_functions.mean(predictions.y_true == 1, predictions.weights)
            return {**super().metrics(predictions), "hit_rate": hit_rate}

    evaluator, predictions = Valued(), _cases()[1]
    assert evaluator.named_metrics(predictions, ["hit_rate"]) == {
        "hit_rate": evaluator.metrics(predictions)["hit_rate"]
    }
    X = pd.DataFrame({"group": np.arange(len(predictions)) % 2})
    report = evaluate_predictions(evaluator, predictions, X, slice_by=["group"], n_resamples=20)
    for name in ("test/hit_rate", "slice/group/0/hit_rate", "slice/group/1/hit_rate"):
        assert report.metrics[f"{name}_ci_low"] <= report.metrics[f"{name}_ci_high"]


@pytest.mark.parametrize("name", ["value", "count"])
def test_a_metric_named_like_a_slice_table_column_is_refused(name):
    class Clashing(ClassificationEvaluator):
        def metrics(self, predictions):
            return {**super().metrics(predictions), name: 1.0}

    X = pd.DataFrame({"group": list("abab")})
    predictions = Predictions.of([0, 1, 1, 0], [0, 1, 0, 0])
    message = (
        f"^evaluator Clashing has a metric named '{name}', a column of the slice table "
        r"\(column, value, count, metric, ci_low, ci_high\): rename the metric$"
    )
    with pytest.raises(ConfigError, match=message):
        evaluate_predictions(Clashing(), predictions, X, slice_by=["group"], n_resamples=0)


def test_each_slice_logs_the_interval_of_the_first_headline_metric():
    X = pd.DataFrame({"group": list("aabbaabb")})
    predictions = Predictions.of([0, 0, 1, 1, 0, 1, 1, 0], [0, 1, 1, 1, 0, 1, 0, 0])
    metrics = evaluate_predictions(CLASSIFY, predictions, X, slice_by=["group"], n_resamples=50)
    for value in "ab":
        name = f"slice/group/{value}/accuracy"
        assert metrics.metrics[f"{name}_ci_low"] <= metrics.metrics[name]
        assert metrics.metrics[name] <= metrics.metrics[f"{name}_ci_high"]
    assert "test/f1_macro_ci_low" in metrics.metrics
    assert not any(k.startswith("slice/") and "f1_macro_ci" in k for k in metrics.metrics)


def test_a_slice_table_without_slices_still_has_its_columns():
    predictions = Predictions.of([0, 1], [0, 1])
    table = slice_table(CLASSIFY, predictions, pd.DataFrame(index=range(2)), "accuracy", 10, 0.9, 0)
    assert table.empty
    assert list(table.columns) == ["column", "value", "count", "metric", "ci_low", "ci_high"]


def test_weighted_roc_auc_of_two_score_columns_matches_scikit_learn():
    rng = np.random.default_rng(5)
    y, p, w = rng.integers(0, 2, 60), rng.random(60).round(1), rng.integers(1, 4, 60) * 1.0
    expected = skm.roc_auc_score(y, p, sample_weight=w)
    auc = metric_functions.roc_auc(y, np.column_stack([1 - p, p]), (0, 1), w)
    assert auc == pytest.approx(expected, rel=1e-12)
    assert auc != pytest.approx(skm.roc_auc_score(y, p), rel=1e-6)  # the weights matter here


def test_an_evaluator_that_ignores_weights_is_bootstrapped_on_copies():
    class Unweighted(RegressionEvaluator):
        supports_weights = False

        def metrics(self, predictions):
            return {"mean": float(np.mean(predictions.y_true))}  # reads rows, not weights

    predictions = Predictions.of(np.arange(20.0), np.zeros(20))
    low, high = bootstrap_ci(Unweighted(), predictions, ["mean"], 50, 0.9, seed=1)["mean"]
    assert low < 9.5 < high  # the same rows with counts as weights would give 9.5 every time


def _scored():
    rng = np.random.default_rng(11)
    X = pd.DataFrame({"a": rng.normal(size=80), "group": rng.integers(0, 2, 80)})
    y = pd.Series((X["a"] + rng.normal(size=80) > 0).astype(int))
    model = LogisticRegression().fit(X, y)
    return X, y, model, Predictions.of(y, model.predict(X), predict_scores(model, X))


def test_evaluate_model_scores_the_models_predictions_with_the_given_bootstrap():
    X, y, model, predictions = _scored()
    settings = {"slice_by": ["group"], "n_resamples": 30, "confidence": 0.8}
    got = evaluate_model(CLASSIFY, model, X, y, seed=3, **settings)
    for seed in (3, 4):
        same = evaluate_predictions(CLASSIFY, predictions, X, seed=seed, **settings)
        assert (got.metrics == same.metrics) is (seed == 3)
    assert got.metrics["test/roc_auc_ci_low"] < got.metrics["test/roc_auc_ci_high"]


def test_the_evaluation_defaults_are_the_configs():
    X, y, model, predictions = _scored()
    defaults = BootstrapConfig()
    explicit = {"n_resamples": defaults.n_resamples, "confidence": defaults.confidence, "seed": 0}
    expected = evaluate_predictions(CLASSIFY, predictions, X, **explicit).metrics
    assert evaluate_predictions(CLASSIFY, predictions, X).metrics == expected
    assert evaluate_model(CLASSIFY, model, X, y).metrics == expected
    minimal = {"experiment": "e", **{block: {"name": "b"} for block in ("dataset", "model")}}
    assert parse_config({**minimal, "evaluator": {"name": "c"}}).seed == explicit["seed"]


def test_an_evaluator_whose_headline_is_undefined_gets_no_intervals():
    class Unranked(ClassificationEvaluator):
        headline = ("no_such_metric",)

    X = pd.DataFrame({"group": list("aabb")})
    predictions = Predictions.of([0, 1, 0, 1], [0, 1, 1, 1])
    evaluation = evaluate_predictions(Unranked(), predictions, X, slice_by=["group"])
    assert evaluation.metrics["test/accuracy"] == 0.75
    assert evaluation.metrics["slice/group/b/accuracy"] == 0.5
    assert not any("_ci_" in name for name in evaluation.metrics)


def test_a_slice_where_the_headline_metric_is_undefined_gets_no_interval():
    class ByAuc(ClassificationEvaluator):
        headline = ("roc_auc",)

    X = pd.DataFrame({"group": list("aaaabbbb")})  # slice b holds positives only: no ROC AUC
    truth = [0, 1, 0, 1, 1, 1, 1, 1]
    scores = [0.2, 0.9, 0.6, 0.4, 0.7, 0.8, 0.3, 0.9]
    predictions = Predictions.of(truth, [0, 1, 1, 0, 1, 1, 0, 1], scores)
    evaluation = evaluate_predictions(ByAuc(), predictions, X, slice_by=["group"], n_resamples=50)
    assert "slice/group/a/roc_auc_ci_low" in evaluation.metrics
    assert not any(name.startswith("slice/group/b/roc_auc") for name in evaluation.metrics)
    b = evaluation.slices.set_index("value").loc["b"]
    assert b["metric"] == "roc_auc" and np.isnan(b["ci_low"]) and np.isnan(b["ci_high"])
