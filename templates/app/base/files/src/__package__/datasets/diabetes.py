"""Example regression data: scikit-learn's bundled diabetes set, held in memory."""

import pandas as pd

from <%- packageName %>.datasets.base import Dataset
from <%- packageName %>.plumbing.registry import DATASETS


@DATASETS.register("diabetes")
class Diabetes(Dataset):
    """Disease progression after one year from 10 baseline measurements; 442 samples.

    Features are unscaled (``sex`` is 1 or 2, ``age`` in years) so slices read naturally.
    """

    name = "diabetes"
    version = "1"

    def _load(self) -> tuple[pd.DataFrame, pd.Series]:
        from sklearn.datasets import load_diabetes

        bunch = load_diabetes(as_frame=True, scaled=False)
        return bunch.data, bunch.target
