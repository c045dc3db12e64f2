"""Re-running a logged run from its recorded config and explaining any difference."""

import math
from dataclasses import dataclass

from <%- packageName %>.errors import RunStateError, TrackerError
from <%- packageName %>.experiment import run_experiment
from <%- packageName %>.plumbing.config import parse_config, parse_yaml
from <%- packageName %>.plumbing.data_versions import ensure_recorded_data
from <%- packageName %>.plumbing.paths import project_root
from <%- packageName %>.plumbing.reproducibility import (
    CONFIG_ARTIFACT,
    DIFF_ARTIFACT,
    PACKAGES_ARTIFACT,
)
from <%- packageName %>.trackers.base import RunRecord, Tracker

ABS_TOL = 1e-12
"""Metrics agree within a relative 1e-9 (``math.isclose``'s default) or this near zero."""
DRIFT_TAGS = (
    ("git.commit", "git commit"),
    ("dataset.fingerprint", "data fingerprint"),
    ("python.version", "python version"),
)


@dataclass(frozen=True)
class Reproduction:
    """The original run, its re-run, what changed around them, and which metrics differ."""

    original: RunRecord
    rerun: RunRecord
    warnings: list[str]
    mismatches: list[str]
    compared: int

    @property
    def matches(self) -> bool:
        """Whether every recorded metric (timings aside) came out the same."""
        return not self.mismatches


def reproduce_run(tracker: Tracker, run_id: str) -> Reproduction:
    """Re-run ``run_id`` from its ``config.yaml`` artifact, logging a run tagged ``reproduces``.

    Only a ``FINISHED`` run is reproduced: a ``FAILED``, ``KILLED`` or ``RUNNING`` one has no
    complete metrics to compare with, so it raises ``RunStateError`` and nothing is re-run.
    A run that read DVC-tracked data is re-run on that version only: a missing file is
    fetched, any other difference raises ``DataVersionError`` (``ensure_recorded_data``).
    """
    original = tracker.get_run(run_id)
    if original.status != "FINISHED":
        raise RunStateError(unfinished_reason(original))
    source = f"run {run_id} {CONFIG_ARTIFACT}"
    text = tracker.read_artifact(run_id, CONFIG_ARTIFACT).decode()
    config = parse_config(parse_yaml(text, source), source=source)
    data_warning = ensure_recorded_data(original.tags, project_root(), run_id)
    result = run_experiment(config, tracker=tracker, tags={"reproduces": run_id})
    rerun = tracker.get_run(result.run_id)
    mismatches, compared = metric_mismatches(original.metrics, rerun.metrics)
    warnings = [*([data_warning] if data_warning else []), *drift(tracker, original, rerun)]
    return Reproduction(original, rerun, warnings, mismatches, compared)


def unfinished_reason(run: RunRecord) -> str:
    """Say why a run that did not finish cannot be reproduced, and what to do instead."""
    why = {
        "FAILED": "it failed",
        "KILLED": "it was interrupted",
        "RUNNING": "it is still running, or its process died before it could end",
    }.get(run.status, "it did not finish")
    error = run.tags.get("error")
    cause = f": {error}" if run.status == "FAILED" and error else ""
    return (
        f"run {run.run_id} is {run.status} ({why}{cause}), so it has no complete metrics to"
        " reproduce; reproduce a FINISHED run instead"
        " (`python -m <%- packageName %> compare` ranks them)"
    )


def drift(tracker: Tracker, original: RunRecord, rerun: RunRecord) -> list[str]:
    """Describe differences in code, data and environment between two runs."""
    old, new = original.tags, rerun.tags
    warnings = [
        f"{what} differs: recorded {_short(old.get(key))}, now {_short(new.get(key))}"
        for key, what in DRIFT_TAGS
        if old.get(key) != new.get(key)
    ]
    dirty = (old.get("git.dirty"), new.get("git.dirty"))
    if "true" in dirty and (
        dirty[0] != dirty[1]
        or _artifact(tracker, original, DIFF_ARTIFACT) != _artifact(tracker, rerun, DIFF_ARTIFACT)
    ):
        warnings.append(
            f"uncommitted changes differ: recorded dirty={dirty[0]}, now dirty={dirty[1]}"
            f" (see the {DIFF_ARTIFACT} artifacts)"
        )
    if old.get("environment.sha256") != new.get("environment.sha256"):
        before = set(_artifact(tracker, original, PACKAGES_ARTIFACT).splitlines())
        after = set(_artifact(tracker, rerun, PACKAGES_ARTIFACT).splitlines())
        changes = [f"-{line}" for line in sorted(before - after)]
        changes += [f"+{line}" for line in sorted(after - before)]
        more = f" and {len(changes) - 6} more" if len(changes) > 6 else ""
        warnings.append(f"environment differs: {', '.join(changes[:6])}{more}")
    return warnings


def metric_mismatches(
    recorded: dict[str, float], current: dict[str, float]
) -> tuple[list[str], int]:
    """Compare every non-timing metric; return the differences and how many were compared."""
    names = sorted(n for n in set(recorded) | set(current) if not n.startswith("time/"))
    mismatches = []
    for name in names:
        old, new = recorded.get(name), current.get(name)
        same = old is not None and new is not None and math.isclose(old, new, abs_tol=ABS_TOL)
        if not same:
            mismatches.append(f"{name}: recorded {old}, now {new}")
    return mismatches, len(names)


def _short(value: str | None) -> str:
    return "missing" if value is None else value[:12]


def _artifact(tracker: Tracker, run: RunRecord, name: str) -> str:
    try:
        return tracker.read_artifact(run.run_id, name).decode()
    except TrackerError:
        return ""
