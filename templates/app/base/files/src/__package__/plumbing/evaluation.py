"""The evaluation flow: predictions table, overall and slice metrics, bootstrap CIs, logging.

Metric names (MLflow rejects ``=`` and, on Windows, ``:`` in names, so slices use one
path segment per part):

- ``test/<metric>``, ``test/<metric>_ci_low``, ``test/<metric>_ci_high``
- ``slice/<column>/<value>/<metric>`` and ``slice/<column>/<value>/count``
- ``slice/<column>/<value>/<headline>_ci_low`` and ``..._ci_high`` for the first headline
  metric the evaluator defines (``accuracy``, ``rmse``)

Slice columns and values are sanitised to letters, digits, ``_ - . `` and spaces.
"""

import re
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from <%- packageName %>.errors import ConfigError
from <%- packageName %>.evaluators.base import Evaluation, Evaluator, Predictions
from <%- packageName %>.trackers.base import Run

MAX_CATEGORIES = 10
"""Numeric slice columns with more distinct values than this are binned."""
N_BINS = 4
"""Number of quantile bins for binned slice columns."""


def run_evaluation(
    run: Run,
    evaluator: Evaluator,
    predictions: Predictions,
    X: pd.DataFrame,
    *,
    figures: bool,
    **options: Any,
) -> Evaluation:
    """Evaluate like ``evaluate_predictions`` and log the metrics and ``predictions.csv``.

    With ``figures`` (the config's ``evaluator.figures``), the figures of
    ``figures.draw_figures`` are drawn and logged with ``run.log_image`` as
    ``figures/<name>.png``, and returned in ``Evaluation.figures``.
    """
    report = evaluate_predictions(evaluator, predictions, X, **options)
    run.log_metrics(report.metrics)
    run.log_artifact("predictions.csv", report.table.to_csv(index=False))
    if not figures:
        return report
    from <%- packageName %>.plumbing.figures import draw_figures

    drawn = draw_figures(evaluator, report.predictions, report.slices)
    for name, image in drawn.items():
        run.log_image(f"figures/{name}", image)
    return replace(report, figures=drawn)


