"""What a long command is doing, on stderr: each stage as it ends, with its time.

With ``--quiet`` (``python -m <%- packageName %> --quiet ...``),
only warnings and errors are shown. The lines are plain text (no colour, no redrawing), so a
log file or a CI job reads what a terminal shows, and stdout keeps only the results.
"""

import logging
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

LOG = logging.getLogger("<%- packageName %>")


def configure(quiet: bool = False) -> None:
    """Send the package's progress lines to stderr; only warnings and errors when ``quiet``."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    LOG.handlers[:] = [handler]
    LOG.setLevel(logging.WARNING if quiet else logging.INFO)
    LOG.propagate = False
    # the trackers' own INFO lines (an SQLite store's table creation...) are not progress;
    # MLflow sets its level again when it is imported, from this variable (a user's own wins)
    os.environ.setdefault("MLFLOW_LOGGING_LEVEL", "WARNING")
    for library in ("mlflow", "alembic"):
        logging.getLogger(library).setLevel(logging.WARNING)


@contextmanager
def stage(name: str) -> Iterator[list[str]]:
    """Time the block and, when it ends without error, log ``name``, its details and seconds.

    The block appends its details (``"426 rows"``) to the list it is given.
    """
    details: list[str] = []
    started = time.perf_counter()
    yield details
    seconds = time.perf_counter() - started
    LOG.info("%-9s %s", name, ", ".join([*details, f"{seconds:.2f} s"]))


@contextmanager
def muted() -> Iterator[None]:
    """Keep the block's progress lines (a sweep trial's stages) quiet; warnings still show."""
    level = LOG.level
    LOG.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        LOG.setLevel(level)
