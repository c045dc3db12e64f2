"""Reading and writing data tables by file name: ``.parquet``/``.pq`` as Parquet, else CSV."""

from pathlib import Path

import pandas as pd

from <%- packageName %>.errors import ConfigError


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a ``.csv`` or ``.parquet`` file; a 0-byte CSV is an empty table.

    A missing or unreadable file raises a one-line ``ConfigError``.
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"input file not found: {path}")
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            return pd.read_parquet(path)
        return pd.read_csv(path)
    except pd.errors.EmptyDataError:
        return pd.DataFrame()
    except (pd.errors.ParserError, OSError, ValueError) as exc:
        raise ConfigError(f"cannot read {path}: {' '.join(str(exc).split())}") from None


def write_table(frame: pd.DataFrame, path: str | Path) -> None:
    """Write ``frame`` as ``.parquet`` when the name says so, else as CSV."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() in (".parquet", ".pq"):
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False)
