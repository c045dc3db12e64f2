"""Trackers: every module here is imported on first lookup, registering its trackers."""

from <%- packageName %>.trackers.base import Run, RunRecord, Tracker

__all__ = ["Run", "RunRecord", "Tracker"]
