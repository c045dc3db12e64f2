"""Optional drivers a team setup needs, checked before use so a missing one costs one line.

A database URL (an Optuna sweep storage, an MLflow ``postgresql://`` store) needs the DBAPI
module SQLAlchemy picks for its dialect; an artifact URI (``wasbs://``, ``s3://``, ``gs://``)
needs its storage client. ``require_database_driver`` and ``require_artifact_client`` raise
``MissingDriverError``, one line naming the package to install, or the ``team`` extra when it
holds it (``<%- installTeam %>``). Nothing is connected to.
"""

import importlib.util
from urllib.parse import urlsplit

from <%- packageName %>.errors import <%- errorName %>

TEAM_INSTALL = "<%- installTeam %>"
# DBAPI module -> the distribution that installs it; psycopg is in the team extra.
_DRIVERS = {
    "psycopg": "psycopg[binary]",
    "psycopg2": "psycopg2-binary",
    "pymysql": "PyMySQL",
    "MySQLdb": "mysqlclient",
    "pg8000": "pg8000",
    "asyncpg": "asyncpg",
}
_TEAM = {"psycopg"<% if (tracker === 'mlflow') { %>, "azure.storage.blob"<% } %>}
# artifact URI scheme -> (module MLflow imports, distribution)
_ARTIFACT_CLIENTS = {
    "wasbs": ("azure.storage.blob", "azure-storage-blob"),
    "s3": ("boto3", "boto3"),
    "gs": ("google.cloud.storage", "google-cloud-storage"),
}


class MissingDriverError(<%- errorName %>):
    """A package the URL needs is not installed; the message says what to install."""


def require_database_driver(url: str, what: str) -> None:
    """Raise ``MissingDriverError`` if ``url``'s SQLAlchemy driver cannot be imported.

    ``what`` names the URL's use in the message (``sweep storage``, ``MLflow store``). An
    unparsable URL or an unknown dialect is left to the caller, which reports its own error.
    """
    try:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError, NoSuchModuleError

        dialect = make_url(url).get_dialect()
    except (ArgumentError, NoSuchModuleError, ValueError):
        return
    except ImportError as exc:  # a dialect module that imports its driver at once
        raise _missing(url, what, exc.name) from None
    try:
        dialect.import_dbapi()
    except ImportError as exc:
        raise _missing(url, what, exc.name) from None


def require_artifact_client(uri: str | None) -> None:
    """Raise ``MissingDriverError`` if the client for artifact URI ``uri`` is not installed."""
    scheme = urlsplit(uri or "").scheme
    if scheme not in _ARTIFACT_CLIENTS:
        return
    module, distribution = _ARTIFACT_CLIENTS[scheme]
    if not _importable(module):
        raise MissingDriverError(
            f"artifacts at {scheme}:// need the {distribution} package:"
            f" {_install(module, distribution)}"
        )


def missing_client_error(exc: ImportError) -> MissingDriverError:
    """Return the one-line error for an ``ImportError`` an artifact repository raised."""
    top = (exc.name or "").split(".")[0]
    for scheme, (module, distribution) in _ARTIFACT_CLIENTS.items():
        if module.split(".")[0] == top:
            return MissingDriverError(
                f"artifacts at {scheme}:// need the {distribution} package:"
                f" {_install(module, distribution)}"
            )
    return MissingDriverError(f"the run's artifact store needs the {exc.name} module: {exc}")


def _missing(url: str, what: str, module: str | None) -> MissingDriverError:
    from sqlalchemy.engine import make_url

    name = module or "database driver"
    top = name.split(".")[0]
    distribution = _DRIVERS.get(top, top)
    scheme = make_url(url).drivername
    return MissingDriverError(
        f"the {what} {scheme}:// needs the {distribution} package: {_install(top, distribution)}"
    )


def _install(module: str, distribution: str) -> str:
    if module in _TEAM:
        return f"install the team extra ({TEAM_INSTALL})"
    return f'pip install "{distribution}"'


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a parent package is missing or half-installed
        return False
