"""Figures of one evaluation, drawn with matplotlib's non-interactive Agg canvas as PNG bytes.

``draw_figures`` picks the figures by evaluator kind:

- classification: ``confusion_matrix.png``; given scores, also ``roc_curve.png``,
  ``pr_curve.png`` and ``calibration.png`` (binary: the positive, i.e. greatest, label;
  more labels: one curve per label, one-vs-rest);
- regression: ``residuals.png`` (residual against prediction) and
  ``predicted_vs_actual.png``;
- both: ``slice_<column>.png``, each slice's headline metric with its bootstrap interval.

matplotlib is imported only here, and only when a figure is drawn; ``pyplot`` is never used,
so no GUI backend or global figure state is involved.
"""

import io
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from <%- packageName %>.evaluators.base import Evaluator, Predictions
from <%- packageName %>.evaluators.classification import ClassificationEvaluator
from <%- packageName %>.evaluators.regression import RegressionEvaluator

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from numpy.typing import ArrayLike

SIZE = (5.0, 4.0)  # inches
DPI = 100
MAX_BARS = 25  # interval charts show at most this many rows
MARGINS = {"left": 0.15, "right": 0.95, "bottom": 0.12, "top": 0.91}


def draw_figures(
    evaluator: Evaluator, predictions: Predictions, slices: pd.DataFrame
) -> dict[str, bytes]:
    """Return ``{file name: PNG bytes}`` for the evaluator's kind plus the slice charts.

    ``slices`` is ``evaluation.slice_table``'s output (one row per slice value). An evaluator
    that is neither classification nor regression gets the slice charts only.
    """
    figures: dict[str, Figure] = {}
    if len(predictions) and isinstance(evaluator, ClassificationEvaluator):
        figures.update(classification_figures(predictions))
    elif len(predictions) and isinstance(evaluator, RegressionEvaluator):
        figures.update(regression_figures(predictions))
    figures.update(slice_figures(slices))
    return {name: png(figure) for name, figure in figures.items()}


def classification_figures(predictions: Predictions) -> dict[str, "Figure"]:
    """Confusion matrix; with scores, ROC, precision-recall and calibration curves."""
    from sklearn.calibration import calibration_curve
    from sklearn.metrics import auc, precision_recall_curve, roc_curve

    labels = list(np.unique(np.concatenate([predictions.y_true, predictions.y_pred])))
    figures = {"confusion_matrix.png": confusion_matrix_figure(predictions, labels)}
    curves = list(one_vs_rest(predictions))
    if not curves:
        return figures
    roc, pr, calibration = new_figure(), new_figure(), new_figure()
    for label, positive, scores in curves:
        fpr, tpr, _ = roc_curve(positive, scores)
        roc.axes[0].plot(fpr, tpr, label=f"{label} (AUC {auc(fpr, tpr):.3f})")
        precision, recall, _ = precision_recall_curve(positive, scores)
        pr.axes[0].plot(recall, precision, label=f"{label} (base rate {positive.mean():.2f})")
        true_rate, mean_score = calibration_curve(positive, scores, n_bins=10, strategy="uniform")
        calibration.axes[0].plot(mean_score, true_rate, marker="o", label=str(label))
    for figure in (roc, calibration):
        figure.axes[0].plot([0, 1], [0, 1], linestyle="--", color="grey", linewidth=1)
    decorate(roc, "ROC curve", "false positive rate", "true positive rate")
    decorate(pr, "Precision-recall curve", "recall", "precision")
    decorate(calibration, "Calibration", "mean predicted probability", "fraction positive")
    return {**figures, "roc_curve.png": roc, "pr_curve.png": pr, "calibration.png": calibration}


def one_vs_rest(predictions: Predictions) -> Any:
    """Yield ``(label, is_label, score)`` per scored label having positives and negatives.

    1-D scores and two score columns give the positive (greatest) label only.
    """
    y_true, scores = predictions.y_true, predictions.scores
    if scores is None:
        return
    if scores.ndim == 1:
        present = np.unique(y_true)
        pairs = [(present.max(), scores)] if len(present) == 2 else []
    else:
        labels = list(predictions.labels or ())
        pairs = [(labels[j], scores[:, j]) for j in range(len(labels))]
        pairs = pairs[1:] if len(pairs) == 2 else pairs
    for label, column in pairs:
        positive = y_true == label
        if 0 < positive.sum() < len(positive):
            yield label, positive.astype(int), np.clip(column, 0.0, 1.0)


def confusion_matrix_figure(predictions: Predictions, labels: Sequence[Any]) -> "Figure":
    """Counts of each (truth, prediction) pair, annotated in every cell."""
    index = {label: i for i, label in enumerate(labels)}
    counts = np.zeros((len(labels), len(labels)), dtype=int)
    for truth, predicted in zip(predictions.y_true, predictions.y_pred, strict=True):
        counts[index[truth], index[predicted]] += 1
    figure = new_figure()
    axes = figure.axes[0]
    image = axes.imshow(counts, cmap="Blues")
    figure.colorbar(image, ax=axes, fraction=0.05)
    for (row, column), count in np.ndenumerate(counts):
        dark = count > counts.max() / 2
        axes.text(
            column, row, str(count), ha="center", va="center", color="white" if dark else "black"
        )
    ticks = range(len(labels))
    axes.set_xticks(ticks, [str(label) for label in labels])
    axes.set_yticks(ticks, [str(label) for label in labels])
    decorate(figure, "Confusion matrix", "predicted", "truth", legend=False)
    return figure


