"""Dataset ``<%- name %>``: a Parquet file with a target column."""

from pathlib import Path

import pandas as pd

from <%- packageName %>.datasets.breast_cancer import write_breast_cancer
from <%- packageName %>.datasets.files import FileDataset
from <%- packageName %>.plumbing.registry import DATASETS


@DATASETS.register("<%- name %>")
class <%- className %>(FileDataset):
    """Rows of the Parquet file at ``path``; the target is the ``target`` column.

    Bump ``version`` whenever the file's content changes on purpose; the fingerprint (SHA-256
    of the file bytes) catches changes that were not announced. Reading needs ``pyarrow``.

    Until ``path`` names your own file, ``materialize`` writes example data there so the block
    runs from the first minute. Delete that method once your data is in place: a missing file
    then fails with a clear error instead of being replaced by example data.
    """

    name = "<%- name %>"
    version = "1"

    def __init__(
        self,
        path: str | Path,
        target: str = "<%- target %>",
    ) -> None:
        super().__init__(path, target)

    def read(self, path: Path) -> pd.DataFrame:
        return pd.read_parquet(path)

    def write(self, frame: pd.DataFrame, path: Path) -> None:
        frame.to_parquet(path, index=False)

    def materialize(self) -> None:
        """Write the example data to ``path`` (see the class docstring)."""
        write_breast_cancer(self)
