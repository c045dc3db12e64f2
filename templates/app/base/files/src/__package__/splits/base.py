"""The ``Split`` contract: which rows a model learns from, and which it is tested on."""

from abc import ABC, abstractmethod
from typing import NamedTuple

import numpy as np
import pandas as pd


class Fold(NamedTuple):
    """Row positions (``iloc``) of one training part and its test part, each sorted."""

    train: np.ndarray
    test: np.ndarray

    def take(
        self, X: pd.DataFrame, y: pd.Series
    ) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series, pd.Series]:
        """Return ``X_train, X_test, y_train, y_test``."""
        return X.iloc[self.train], X.iloc[self.test], y.iloc[self.train], y.iloc[self.test]


class Split(ABC):
    """Divides a dataset's rows into training and test parts.

    Contract:
        - ``folds(X, y, seed)`` returns one ``Fold`` (a hold-out split) or several
          (cross-validation) of integer row positions into ``X``: each part sorted and
          non-empty, no row in both parts of a fold. The same data and seed give the same
          folds.
        - Several folds test every row exactly once between them. The runner then fits one
          model per fold, scores the pooled out-of-fold predictions as ``test/<metric>``, and
          logs each fold's metrics (``fold/<i>/<metric>``) with their mean and standard
          deviation (``cv/<metric>_mean``, ``cv/<metric>_std``).
        - The constructor takes the config's ``split.params`` and rejects a bad one with
          ``ValueError``; ``folds`` raises ``ValueError`` for data it cannot split (a missing
          column, a class too small to stratify).
    """

    @abstractmethod
    def folds(self, X: pd.DataFrame, y: pd.Series, seed: int) -> list[Fold]:
        """Return the folds of ``(X, y)`` for ``seed``, as the class docstring states."""


def fraction(value: float, name: str) -> float:
    """Return ``value`` as a float if it lies strictly between 0 and 1; else ``ValueError``."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1:
        raise ValueError(f"{name} must be a number between 0 and 1, got {value!r}")
    return float(value)


def column_of(X: pd.DataFrame, column: str) -> pd.Series:
    """Return ``X[column]``, or raise ``ValueError`` naming the columns there are."""
    if column not in X.columns:
        shown = ", ".join(map(str, X.columns[:8])) + (" ..." if len(X.columns) > 8 else "")
        raise ValueError(f"no column {column!r} in the data (columns: {shown})")
    return X[column]