def regression_figures(predictions: Predictions) -> dict[str, "Figure"]:
    """Residuals against predictions, and predictions against the truth."""
    truth = predictions.y_true.astype(float)
    predicted = predictions.y_pred.astype(float)
    residuals = new_figure()
    residuals.axes[0].scatter(predicted, truth - predicted, s=12, alpha=0.6)
    residuals.axes[0].axhline(0, linestyle="--", color="grey", linewidth=1)
    decorate(residuals, "Residuals", "prediction", "truth - prediction", legend=False)
    versus = new_figure()
    versus.axes[0].scatter(truth, predicted, s=12, alpha=0.6)
    low, high = min(truth.min(), predicted.min()), max(truth.max(), predicted.max())
    versus.axes[0].plot([low, high], [low, high], linestyle="--", color="grey", linewidth=1)
    decorate(versus, "Predicted against actual", "truth", "prediction", legend=False)
    return {"residuals.png": residuals, "predicted_vs_actual.png": versus}


def slice_figures(slices: pd.DataFrame) -> dict[str, "Figure"]:
    """One interval chart per slice column: the headline metric of each of its values.

    A column with more than ``MAX_BARS`` values shows its ``MAX_BARS`` largest slices.
    """
    figures: dict[str, Figure] = {}
    for column, rows in slices.groupby("column", sort=False):
        metric = rows["metric"].iloc[0]
        if not isinstance(metric, str) or metric not in rows:
            continue
        title = f"{metric} by {column}"
        if len(rows) > MAX_BARS:
            title += f" ({MAX_BARS} largest of {len(rows)})"
            rows = rows.nlargest(MAX_BARS, "count", keep="first").sort_index()
        labels = [
            f"{value} (n={count:g})"
            for value, count in zip(rows["value"], rows["count"], strict=True)
        ]
        figure = interval_chart(
            labels, rows[metric], rows["ci_low"], rows["ci_high"], title, metric
        )
        name, number = f"slice_{file_part(column)}.png", 2
        while name in figures:  # columns that differ only in characters a file name drops
            name, number = f"slice_{file_part(column)}_{number}.png", number + 1
        figures[name] = figure
    return figures


def interval_chart(
    labels: Sequence[str],
    values: "ArrayLike",
    lows: "ArrayLike",
    highs: "ArrayLike",
    title: str,
    xlabel: str,
) -> "Figure":
    """Horizontal points with error bars from ``lows`` to ``highs`` (NaN: no bar).

    Only the first ``MAX_BARS`` entries are drawn (the title says so), so the figure stays
    readable and within the canvas' size limits.
    """
    value = np.asarray(values, dtype=float)[:MAX_BARS]
    low = np.asarray(lows, dtype=float)[:MAX_BARS]
    high = np.asarray(highs, dtype=float)[:MAX_BARS]
    if len(labels) > MAX_BARS:
        title = f"{title} (first {MAX_BARS} of {len(labels)})"
        labels = labels[:MAX_BARS]
    errors = np.nan_to_num(np.vstack([value - low, high - value]), nan=0.0).clip(min=0.0)
    figure = new_figure((SIZE[0] + 1, max(2.5, 0.45 * len(labels) + 1.5)))
    axes = figure.axes[0]
    rows = np.arange(len(labels))
    axes.errorbar(value, rows, xerr=errors, fmt="o", capsize=4)
    axes.set_yticks(rows, [label[:40] for label in labels])
    longest = max((len(label[:40]) for label in labels), default=0)
    figure.subplots_adjust(left=min(0.6, 0.05 + 0.014 * longest))  # room for the labels
    axes.invert_yaxis()
    axes.grid(axis="x", alpha=0.3)
    decorate(figure, title, xlabel, "", legend=False)
    return figure


def new_figure(size: tuple[float, float] = SIZE) -> "Figure":
    """Return a figure with one axes on an Agg canvas (no pyplot, no GUI)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=size, dpi=DPI)
    FigureCanvasAgg(figure)
    figure.subplots()
    figure.subplots_adjust(**MARGINS)  # fixed margins: an automatic layout doubles the cost
    return figure


def decorate(figure: "Figure", title: str, xlabel: str, ylabel: str, legend: bool = True) -> None:
    """Set the title and axis labels; add a legend when some artist is labelled."""
    axes = figure.axes[0]
    axes.set_title(title)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    if legend and axes.get_legend_handles_labels()[0]:
        axes.legend(loc="best", fontsize="small")


def png(figure: "Figure") -> bytes:
    """Render ``figure`` as PNG bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def file_part(value: Any) -> str:
    """Sanitise ``value`` into a file-name part: letters, digits, ``_ - .``."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", str(value)).strip("._") or "_"
