"""Model ``<%- name %>``: a scikit-learn estimator behind ``Model``."""

from typing import Any

from <%- packageName %>.plumbing.registry import MODELS


@MODELS.register("<%- name %>")
def <%- name %>(**params: Any) -> Any:
    """Return a pipeline ending in ``HistGradientBoosting<%- task === 'classification' ? 'Classifier' : 'Regressor' %>(**params)``.

    Any scikit-learn estimator or ``Pipeline`` meets the ``Model`` contract: change the
    estimator or add preprocessing steps here. ``params`` come from ``model.params`` in the
    config; an unset ``random_state`` is filled from the config's seed.
    """
    from sklearn.ensemble import HistGradientBoosting<%- task === 'classification' ? 'Classifier' : 'Regressor' %>
    from sklearn.pipeline import Pipeline

    return Pipeline([("model", HistGradientBoosting<%- task === 'classification' ? 'Classifier' : 'Regressor' %>(**params))])
