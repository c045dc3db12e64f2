"""Example classification data: scikit-learn's bundled breast cancer set, kept as a CSV."""

import functools
import os

import pandas as pd

from <%- packageName %>.datasets.files import CsvFileDataset, FileDataset
from <%- packageName %>.plumbing.registry import DATASETS


@DATASETS.register("breast_cancer")
class BreastCancer(CsvFileDataset):
    """Binary diagnosis (1 = benign) from 30 cell measurements; 569 samples.

    The bundled data is written once to ``path``; from then on the file is the data.
    """

    name = "breast_cancer"
    version = "1"

    def materialize(self) -> None:
        """Write scikit-learn's bundled copy to ``path`` (no network needed)."""
        write_breast_cancer(self)


def write_breast_cancer(dataset: FileDataset) -> None:
    """Write scikit-learn's bundled breast cancer set to ``dataset.path`` in its format.

    The target column is named ``dataset.target``. The file appears whole or not at all:
    parallel workers never read half a file.
    """
    frame = _bundled_frame().rename(columns={"target": dataset.target})  # a copy
    dataset.path.parent.mkdir(parents=True, exist_ok=True)
    partial = dataset.path.with_name(f"{dataset.path.name}.{os.getpid()}.partial")
    dataset.write(frame, partial)
    partial.replace(dataset.path)


@functools.cache
def _bundled_frame() -> pd.DataFrame:
    """Scikit-learn's bundled table, read once per process; callers must not change it."""
    from sklearn.datasets import load_breast_cancer

    return load_breast_cancer(as_frame=True).frame
