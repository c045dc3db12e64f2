"""Evaluator ``<%- name %>``: regression metrics and a tolerance."""

import numpy as np

from <%- packageName %>.evaluators import metrics
from <%- packageName %>.evaluators.base import Predictions
from <%- packageName %>.evaluators.regression import RegressionEvaluator
from <%- packageName %>.plumbing.registry import EVALUATORS


@EVALUATORS.register("<%- name %>")
class <%- className %>(RegressionEvaluator):
    """RMSE, MAE and R squared, plus ``within_tolerance``: the share of usable predictions.

    A prediction is usable when it is within ``tolerance`` of the truth (in target units). Put
    your team's tolerance in the config (``evaluator.params``), or replace the metric with the
    one your stakeholders use; it is logged, sliced and bootstrapped like the others.
    """

    headline = ("within_tolerance", *RegressionEvaluator.headline)

    def __init__(self, tolerance: float = 1.0) -> None:
        self.tolerance = tolerance

    def metrics(self, predictions: Predictions) -> dict[str, float]:
        """Return the regression metrics and ``within_tolerance``."""
        result = super().metrics(predictions)
        if len(predictions):
            error = np.abs(predictions.y_true.astype(float) - predictions.y_pred.astype(float))
            usable = error <= self.tolerance
            result["within_tolerance"] = metrics.mean(usable, predictions.weights)
        return result
