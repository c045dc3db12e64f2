"""Dataset ``<%- name %>``: the rows a SQL query returns."""

import os

import pandas as pd

from <%- packageName %>.datasets.base import Dataset
from <%- packageName %>.errors import ConfigError
from <%- packageName %>.plumbing.paths import resolve_path
from <%- packageName %>.plumbing.registry import DATASETS


@DATASETS.register("<%- name %>")
class <%- className %>(Dataset):
    """Rows returned by ``query`` on the database at ``url``; the target is ``target``.

    ``url`` is a SQLAlchemy URL. Keep credentials out of configs: ``env:VARIABLE`` reads the
    URL from that environment variable (put it in ``.env``, which git ignores). A relative
    SQLite path (``sqlite:///data/x.sqlite``) starts at the project root. The fingerprint
    hashes the rows returned, so a change in the table shows even when the query does not.

    Until ``url`` names your own database, ``materialize`` writes example data into a missing
    SQLite file so the block runs from the first minute; delete it once your data is in place.
    """

    name = "<%- name %>"
    version = "1"

    def __init__(
        self,
        url: str,
        query: str,
        target: str = "<%- target %>",
    ) -> None:
        self.url = url
        self.query = query
        self.target = target

    def resolved_url(self) -> str:
        """Return the SQLAlchemy URL, read from the environment and made absolute."""
        url = self.url
        if url.startswith("env:"):
            variable = url.removeprefix("env:")
            url = os.environ.get(variable, "")
            if not url:
                raise ConfigError(f"{self.name}: set {variable} to the database URL")
        if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
            url = f"sqlite:///{resolve_path(url.removeprefix('sqlite:///'))}"
        return url

    def _load(self) -> tuple[pd.DataFrame, pd.Series]:
        from sqlalchemy import create_engine, text

        url = self.resolved_url()
        if url.startswith("sqlite:///") and not os.path.exists(url.removeprefix("sqlite:///")):
            self.materialize(url)
        engine = create_engine(url)
        try:
            with engine.connect() as connection:
                frame = pd.read_sql(text(self.query), connection)
        finally:
            engine.dispose()
        if self.target not in frame.columns:
            raise ConfigError(f"{self.name}: the query returns no target column {self.target!r}")
        return frame.drop(columns=[self.target]), frame[self.target]

    def materialize(self, url: str) -> None:
        """Write the example data as the table ``<%- name %>``."""
        from sklearn.datasets import load_breast_cancer
        from sqlalchemy import create_engine

        frame = load_breast_cancer(as_frame=True).frame.rename(columns={"target": self.target})
        os.makedirs(os.path.dirname(url.removeprefix("sqlite:///")) or ".", exist_ok=True)
        engine = create_engine(url)
        try:
            frame.to_sql("<%- name %>", engine, index=False)
        finally:
            engine.dispose()
