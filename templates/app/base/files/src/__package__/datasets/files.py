"""Datasets backed by one data file, fingerprinted by the file's bytes."""

import hashlib
from abc import abstractmethod
from pathlib import Path

import pandas as pd

from <%- packageName %>.datasets.base import Dataset
from <%- packageName %>.errors import ConfigError
from <%- packageName %>.plumbing.paths import resolve_path


class FileDataset(Dataset):
    """One file with one target column; ``fingerprint()`` hashes the file bytes.

    Subclasses implement ``read(path)`` for their format. Relative paths are resolved against
    the project root. Subclasses may override ``materialize()`` to write the file when it does
    not exist yet.
    """

    def __init__(self, path: str | Path, target: str = "target") -> None:
        self.path = resolve_path(path)
        self.target = target

    @abstractmethod
    def read(self, path: Path) -> pd.DataFrame:
        """Read the whole file into a DataFrame."""

    @abstractmethod
    def write(self, frame: pd.DataFrame, path: Path) -> None:
        """Write ``frame`` to ``path`` in this dataset's format (``read`` gives it back)."""

    def materialize(self) -> None:
        """Create the file when missing; the base class expects it to exist."""
        raise ConfigError(f"{self.name or 'dataset'} file not found: {self.path}")

    def _ensure_file(self) -> Path:
        if not self.path.is_file():
            self.materialize()
        return self.path

    def _load(self) -> tuple[pd.DataFrame, pd.Series]:
        frame = self.read(self._ensure_file())
        if self.target not in frame.columns:
            raise ConfigError(f"{self.path}: no target column {self.target!r}")
        return frame.drop(columns=[self.target]), frame[self.target]

    def fingerprint(self) -> str:
        """Return the SHA-256 hex digest of the file bytes."""
        digest = hashlib.sha256()
        with self._ensure_file().open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()


class CsvFileDataset(FileDataset):
    """A CSV file with a header row."""

    def read(self, path: Path) -> pd.DataFrame:
        return pd.read_csv(path)

    def write(self, frame: pd.DataFrame, path: Path) -> None:
        frame.to_csv(path, index=False)