def evaluate_model(
    evaluator: Evaluator,
    model: Any,
    X: pd.DataFrame,
    y: pd.Series,
    *,
    slice_by: tuple[str, ...] | list[str] = (),
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> Evaluation:
    """Evaluate a fitted model on ``(X, y)`` without logging anything."""
    predictions = Predictions.of(y, model.predict(X), predict_scores(model, X))
    return evaluate_predictions(
        evaluator,
        predictions,
        X,
        slice_by=slice_by,
        n_resamples=n_resamples,
        confidence=confidence,
        seed=seed,
    )


def evaluate_predictions(
    evaluator: Evaluator,
    predictions: Predictions,
    X: pd.DataFrame,
    *,
    slice_by: tuple[str, ...] | list[str] = (),
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> Evaluation:
    """Score ``predictions`` of the rows of ``X`` (their ids, slice columns) without logging."""
    slices = pd.DataFrame(
        {column: slice_labels(X[column]) for column in slice_by}, index=range(len(X))
    )
    table = evaluator.table(predictions, slices)
    table.insert(0, "id", X.index.to_numpy())

    overall = evaluator.metrics(predictions)
    metrics = {f"test/{name}": value for name, value in overall.items()}
    headline = [name for name in evaluator.headline if name in overall]
    intervals = bootstrap_ci(evaluator, predictions, headline, n_resamples, confidence, seed)
    for name, (low, high) in intervals.items():
        metrics[f"test/{name}_ci_low"] = low
        metrics[f"test/{name}_ci_high"] = high
    metrics.update(slice_metrics(evaluator, predictions, slices))
    summary = slice_table(
        evaluator,
        predictions,
        slices,
        headline[0] if headline else None,  # the first headline metric the evaluator defines
        n_resamples,
        confidence,
        seed,
    )
    for row in summary.to_dict("records"):
        if not np.isnan(row["ci_low"]):
            name = f"slice/{metric_part(row['column'])}/{metric_part(row['value'])}/{row['metric']}"
            metrics[f"{name}_ci_low"] = float(row["ci_low"])
            metrics[f"{name}_ci_high"] = float(row["ci_high"])
    return Evaluation(metrics, table, predictions, summary)


def predict_scores(model: Any, X: pd.DataFrame) -> pd.DataFrame | None:
    """Return ``predict_proba`` as a DataFrame labelled by ``classes_``, or ``None``."""
    if not hasattr(model, "predict_proba"):
        return None
    probabilities = np.asarray(model.predict_proba(X))
    labels = getattr(model, "classes_", range(probabilities.shape[1]))
    return pd.DataFrame(probabilities, columns=list(labels))


def slice_labels(values: pd.Series) -> np.ndarray:
    """Return one slice label per value.

    Numeric columns with more than ``MAX_CATEGORIES`` distinct values become quantile bins
    labelled ``q<i> <low> to <high>``; other columns are used as they are.
    """
    # booleans are numeric, and have too few values to be binned
    if not pd.api.types.is_numeric_dtype(values) or values.nunique() <= MAX_CATEGORIES:
        return values.astype(str).to_numpy()
    numbers = values.to_numpy(dtype=float)  # a nullable column's missing values become NaN
    edges = np.unique(np.nanquantile(numbers, np.linspace(0, 1, N_BINS + 1)))
    names = [f"q{i + 1} {edges[i]:.4g} to {edges[i + 1]:.4g}" for i in range(len(edges) - 1)]
    bins = np.searchsorted(edges[1:-1], numbers, side="right")
    bins[np.isnan(numbers)] = len(names)
    return np.array([*names, "missing"])[bins]


def slice_metrics(
    evaluator: Evaluator, predictions: Predictions, slices: pd.DataFrame
) -> dict[str, float]:
    """Return ``slice/<column>/<value>/<metric>`` for every value of every slice column."""
    result: dict[str, float] = {}
    for column in slices.columns:
        labels = slices[column].to_numpy()
        for value in pd.unique(labels):
            index = np.flatnonzero(labels == value)
            prefix = f"slice/{metric_part(column)}/{metric_part(value)}"
            result[f"{prefix}/count"] = float(len(index))
            for name, metric in evaluator.metrics(predictions.take(index)).items():
                result[f"{prefix}/{name}"] = metric
    return result


def slice_table(
    evaluator: Evaluator,
    predictions: Predictions,
    slices: pd.DataFrame,
    metric: str | None,
    n_resamples: int,
    confidence: float,
    seed: int,
) -> pd.DataFrame:
    """Return one row per slice value, with the slice's metrics and an interval.

    Columns: ``column``, ``value``, ``count``, ``metric`` (the name ``metric``), ``ci_low``,
    ``ci_high``, then one column per metric the evaluator defines on that slice.

    The interval is ``bootstrap_ci`` of ``metric`` over the slice's own samples, with the
    same ``n_resamples``, ``confidence`` and ``seed`` as the overall one (NaN when
    undefined or disabled).
    """
    columns = ["column", "value", "count", "metric", "ci_low", "ci_high"]
    rows = []
    for column in slices.columns:
        labels = slices[column].to_numpy()
        for value in sorted(pd.unique(labels)):  # slice labels are strings
            part = predictions.take(np.flatnonzero(labels == value))
            low = high = np.nan
            if metric:
                low, high = bootstrap_ci(
                    evaluator, part, [metric], n_resamples, confidence, seed
                ).get(metric, (low, high))
            scored = evaluator.metrics(part)
            if clash := sorted(set(scored) & set(columns)):
                raise ConfigError(
                    f"evaluator {type(evaluator).__name__} has a metric named {clash[0]!r}, a "
                    f"column of the slice table ({', '.join(columns)}): rename the metric"
                )
            row = {"column": column, "value": value, "count": float(len(part)), "metric": metric}
            rows.append({**row, "ci_low": low, "ci_high": high, **scored})
    return pd.DataFrame(rows, columns=columns if not rows else None)


def bootstrap_ci(
    evaluator: Evaluator,
    predictions: Predictions,
    names: list[str],
    n_resamples: int,
    confidence: float,
    seed: int,
) -> dict[str, tuple[float, float]]:
    """Percentile bootstrap intervals for ``names``; resamples are drawn with ``seed``.

    Resamples where a metric is undefined are skipped; ``n_resamples=0`` or no samples give
    no intervals (``{}``). Each resample is scored with ``evaluator.named_metrics(...,
    names)``, so only those metrics are computed. An evaluator that ``supports_weights``
    scores each resample as counts over the same arrays (the same draws, the same intervals
    to rounding, without a copy and a sort per resample).
    """
    n = len(predictions)
    if n == 0:
        return {}  # nothing to draw from
    rng = np.random.default_rng(seed)
    draws = {name: np.full(n_resamples, np.nan) for name in names}
    weights = predictions.weights
    resampled = predictions
    for i in range(n_resamples):
        resample = rng.integers(0, n, n)
        if evaluator.supports_weights:
            counts = np.bincount(resample, minlength=n)
            if weights is not None:  # a weighted sample counts once per draw, times its weight
                counts = counts * weights
            # a reweighting keeps the scores' tie groups and the labels' codes: computed once
            resampled = resampled.reweighted(counts)
        else:
            resampled = predictions.take(resample)
        sample = evaluator.named_metrics(resampled, names)
        for name in names:
            draws[name][i] = sample.get(name, np.nan)
    tail = (1 - confidence) / 2 * 100
    intervals = {}
    for name, values in draws.items():
        values = values[~np.isnan(values)]
        if len(values):
            low, high = np.percentile(values, [tail, 100 - tail])
            intervals[name] = (float(low), float(high))
    return intervals


def metric_part(value: Any) -> str:
    """Sanitise ``value`` into one segment of an MLflow-safe metric name."""
    text = re.sub(r"[^A-Za-z0-9_.\- ]+", "_", str(value)).strip()
    return "_" if text in ("", ".", "..") else text[:100]
