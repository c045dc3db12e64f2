"""The ``Dataset`` contract."""

import hashlib
from abc import ABC, abstractmethod
from typing import Any

import numpy as np
import pandas as pd


class Dataset(ABC):
    """A named, versioned table of features and a target.

    Contract:
        - ``load()`` returns ``(X, y)``: a DataFrame and a Series of equal length sharing one
          index, whose values are the sample ids. Loading is cached; subclasses implement
          ``_load()``.
        - ``name`` and ``version`` identify the data; ``fingerprint()`` is the SHA-256 of ALL
          of it (file datasets hash the file bytes; the default is ``frame_sha256``).
        - Which rows train and which test is a ``Split`` block's choice (``splits/``).
        - ``len(ds)`` and ``ds[i] -> (features, target)`` make it a PyTorch-style map dataset.
    """

    name: str = ""
    version: str = "1"

    @abstractmethod
    def _load(self) -> tuple[pd.DataFrame, pd.Series]:
        """Read the data; called once, then cached by ``load()``."""

    def load(self) -> tuple[pd.DataFrame, pd.Series]:
        """Return ``(features, target)``, loading them on first use."""
        if getattr(self, "_cache", None) is None:
            self._cache = self._load()
        return self._cache

    def fingerprint(self) -> str:
        """Return ``frame_sha256`` of the features and the target, side by side."""
        X, y = self.load()
        return frame_sha256(pd.concat([X, y.rename("__target__")], axis=1))

    def __len__(self) -> int:
        return len(self.load()[0])

    def __getitem__(self, index: int) -> tuple[np.ndarray, Any]:
        X, y = self.load()
        return X.iloc[index].to_numpy(), y.iloc[index]


def frame_sha256(frame: pd.DataFrame) -> str:
    """Return a SHA-256 hex digest of every value, the index, column names and dtypes.

    The same table gives the same digest; a changed value, row order, column or dtype changes
    it. Rows are hashed with ``pandas.util.hash_pandas_object`` (vectorised, about 40 times
    faster than hashing a CSV text); values it cannot hash (lists, dicts) fall back to the CSV.
    """
    digest = hashlib.sha256(repr([(str(c), str(t)) for c, t in frame.dtypes.items()]).encode())
    try:
        rows = pd.util.hash_pandas_object(frame, index=True).to_numpy()
    except TypeError:
        digest.update(frame.to_csv(index=True).encode("utf-8"))
    else:
        digest.update(rows.tobytes())
    return digest.hexdigest()
