"""Name -> factory registries for the building blocks, filled by decorators.

Each registry owns one subpackage (``datasets``, ``models``, ``splits``, ``evaluators``,
``trackers``). The first lookup imports every module in that subpackage, so a new
module that decorates a factory with ``@MODELS.register("name")`` is picked up
without editing any other file. Configs then select blocks by name.
"""

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from <%- packageName %>.errors import ConfigError

Factory = Callable[..., Any]


class Registry:
    """Maps block names to factories (classes or functions) and builds blocks from configs."""

    def __init__(self, kind: str, package: str) -> None:
        self.kind = kind
        self.package = package
        self._factories: dict[str, Factory] = {}
        self._discovered = False

    def register(self, name: str) -> Callable[[Factory], Factory]:
        """Return a decorator that registers a factory under ``name``."""

        def decorator(factory: Factory) -> Factory:
            existing = self._factories.get(name)
            if existing is not None and _qualified(existing) != _qualified(factory):
                raise ValueError(f"{self.kind} {name!r} is already registered by {existing!r}")
            self._factories[name] = factory
            return factory

        return decorator

    def unregister(self, name: str) -> None:
        """Remove a block (used by tests and by projects that hide a shipped example)."""
        self.discover()
        self._factories.pop(name, None)

    def discover(self) -> None:
        """Import every module of the registry's package once, running their decorators."""
        if self._discovered:
            return
        self._discovered = True
        package = importlib.import_module(self.package)
        for module in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{self.package}.{module.name}")

    def names(self) -> list[str]:
        """Return the registered names, sorted."""
        self.discover()
        return sorted(self._factories)

    def __contains__(self, name: object) -> bool:
        return name in self.names()

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def get(self, name: str) -> Factory:
        """Return the factory registered under ``name`` or raise a one-line ``ConfigError``."""
        self.discover()
        try:
            return self._factories[name]
        except KeyError:
            known = ", ".join(self.names()) or "none"
            raise ConfigError(f"unknown {self.kind} {name!r}; known: {known}") from None

    def build(self, name: str, params: Mapping[str, Any] | None = None) -> Any:
        """Call the factory of ``name`` with ``params``; bad parameters raise ``ConfigError``."""
        factory = self.get(name)
        params = dict(params or {})
        try:
            inspect.signature(factory).bind(**params)
        except TypeError as exc:
            raise ConfigError(f"{self.kind} {name!r}: bad parameters {params}: {exc}") from None
        except ValueError:  # no introspectable signature (some builtins): let the call decide
            pass
        try:
            return factory(**params)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{self.kind} {name!r}: bad parameters {params}: {exc}") from exc


def _qualified(factory: Factory) -> str:
    return f"{getattr(factory, '__module__', '')}.{getattr(factory, '__qualname__', factory)}"


DATASETS = Registry("dataset", "<%- packageName %>.datasets")
MODELS = Registry("model", "<%- packageName %>.models")
EVALUATORS = Registry("evaluator", "<%- packageName %>.evaluators")
SPLITS = Registry("split", "<%- packageName %>.splits")
TRACKERS = Registry("tracker", "<%- packageName %>.trackers")
