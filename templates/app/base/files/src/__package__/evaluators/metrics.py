"""Metric functions in plain numpy, fast enough to run thousands of times for bootstraps.

They match ``sklearn.metrics`` (the tests check it) but return ``None`` where a metric is
undefined instead of raising or warning.
"""

import numpy as np


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Fraction of exact matches."""
    return float(np.mean(y_true == y_pred))


def f1_macro(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Unweighted mean of per-label F1 over labels seen in truth or predictions."""
    scores = []
    for label in np.unique(np.concatenate([y_true, y_pred])):
        truth, pred = y_true == label, y_pred == label
        true_pos = np.sum(truth & pred)
        scores.append(2 * true_pos / (np.sum(truth) + np.sum(pred)))
    return float(np.mean(scores))


def binary_roc_auc(positive: np.ndarray, scores: np.ndarray) -> float | None:
    """Probability that a random positive outranks a random negative (ties count half)."""
    n_pos = int(np.sum(positive))
    n_neg = len(positive) - n_pos
    if n_pos == 0 or n_neg == 0:
        return None
    _, inverse, counts = np.unique(scores, return_inverse=True, return_counts=True)
    ranks = (np.cumsum(counts) - (counts - 1) / 2)[inverse]
    return float((np.sum(ranks[positive]) - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def roc_auc(y_true: np.ndarray, scores: np.ndarray, labels: tuple | None = None) -> float | None:
    """Binary ROC AUC, or the one-vs-rest macro average for 2-D multi-class scores.

    Undefined (``None``) when a label has no positive or no negative sample.
    """
    if scores.ndim == 1:
        present = np.unique(y_true) if labels is None else np.asarray(labels)
        if len(present) != 2:
            return None
        return binary_roc_auc(y_true == present.max(), scores)
    if labels is None or len(labels) < 2:
        return None
    if len(labels) == 2:
        return binary_roc_auc(y_true == labels[1], scores[:, 1])
    aucs = [binary_roc_auc(y_true == label, scores[:, j]) for j, label in enumerate(labels)]
    defined = [auc for auc in aucs if auc is not None]
    return float(np.mean(defined)) if len(defined) == len(aucs) else None


def rmse(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Root mean squared error."""
    return float(np.sqrt(np.mean((y_true - y_pred) ** 2)))


def mae(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean absolute error."""
    return float(np.mean(np.abs(y_true - y_pred)))


def r2(y_true: np.ndarray, y_pred: np.ndarray) -> float | None:
    """Coefficient of determination; undefined when the truth is constant."""
    total = np.sum((y_true - np.mean(y_true)) ** 2)
    if total == 0:
        return None
    return float(1 - np.sum((y_true - y_pred) ** 2) / total)
