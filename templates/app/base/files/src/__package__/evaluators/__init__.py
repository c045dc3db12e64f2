"""Evaluators: every module here is imported on first lookup, registering its evaluators."""

from <%- packageName %>.evaluators.base import Evaluation, Evaluator, Predictions

__all__ = ["Evaluation", "Evaluator", "Predictions"]
