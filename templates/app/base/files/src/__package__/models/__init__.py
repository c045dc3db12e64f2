"""Models: every module here is imported on first lookup, registering its factories."""

from <%- packageName %>.models.base import Model

__all__ = ["Model"]
