"""Exceptions the command line reports as a single ``error: ...`` line."""

import signal


class <%- errorName %>(Exception):
    """Base class for errors caused by the user's setup rather than by a bug."""


class ConfigError(<%- errorName %>):
    """A configuration problem: unknown block, bad parameter, missing file, bad override."""


class TrackerError(<%- errorName %>):
    """The tracker cannot start a run (missing package, unreachable server, no credentials)."""


class SchemaError(<%- errorName %>):
    """Input data does not match the columns and types a model was trained on."""


class RunStateError(<%- errorName %>):
    """A run is in a state the command cannot use (e.g. reproducing a run that never finished)."""


class DataError(<%- errorName %>):
    """Data is not what or where a command needs (a run's DVC version, a data storage)."""


class Terminated(KeyboardInterrupt):
    """Raised in the main thread on ``SIGTERM`` so a run in progress ends ``KILLED``.

    A ``KeyboardInterrupt`` (Ctrl-C), so code that cleans up on Ctrl-C cleans up here too.
    """

    signum = signal.SIGTERM
