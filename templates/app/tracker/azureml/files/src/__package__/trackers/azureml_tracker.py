"""Azure ML tracker: the MLflow tracker pointed at an Azure Machine Learning workspace.

Where runs go:
    - workspace: the ``subscription_id``, ``resource_group`` and ``workspace_name``
      parameters, else ``AZURE_SUBSCRIPTION_ID``, ``AZURE_RESOURCE_GROUP`` and
      ``AZUREML_WORKSPACE_NAME``, else the workspace's ``config.json`` (downloaded from the
      Azure portal) in the project root or its ``.azureml/`` folder, read by
      ``MLClient.from_config``.
    - credential: ``DefaultAzureCredential`` (``az login``, a service principal in
      ``AZURE_TENANT_ID``/``AZURE_CLIENT_ID``/``AZURE_CLIENT_SECRET``, a managed identity...).
    - tracking URI: ``MLClient(...).workspaces.get(name).mlflow_tracking_uri``, fetched once
      per tracker. A ``tracking_uri`` parameter or an ``azureml://`` ``MLFLOW_TRACKING_URI``
      (set inside Azure ML jobs) is used as it is instead.

Azure ML serves most of the MLflow tracking API but not MLflow 3's logged-models API, so
``mlflow.<flavor>.log_model`` fails there with 404: ``run.log_model`` saves the model
locally and uploads it as plain artifacts (``AzureMlRun.logged_models`` is false). Data
inputs are recorded as ``input.*`` tags.
``mlflow``, ``azure-ai-ml`` and ``azure-identity`` are imported only when they are needed.
"""

import logging
import os
import re
from typing import Any, ClassVar

from <%- packageName %>.errors import TrackerError
from <%- packageName %>.plumbing.paths import project_root
from <%- packageName %>.plumbing.registry import TRACKERS
from <%- packageName %>.trackers.base import Run
from <%- packageName %>.trackers.mlflow_tracker import MlflowRun, MlflowTracker

WORKSPACE_VARIABLES = ("AZURE_SUBSCRIPTION_ID", "AZURE_RESOURCE_GROUP", "AZUREML_WORKSPACE_NAME")
CONFIG_FILES = ("config.json", ".azureml/config.json")
STUDIO = "https://ml.azure.com"
MISSING_WORKSPACE = (
    "azureml tracker: no Azure ML workspace configured; set AZURE_SUBSCRIPTION_ID,"
    " AZURE_RESOURCE_GROUP and AZUREML_WORKSPACE_NAME, or put the workspace's config.json"
    " in the project root"
)
NO_CREDENTIAL = (
    "azureml tracker: no Azure credential found; run `az login`, or set AZURE_TENANT_ID,"
    " AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (service principal)"
)
_URI_WORKSPACE = re.compile(
    r"/subscriptions/([^/]+)/resourceGroups/([^/]+)"
    r"/providers/Microsoft\.MachineLearningServices/workspaces/([^/?]+)",
    re.IGNORECASE,
)


class AzureMlRun(MlflowRun):
    """An MLflow run in Azure ML: inputs as tags, models as plain artifacts."""

    logged_models: ClassVar[bool] = False  # Azure ML answers the logged-models API with 404

    def log_input(
        self, frame: Any, *, name: str, context: str, digest: str, source: str | None
    ) -> None:
        """Record the input as ``input.<context>.*`` tags (MLflow dataset inputs are not used)."""
        Run.log_input(self, frame, name=name, context=context, digest=digest, source=source)


