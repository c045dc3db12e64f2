"""Metric functions in plain numpy, fast enough to run thousands of times for bootstraps.

They match ``sklearn.metrics`` (the tests check it) but return ``None`` where a metric is
undefined instead of raising or warning. ``weights`` (optional) are per-sample counts: a
sample of weight ``k`` counts as ``k`` copies of it, so the bootstrap can reweight the same
arrays instead of copying a resample (the result is the resample's, to rounding).
"""

from typing import NamedTuple

import numpy as np


def mean(values: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Mean of ``values``, sample ``i`` counted ``weights[i]`` times (``np.mean`` without them).

    Use it for a metric of your own that averages over samples, so it honours the weights.
    """
    if weights is None:
        return float(np.mean(values))
    return float(np.sum(values * weights) / np.sum(weights))


def accuracy(y_true: np.ndarray, y_pred: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Fraction of exact matches."""
    return mean(y_true == y_pred, weights)


class LabelCodes(NamedTuple):
    """Truth and predictions as codes into the sorted union of their labels.

    ``pairs`` codes each sample's (truth, prediction) as ``truth * n_labels + pred``, the cell
    of the confusion matrix it counts in, or is ``None`` when that matrix would be larger than
    ``MAX_CELLS`` cells.
    """

    truth: np.ndarray
    pred: np.ndarray
    n_labels: int
    pairs: np.ndarray | None = None


MAX_CELLS = 1 << 16
"""Above this many confusion-matrix cells, F1 counts per label instead (no matrix)."""


def label_codes(y_true: np.ndarray, y_pred: np.ndarray) -> LabelCodes:
    """Encode both arrays once, for the F1 of many reweightings of the same samples."""
    labels, inverse = np.unique(np.concatenate([y_true, y_pred]), return_inverse=True)
    truth, pred, n_labels = inverse[: len(y_true)], inverse[len(y_true) :], len(labels)
    pairs = truth * n_labels + pred if n_labels * n_labels <= MAX_CELLS else None
    return LabelCodes(truth, pred, n_labels, pairs)


def f1_macro(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    weights: np.ndarray | None = None,
    codes: LabelCodes | None = None,
) -> float:
    """Unweighted mean of per-label F1 over labels seen in truth or predictions.

    With ``weights``, labels of weight 0 (left out of a resample) are not seen. ``codes`` is
    ``label_codes(y_true, y_pred)``, computed once when the same samples are reweighted.
    """
    truth, pred, n_labels, pairs = label_codes(y_true, y_pred) if codes is None else codes
    if pairs is not None:  # one pass: the confusion matrix, then its diagonal and margins
        cells = n_labels * n_labels
        matrix = np.bincount(pairs, weights=weights, minlength=cells).reshape(n_labels, n_labels)
        true_pos = np.diag(matrix)
        total = matrix.sum(axis=0) + matrix.sum(axis=1)
    else:
        w = np.ones(len(truth)) if weights is None else weights
        true_pos = np.bincount(truth, weights=w * (truth == pred), minlength=n_labels)
        total = np.bincount(truth, weights=w, minlength=n_labels) + np.bincount(
            pred, weights=w, minlength=n_labels
        )
    seen = total > 0
    return float(np.mean(2 * true_pos[seen] / total[seen]))


def score_groups(scores: np.ndarray) -> tuple[np.ndarray, int]:
    """Return each score's tie group (ascending) and the group count: the sort AUC needs."""
    uniques, inverse = np.unique(scores, return_inverse=True)
    return inverse, len(uniques)


def binary_roc_auc(
    positive: np.ndarray,
    scores: np.ndarray,
    weights: np.ndarray | None = None,
    groups: tuple[np.ndarray, int] | None = None,
) -> float | None:
    """Probability that a random positive outranks a random negative (ties count half).

    ``groups`` is ``score_groups(scores)``, computed once when the same scores are reweighted
    many times.
    """
    inverse, n_groups = score_groups(scores) if groups is None else groups
    # one pass: the weight of each tie group's negatives (first half) and positives (second)
    by_group = np.bincount(inverse + n_groups * positive, weights=weights, minlength=2 * n_groups)
    neg, pos = by_group[:n_groups], by_group[n_groups:]
    w_pos, w_neg = float(np.sum(pos)), float(np.sum(neg))
    if w_pos == 0 or w_neg == 0:
        return None
    # a positive outranks the negatives of lower groups and ties half of its own group's:
    # sum(pos * (cumsum(neg) - neg / 2)) in fewer passes (exact for counts; np.dot would be
    # as exact, but its BLAS threads cost more than they save on two cores)
    outranked = np.sum(pos * np.cumsum(neg)) - np.sum(pos * neg) / 2
    return float(outranked / (w_pos * w_neg))


def roc_auc(
    y_true: np.ndarray,
    scores: np.ndarray,
    labels: tuple | None = None,
    weights: np.ndarray | None = None,
    groups: list[tuple[np.ndarray, int]] | None = None,
) -> float | None:
    """Binary ROC AUC, or the one-vs-rest macro average for 2-D multi-class scores.

    Undefined (``None``) when a label has no positive or no negative sample. ``groups`` holds
    ``score_groups`` of each score column (one for 1-D scores).
    """
    group = (lambda j: None) if groups is None else groups.__getitem__
    if scores.ndim == 1:
        present = np.unique(y_true) if labels is None else np.asarray(labels)
        if len(present) != 2:
            return None
        return binary_roc_auc(y_true == present.max(), scores, weights, group(0))
    if labels is None or len(labels) < 2:
        return None
    if len(labels) == 2:
        return binary_roc_auc(y_true == labels[1], scores[:, 1], weights, group(1))
    aucs = [
        binary_roc_auc(y_true == label, scores[:, j], weights, group(j))
        for j, label in enumerate(labels)
    ]
    defined = [auc for auc in aucs if auc is not None]
    return float(np.mean(defined)) if len(defined) == len(aucs) else None


def rmse(y_true: np.ndarray, y_pred: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Root mean squared error."""
    return float(np.sqrt(mean((y_true - y_pred) ** 2, weights)))


def mae(y_true: np.ndarray, y_pred: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Mean absolute error."""
    return mean(np.abs(y_true - y_pred), weights)


def r2(y_true: np.ndarray, y_pred: np.ndarray, weights: np.ndarray | None = None) -> float | None:
    """Coefficient of determination; undefined when the truth is constant."""
    w = np.ones(len(y_true)) if weights is None else weights
    total = np.sum(w * (y_true - mean(y_true, weights)) ** 2)
    if total == 0:
        return None
    return float(1 - np.sum(w * (y_true - y_pred) ** 2) / total)
