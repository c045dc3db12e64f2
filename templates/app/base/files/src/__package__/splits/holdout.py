"""Hold-out splits: one training part and one test part."""

import math

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupShuffleSplit, StratifiedShuffleSplit

from <%- packageName %>.plumbing.registry import SPLITS
from <%- packageName %>.splits.base import Fold, Split, column_of, fraction


@SPLITS.register("holdout")
class Holdout(Split):
    """Shuffle the rows with the seed and test on ``ceil(test_size * n)`` of them."""

    def __init__(self, test_size: float = 0.25) -> None:
        self.test_size = fraction(test_size, "test_size")

    def folds(self, X: pd.DataFrame, y: pd.Series, seed: int) -> list[Fold]:
        n_test = math.ceil(self.test_size * len(X))
        order = np.random.default_rng(seed).permutation(len(X))
        return [Fold(np.sort(order[n_test:]), np.sort(order[:n_test]))]


@SPLITS.register("stratified")
class Stratified(Split):
    """A random hold-out that keeps each class's share of the target in both parts."""

    def __init__(self, test_size: float = 0.25) -> None:
        self.test_size = fraction(test_size, "test_size")

    def folds(self, X: pd.DataFrame, y: pd.Series, seed: int) -> list[Fold]:
        splitter = StratifiedShuffleSplit(1, test_size=self.test_size, random_state=seed)
        train, test = next(splitter.split(X, y))
        return [Fold(np.sort(train), np.sort(test))]


@SPLITS.register("group")
class Group(Split):
    """A random hold-out of whole groups: rows sharing a ``column`` value stay together.

    ``test_size`` is the share of groups tested (e.g. customers, patients), not of rows.
    """

    def __init__(self, column: str, test_size: float = 0.25) -> None:
        self.column = column
        self.test_size = fraction(test_size, "test_size")

    def folds(self, X: pd.DataFrame, y: pd.Series, seed: int) -> list[Fold]:
        groups = column_of(X, self.column)
        splitter = GroupShuffleSplit(1, test_size=self.test_size, random_state=seed)
        train, test = next(splitter.split(X, y, groups))
        return [Fold(np.sort(train), np.sort(test))]
