"""Dataset ``<%- name %>``: whatever a Python function returns."""

import importlib
from collections.abc import Callable
from typing import Any

import pandas as pd

from <%- packageName %>.datasets.base import Dataset
from <%- packageName %>.errors import ConfigError
from <%- packageName %>.plumbing.registry import DATASETS


@DATASETS.register("<%- name %>")
class <%- className %>(Dataset):
    """The table returned by ``loader`` (``"module:function"`` or ``"module.function"``).

    The function is called with ``kwargs`` and returns ``(X, y)`` or a DataFrame holding the
    ``target`` column (scikit-learn loaders with ``as_frame=True, return_X_y=True`` qualify).
    Use it for APIs, feature stores or generated data. The fingerprint hashes a canonical CSV of
    the whole table; bump ``version`` when the source changes on purpose.
    """

    name = "<%- name %>"
    version = "1"

    def __init__(
        self,
        loader: str,
        kwargs: dict[str, Any] | None = None,
        target: str = "<%- target %>",
    ) -> None:
        self.loader = loader
        self.kwargs = dict(kwargs or {})
        self.target = target

    def _function(self) -> Callable[..., Any]:
        module_name, _, attribute = self.loader.replace(":", ".").rpartition(".")
        try:
            return getattr(importlib.import_module(module_name), attribute)
        except (ImportError, AttributeError, ValueError) as exc:
            raise ConfigError(f"{self.name}: cannot import loader {self.loader!r}: {exc}") from None

    def _load(self) -> tuple[pd.DataFrame, pd.Series]:
        result = self._function()(**self.kwargs)
        if isinstance(result, pd.DataFrame):
            if self.target not in result.columns:
                raise ConfigError(f"{self.name}: the loader's table has no column {self.target!r}")
            return result.drop(columns=[self.target]), result[self.target]
        features, target = result
        return pd.DataFrame(features), pd.Series(target, name=self.target)
