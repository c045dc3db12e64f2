"""Classification metrics: accuracy, macro F1 and (given scores) ROC AUC."""

from collections.abc import Collection

import numpy as np

from <%- packageName %>.evaluators import metrics
from <%- packageName %>.evaluators.base import Evaluator, Predictions
from <%- packageName %>.plumbing.registry import EVALUATORS

NAMES = ("accuracy", "f1_macro", "roc_auc")
"""The metrics ``ClassificationEvaluator.metrics`` defines, in the order it returns them."""


@EVALUATORS.register("classification")
class ClassificationEvaluator(Evaluator):
    """Binary and multi-class labels; ROC AUC is one-vs-rest macro for more than two labels."""

    headline: tuple[str, ...] = NAMES
    supports_weights = True

    def metrics(self, predictions: Predictions) -> dict[str, float]:
        """Return accuracy, f1_macro and, when scores are given and defined, roc_auc."""
        return self._scored(predictions, NAMES)

    def named_metrics(self, predictions: Predictions, names: Collection[str]) -> dict[str, float]:
        """Compute only the metrics named, unless a subclass's own ``metrics`` defines them."""
        if type(self).metrics is not ClassificationEvaluator.metrics:
            return super().named_metrics(predictions, names)
        return self._scored(predictions, names)

    def _scored(self, predictions: Predictions, names: Collection[str]) -> dict[str, float]:
        if len(predictions) == 0:
            return {}
        y_true, y_pred, weights = predictions.y_true, predictions.y_pred, predictions.weights
        result = {}
        if "accuracy" in names:
            result["accuracy"] = metrics.accuracy(y_true, y_pred, weights)
        if "f1_macro" in names:
            codes = predictions.label_codes
            result["f1_macro"] = metrics.f1_macro(y_true, y_pred, weights, codes)
        if "roc_auc" in names and predictions.scores is not None:
            auc = metrics.roc_auc(
                y_true, predictions.scores, predictions.labels, weights, predictions.score_groups
            )
            if auc is not None:
                result["roc_auc"] = auc
        return result

    def per_sample(self, predictions: Predictions) -> dict[str, np.ndarray]:
        """Return ``correct``: 1 where the prediction equals the truth, else 0."""
        return {"correct": (predictions.y_true == predictions.y_pred).astype(int)}
