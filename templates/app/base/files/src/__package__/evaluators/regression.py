"""Regression metrics: RMSE, MAE and R squared."""

from collections.abc import Collection

import numpy as np

from <%- packageName %>.evaluators import metrics
from <%- packageName %>.evaluators.base import Evaluator, Predictions
from <%- packageName %>.plumbing.registry import EVALUATORS

NAMES = ("rmse", "mae", "r2")
"""The metrics ``RegressionEvaluator.metrics`` defines, in the order it returns them."""


@EVALUATORS.register("regression")
class RegressionEvaluator(Evaluator):
    """Numeric targets; scores, if any, are ignored."""

    headline: tuple[str, ...] = NAMES
    lower_is_better = frozenset({"rmse", "mae"})
    supports_weights = True

    def metrics(self, predictions: Predictions) -> dict[str, float]:
        """Return rmse, mae and, when the truth is not constant, r2."""
        return self._scored(predictions, NAMES)

    def named_metrics(self, predictions: Predictions, names: Collection[str]) -> dict[str, float]:
        """Compute only the metrics named, unless a subclass's own ``metrics`` defines them."""
        if type(self).metrics is not RegressionEvaluator.metrics:
            return super().named_metrics(predictions, names)
        return self._scored(predictions, names)

    def _scored(self, predictions: Predictions, names: Collection[str]) -> dict[str, float]:
        if len(predictions) == 0:
            return {}
        # no copy when they are floats already: the bootstrap scores the same arrays many times
        y_true = np.asarray(predictions.y_true, dtype=float)
        y_pred = np.asarray(predictions.y_pred, dtype=float)
        weights = predictions.weights
        result = {}
        if "rmse" in names:
            result["rmse"] = metrics.rmse(y_true, y_pred, weights)
        if "mae" in names:
            result["mae"] = metrics.mae(y_true, y_pred, weights)
        r2 = metrics.r2(y_true, y_pred, weights) if "r2" in names else None
        if r2 is not None:
            result["r2"] = r2
        return result

    def per_sample(self, predictions: Predictions) -> dict[str, np.ndarray]:
        """Return ``residual`` (truth minus prediction) and ``abs_error``."""
        residual = predictions.y_true.astype(float) - predictions.y_pred.astype(float)
        return {"residual": residual, "abs_error": np.abs(residual)}
