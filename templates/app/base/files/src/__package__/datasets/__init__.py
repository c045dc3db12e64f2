"""Datasets: every module here is imported on first lookup, registering its datasets."""

from <%- packageName %>.datasets.base import Dataset

__all__ = ["Dataset"]
