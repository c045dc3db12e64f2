"""Regression metrics: RMSE, MAE and R squared."""

import numpy as np

from <%- packageName %>.evaluators import metrics
from <%- packageName %>.evaluators.base import Evaluator, Predictions
from <%- packageName %>.plumbing.registry import EVALUATORS


@EVALUATORS.register("regression")
class RegressionEvaluator(Evaluator):
    """Numeric targets; scores, if any, are ignored."""

    headline: tuple[str, ...] = ("rmse", "mae", "r2")
    lower_is_better = frozenset({"rmse", "mae"})
    supports_weights = True

    def metrics(self, predictions: Predictions) -> dict[str, float]:
        """Return rmse, mae and, when the truth is not constant, r2."""
        if len(predictions) == 0:
            return {}
        y_true = predictions.y_true.astype(float)
        y_pred = predictions.y_pred.astype(float)
        weights = predictions.weights
        result = {
            "rmse": metrics.rmse(y_true, y_pred, weights),
            "mae": metrics.mae(y_true, y_pred, weights),
        }
        r2 = metrics.r2(y_true, y_pred, weights)
        if r2 is not None:
            result["r2"] = r2
        return result

    def per_sample(self, predictions: Predictions) -> dict[str, np.ndarray]:
        """Return ``residual`` (truth minus prediction) and ``abs_error``."""
        residual = predictions.y_true.astype(float) - predictions.y_pred.astype(float)
        return {"residual": residual, "abs_error": np.abs(residual)}