@TRACKERS.register("azureml")
class AzureMlTracker(MlflowTracker):
    """Runs in an Azure ML workspace through its MLflow API (see the module docstring)."""

    requires: ClassVar[tuple[str, ...]] = (
        "mlflow",
        "azureml.mlflow",
        "azure.ai.ml",
        "azure.identity",
    )
    credentials: ClassVar[tuple[str, ...]] = WORKSPACE_VARIABLES
    run_class: ClassVar[type[MlflowRun]] = AzureMlRun
    label: ClassVar[str] = "azureml"
    serves_ui: ClassVar[bool] = False  # `ui` prints the workspace's own address (ui_hint)
    experiment_tags: ClassVar[dict[str, str]] = {}  # Azure ML studio has no MLflow 3 views

    def __init__(
        self,
        subscription_id: str | None = None,
        resource_group: str | None = None,
        workspace_name: str | None = None,
        tracking_uri: str | None = None,
    ) -> None:
        given = {
            "AZURE_SUBSCRIPTION_ID": subscription_id,
            "AZURE_RESOURCE_GROUP": resource_group,
            "AZUREML_WORKSPACE_NAME": workspace_name,
        }
        self.workspace = {key: value or os.environ.get(key) or "" for key, value in given.items()}
        environment_uri = os.environ.get("MLFLOW_TRACKING_URI", "")
        self.explicit_uri = tracking_uri or environment_uri or None
        self.uri_from_environment = not tracking_uri and bool(environment_uri)
        self.tracking_uri = self.explicit_uri or ""
        self.artifact_root = None

    def _connect(self) -> str:
        """Return the workspace's tracking URI, looking it up once (one network call)."""
        if self.tracking_uri:
            if not self.tracking_uri.startswith("azureml://"):
                source = "MLFLOW_TRACKING_URI" if self.uri_from_environment else "tracking_uri"
                raise TrackerError(
                    f"azureml tracker: {source}={self.tracking_uri} is not an azureml:// URI;"
                    " unset it (or select tracker: mlflow)"
                )
            return self.tracking_uri
        client = self._ml_client()
        name = client.workspace_name
        # DefaultAzureCredential logs every credential it tried (many lines) before raising.
        logging.getLogger("azure.identity").setLevel(logging.ERROR)
        try:
            workspace = client.workspaces.get(name)
        except Exception as exc:
            raise TrackerError(_lookup_error(exc, client)) from None
        uri = getattr(workspace, "mlflow_tracking_uri", None)
        if not uri:
            raise TrackerError(f"azureml tracker: workspace {name} has no MLflow tracking URI")
        self.tracking_uri = uri
        return uri

    def _ml_client(self) -> Any:
        """Return an ``MLClient`` for the configured workspace (no network yet)."""
        missing = [key for key, value in self.workspace.items() if not value]
        config = next(
            (project_root() / name for name in CONFIG_FILES if (project_root() / name).is_file()),
            None,
        )
        if missing and len(missing) < len(WORKSPACE_VARIABLES):
            raise TrackerError(
                f"azureml tracker: incomplete workspace settings; also set {' and '.join(missing)}"
            )
        if missing and config is None:
            raise TrackerError(MISSING_WORKSPACE)
        try:
            from azure.ai.ml import MLClient
            from azure.identity import DefaultAzureCredential
        except ImportError:
            raise TrackerError(
                "the azureml tracker needs azure-ai-ml and azure-identity:"
                " pip install azureml-mlflow azure-ai-ml azure-identity"
            ) from None
        credential = DefaultAzureCredential()
        if not missing:
            return MLClient(
                credential,
                subscription_id=self.workspace["AZURE_SUBSCRIPTION_ID"],
                resource_group_name=self.workspace["AZURE_RESOURCE_GROUP"],
                workspace_name=self.workspace["AZUREML_WORKSPACE_NAME"],
            )
        try:
            return MLClient.from_config(credential, path=str(config))
        except Exception as exc:
            raise TrackerError(
                f"azureml tracker: cannot read {config}: {_first_line(exc)}"
            ) from None

    def ui_hint(self) -> str:
        """Return the Azure ML studio link of the workspace's experiments."""
        match = _URI_WORKSPACE.search(self.tracking_uri)
        if match:
            subscription, group, name = match.groups()
        else:
            try:
                client = self._ml_client()
            except TrackerError as exc:
                return f"open {STUDIO} and pick your workspace ({exc})"
            subscription = client.subscription_id
            group, name = client.resource_group_name, client.workspace_name
        workspace_id = (
            f"/subscriptions/{subscription}/resourceGroups/{group}"
            f"/providers/Microsoft.MachineLearningServices/workspaces/{name}"
        )
        tenant = os.environ.get("AZURE_TENANT_ID")
        suffix = f"&tid={tenant}" if tenant else ""
        return f"open {STUDIO}/experiments?wsid={workspace_id}{suffix} in a browser"

    def _where(self) -> str:
        return f"Azure ML workspace {self.workspace['AZUREML_WORKSPACE_NAME'] or self.tracking_uri}"


def _lookup_error(exc: Exception, client: Any) -> str:
    """Turn a failed workspace lookup into one line."""
    from azure.core.exceptions import ClientAuthenticationError, ResourceNotFoundError

    if isinstance(exc, ClientAuthenticationError):
        return NO_CREDENTIAL
    name, group = client.workspace_name, client.resource_group_name
    if isinstance(exc, ResourceNotFoundError):
        return (
            f"azureml tracker: no workspace {name} in resource group {group}"
            f" of subscription {client.subscription_id}"
        )
    return f"azureml tracker: cannot reach workspace {name}: {_first_line(exc)}"


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
