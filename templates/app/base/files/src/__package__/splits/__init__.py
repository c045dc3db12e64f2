"""Splits: every module here is imported on first lookup, registering its splits."""

from <%- packageName %>.splits.base import Fold, Split

__all__ = ["Fold", "Split"]
