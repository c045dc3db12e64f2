"""Example linear models: scaled logistic regression and ridge regression."""

from typing import Any

from <%- packageName %>.plumbing.registry import MODELS


@MODELS.register("logistic_regression")
def logistic_regression(**params: Any) -> Any:
    """Standardise features, then ``LogisticRegression(**params)``."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    return Pipeline([("scale", StandardScaler()), ("model", LogisticRegression(**params))])


@MODELS.register("ridge")
def ridge(**params: Any) -> Any:
    """Standardise features, then ``Ridge(**params)``."""
    from sklearn.linear_model import Ridge
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    return Pipeline([("scale", StandardScaler()), ("model", Ridge(**params))])
