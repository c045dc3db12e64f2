"""Evaluator ``<%- name %>``: classification plus a business value."""

from <%- packageName %>.evaluators import metrics
from <%- packageName %>.evaluators.base import Predictions
from <%- packageName %>.evaluators.classification import ClassificationEvaluator
from <%- packageName %>.plumbing.registry import EVALUATORS


@EVALUATORS.register("<%- name %>")
class <%- className %>(ClassificationEvaluator):
    """Accuracy, macro F1 and ROC AUC, plus ``business_value``: the value per decision.

    ``business_value`` = (gain x true positives - cost x false positives - miss cost x false
    negatives) / samples, with the positive label the greatest one (1 for 0/1 labels). Put your
    team's figures in the config (``evaluator.params``), or replace ``business_value`` with the
    metric your stakeholders use; it is logged, sliced and bootstrapped like the others.
    """

    headline = ("business_value", *ClassificationEvaluator.headline)

    def __init__(
        self,
        gain_true_positive: float = 1.0,
        cost_false_positive: float = 1.0,
        cost_false_negative: float = 0.0,
    ) -> None:
        self.gain_true_positive = gain_true_positive
        self.cost_false_positive = cost_false_positive
        self.cost_false_negative = cost_false_negative

    def metrics(self, predictions: Predictions) -> dict[str, float]:
        """Return the classification metrics and ``business_value``."""
        result = super().metrics(predictions)
        if len(predictions):
            result["business_value"] = self.business_value(predictions)
        return result

    def business_value(self, predictions: Predictions) -> float:
        """Average value of one decision, from the counts of hits, false alarms and misses.

        Honours ``predictions.weights`` (``supports_weights``), so its bootstrap interval is
        that of resamples, like the other metrics'.
        """
        codes = predictions.label_codes  # cached when the bootstrap reweights the samples
        if codes is None:
            codes = metrics.label_codes(predictions.y_true, predictions.y_pred)
        positive = codes.n_labels - 1  # the greatest label's code
        actual, predicted = codes.truth == positive, codes.pred == positive
        value = (
            self.gain_true_positive * (actual & predicted)
            - self.cost_false_positive * (~actual & predicted)
            - self.cost_false_negative * (actual & ~predicted)
        )
        return metrics.mean(value, predictions.weights)
