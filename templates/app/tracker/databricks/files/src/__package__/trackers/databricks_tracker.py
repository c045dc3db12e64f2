"""Databricks tracker: the MLflow tracker pointed at a Databricks workspace.

Where runs go:
    - tracking URI: the ``tracking_uri`` parameter, else ``MLFLOW_TRACKING_URI`` when it is
      ``databricks`` or ``databricks://<profile>``, else ``databricks://<profile>`` when a
      ``profile`` parameter is given, else ``databricks``. Any other ``MLFLOW_TRACKING_URI`` is
      an error, not silently ignored.
    - credentials: ``DATABRICKS_HOST`` plus ``DATABRICKS_TOKEN`` (or ``DATABRICKS_CLIENT_ID``
      and ``DATABRICKS_CLIENT_SECRET``), or a profile of ``~/.databrickscfg`` named by the URI
      or ``DATABRICKS_CONFIG_PROFILE`` (without either, its ``DEFAULT`` profile). They are
      checked, without network, before anything is created.
    - experiment: Databricks experiments are workspace paths. A name that starts with ``/``
      is used as it is; any other name goes into ``folder`` (default ``/Shared``), so
      ``churn`` becomes ``/Shared/churn``. Runs read back carry the name without the folder.

``mlflow`` and ``databricks-sdk`` are imported only when a run is opened or read.
"""

import configparser
import os
from pathlib import Path
from typing import ClassVar

from <%- packageName %>.errors import TrackerError
from <%- packageName %>.plumbing.registry import TRACKERS
from <%- packageName %>.trackers.mlflow_tracker import MlflowTracker

SCHEME = "databricks"
MISSING = (
    "databricks tracker: no Databricks credentials; set DATABRICKS_HOST and DATABRICKS_TOKEN"
    " (or DATABRICKS_CONFIG_PROFILE to a profile of ~/.databrickscfg)"
)


@TRACKERS.register("databricks")
class DatabricksTracker(MlflowTracker):
    """Runs in the MLflow tracking server of a Databricks workspace (see the module docstring)."""

    requires: ClassVar[tuple[str, ...]] = ("mlflow", "databricks.sdk")
    credentials: ClassVar[tuple[str, ...]] = ("DATABRICKS_HOST", "DATABRICKS_TOKEN")
    label: ClassVar[str] = "databricks"
    serves_ui: ClassVar[bool] = False  # `ui` prints the workspace's own address (ui_hint)

    def __init__(
        self, tracking_uri: str | None = None, profile: str | None = None, folder: str = "/Shared"
    ) -> None:
        if not folder.startswith("/"):
            raise ValueError(f"folder must be a workspace path starting with '/': {folder!r}")
        environment_uri = os.environ.get("MLFLOW_TRACKING_URI")
        self.tracking_uri = (
            tracking_uri or environment_uri or (f"{SCHEME}://{profile}" if profile else SCHEME)
        )
        self.uri_from_environment = not tracking_uri and bool(environment_uri)
        self.folder = folder.rstrip("/") or "/"
        self.artifact_root = None

    @property
    def profile(self) -> str | None:
        """The ``~/.databrickscfg`` profile in use: from the URI, else the environment."""
        named = self.tracking_uri.partition("://")[2].split(":")[0]
        return named or os.environ.get("DATABRICKS_CONFIG_PROFILE") or None

    def _connect(self) -> str:
        """Check the URI and the credentials (no network); return the URI."""
        if self.tracking_uri != SCHEME and not self.tracking_uri.startswith(f"{SCHEME}://"):
            source = "MLFLOW_TRACKING_URI" if self.uri_from_environment else "tracking_uri"
            raise TrackerError(
                f"databricks tracker: {source}={self.tracking_uri} is not a Databricks URI;"
                " use databricks or databricks://<profile> (or select tracker: mlflow)"
            )
        problem = credential_problem(self.profile)
        if problem:
            raise TrackerError(problem)
        return self.tracking_uri

    def _store_experiment(self, experiment: str) -> str:
        """Map a plain name into ``folder``; keep workspace paths as they are."""
        if experiment.startswith("/"):
            return experiment
        return f"{self.folder.rstrip('/')}/{experiment}"

    def _display_experiment(self, stored: str) -> str:
        prefix = f"{self.folder.rstrip('/')}/"
        return stored.removeprefix(prefix) if stored.startswith(prefix) else stored

    def _prepare_experiment(self, stored: str) -> None:
        """Create the experiment's workspace folder (no-op when it exists)."""
        from databricks.sdk import WorkspaceClient

        workspace = WorkspaceClient(profile=self.profile) if self.profile else WorkspaceClient()
        workspace.workspace.mkdirs(stored.rsplit("/", 1)[0] or "/")

    def ui_hint(self) -> str:
        """Return the workspace's experiments page (host from the environment or profile)."""
        host = workspace_host(self.profile)
        where = f"experiments are under {self.folder} in the workspace"
        if not host:
            return f"set DATABRICKS_HOST (or a profile) to get the link; {where}"
        return f"open {host.rstrip('/')}/ml/experiments in a browser ({where})"


def config_file() -> Path:
    """Return the Databricks CLI configuration file (``DATABRICKS_CONFIG_FILE`` or default)."""
    return Path(os.environ.get("DATABRICKS_CONFIG_FILE") or "~/.databrickscfg").expanduser()


def read_profiles() -> configparser.ConfigParser:
    """Return the profiles of ``config_file()`` (none when it is missing or unreadable)."""
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(config_file(), encoding="utf-8")
    except (OSError, configparser.Error):
        return configparser.ConfigParser(interpolation=None)
    return parser


def credential_problem(profile: str | None) -> str | None:
    """Return a one-line message when no usable credentials are configured, else ``None``."""
    profiles = read_profiles()
    if profile:
        found = profiles.defaults() if profile == "DEFAULT" else profiles.has_section(profile)
        if not found:
            return (
                f"databricks tracker: no profile [{profile}] in {config_file()}; run"
                f" `databricks auth login --profile {profile}`, or set DATABRICKS_HOST and"
                " DATABRICKS_TOKEN and unset DATABRICKS_CONFIG_PROFILE"
            )
        return None
    environ = os.environ
    if environ.get("DATABRICKS_RUNTIME_VERSION"):
        return None  # inside a Databricks job or notebook: MLflow uses the workspace's own auth
    if environ.get("DATABRICKS_HOST"):
        has_secret = environ.get("DATABRICKS_TOKEN") or (
            environ.get("DATABRICKS_CLIENT_ID") and environ.get("DATABRICKS_CLIENT_SECRET")
        )
        if has_secret or environ.get("DATABRICKS_AUTH_TYPE") or profiles.defaults():
            return None
        return (
            "databricks tracker: DATABRICKS_HOST is set but no credential; set DATABRICKS_TOKEN"
            " (or DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET)"
        )
    if profiles.defaults().get("host"):
        return None
    return MISSING


def workspace_host(profile: str | None) -> str | None:
    """Return the workspace URL from the environment or the profile, without network."""
    profiles = read_profiles()
    if profile and profiles.has_section(profile):
        return profiles.get(profile, "host", fallback=None)
    return os.environ.get("DATABRICKS_HOST") or profiles.defaults().get("host")
