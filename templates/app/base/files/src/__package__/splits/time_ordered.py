"""A time-ordered hold-out: learn from the past, test on what came after."""

import math

import numpy as np
import pandas as pd

from <%- packageName %>.plumbing.registry import SPLITS
from <%- packageName %>.splits.base import Fold, Split, column_of, fraction


@SPLITS.register("time_ordered")
class TimeOrdered(Split):
    """Test on the latest ``test_size`` of the rows, ordered by ``column``; nothing shuffled.

    Every training row comes strictly before every test row: rows sharing the time at the
    cut all go to the test part. Without ``column`` the rows' own order is the time order
    (a file appended to as data arrives). The seed is not used.
    """

    def __init__(self, column: str | None = None, test_size: float = 0.25) -> None:
        self.column = column
        self.test_size = fraction(test_size, "test_size")

    def folds(self, X: pd.DataFrame, y: pd.Series, seed: int) -> list[Fold]:
        cut = len(X) - math.ceil(self.test_size * len(X))
        if self.column is None:
            return [Fold(np.arange(cut), np.arange(cut, len(X)))]
        times = column_of(X, self.column)
        if times.isna().any():
            raise ValueError(f"column {self.column!r} has missing values: fill or drop them")
        order = np.argsort(times.to_numpy(), kind="stable")
        ordered = times.to_numpy()[order]
        while cut > 0 and ordered[cut - 1] == ordered[cut]:
            cut -= 1
        if cut == 0:
            raise ValueError(f"column {self.column!r} has no earlier rows to train on")
        return [Fold(np.sort(order[:cut]), np.sort(order[cut:]))]
