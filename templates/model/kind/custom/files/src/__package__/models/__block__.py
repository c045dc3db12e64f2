"""Model ``<%- name %>``: an estimator of your own."""

from typing import Any, Self

import numpy as np
from sklearn.base import BaseEstimator

from <%- packageName %>.plumbing.registry import MODELS


@MODELS.register("<%- name %>")
class <%- className %>(BaseEstimator):
<% if (task === 'classification') { -%>
    """A baseline classifier: predicts the most frequent training label.

    Start here and replace ``fit``/``predict``/``predict_proba`` with your method. Keep the
    contract: ``__init__`` only stores its arguments (``BaseEstimator`` derives
    ``get_params``/``set_params`` from them, so ``clone`` works), ``fit`` returns ``self``,
    learned attributes end in ``_``, ``predict_proba`` columns follow ``classes_``.
    """

    def __init__(self, smoothing: float = 1.0) -> None:
        self.smoothing = smoothing

    def fit(self, X: Any, y: Any) -> Self:
        """Count the labels in ``y``."""
        self.classes_, counts = np.unique(np.asarray(y), return_counts=True)
        weights = counts + self.smoothing
        self.priors_ = weights / weights.sum()
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Return the most frequent training label for every row."""
        return np.full(len(X), self.classes_[np.argmax(self.priors_)])

    def predict_proba(self, X: Any) -> np.ndarray:
        """Return the smoothed training label frequencies for every row."""
        return np.tile(self.priors_, (len(X), 1))
<% } else { -%>
    """A baseline regressor: predicts the (optionally shrunk) training mean.

    Start here and replace ``fit``/``predict`` with your method. Keep the contract:
    ``__init__`` only stores its arguments (``BaseEstimator`` derives
    ``get_params``/``set_params`` from them, so ``clone`` works), ``fit`` returns ``self``,
    learned attributes end in ``_``.
    """

    def __init__(self, shrinkage: float = 0.0) -> None:
        self.shrinkage = shrinkage

    def fit(self, X: Any, y: Any) -> Self:
        """Learn the mean of ``y``."""
        self.mean_ = float(np.mean(np.asarray(y, dtype=float))) * (1.0 - self.shrinkage)
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Return the learned mean for every row."""
        return np.full(len(X), self.mean_)
<% } -%>
