"""Exceptions the command line reports as a single ``error: ...`` line."""


class MlexpError(Exception):
    """Base class for errors caused by the user's setup rather than by a bug."""


class ConfigError(MlexpError):
    """A configuration problem: unknown block, bad parameter, missing file, bad override."""


class TrackerError(MlexpError):
    """The tracker cannot start a run (missing package, unreachable server, no credentials)."""


class SchemaError(MlexpError):
    """Input data does not match the columns and types a model was trained on."""
