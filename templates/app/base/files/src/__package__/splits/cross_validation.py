"""K-fold cross-validation: every row is tested once, by a model that never saw it."""

import numpy as np
import pandas as pd
from sklearn.model_selection import KFold as KFoldSplitter
from sklearn.model_selection import StratifiedKFold

from <%- packageName %>.plumbing.registry import SPLITS
from <%- packageName %>.splits.base import Fold, Split


@SPLITS.register("kfold")
class KFold(Split):
    """Shuffle with the seed and cut the rows into ``k`` folds, each tested once.

    With ``stratified``, each fold keeps each class's share of the target.
    """

    def __init__(self, k: int = 5, stratified: bool = False) -> None:
        if isinstance(k, bool) or not isinstance(k, int) or k < 2:
            raise ValueError(f"k must be an integer of 2 or more, got {k!r}")
        if not isinstance(stratified, bool):
            raise ValueError(f"stratified must be true or false, got {stratified!r}")
        self.k = k
        self.stratified = stratified

    def folds(self, X: pd.DataFrame, y: pd.Series, seed: int) -> list[Fold]:
        kind = StratifiedKFold if self.stratified else KFoldSplitter
        splitter = kind(n_splits=self.k, shuffle=True, random_state=seed)
        return [Fold(np.sort(train), np.sort(test)) for train, test in splitter.split(X, y)]
