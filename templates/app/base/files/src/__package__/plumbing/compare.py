"""Ranking logged runs by one metric and printing them as a table."""

import time
from pathlib import Path

from <%- packageName %>.errors import ConfigError
from <%- packageName %>.trackers.base import RunRecord

COLUMNS = ("rank", "run_id", "started", "status", "model", "data", "metric", "ci")


def rank_runs(runs: list[RunRecord], metric: str, lower_is_better: bool) -> list[RunRecord]:
    """Return the ``FINISHED`` runs that logged ``metric``, best first (ties: newest first).

    Runs still ``RUNNING`` (in progress, or their process killed outright, ``SIGKILL``),
    ``KILLED`` (interrupted: Ctrl-C, ``SIGTERM``) and ``FAILED`` runs are left out: their
    metrics may be partial (see ``unfinished_runs``).
    """
    scored = [run for run in runs if run.status == "FINISHED" and metric in run.metrics]
    sign = 1 if lower_is_better else -1
    return sorted(scored, key=lambda run: (sign * run.metrics[metric], -run.start_time))


def unfinished_runs(runs: list[RunRecord], metric: str) -> list[RunRecord]:
    """Return the runs that logged ``metric`` but did not finish, which ``rank_runs`` omits."""
    return [run for run in runs if run.status != "FINISHED" and metric in run.metrics]


def format_table(runs: list[RunRecord], metric: str) -> str:
    """Return a plain-text table of ranked runs with the metric and its CI when logged."""
    rows = [(*COLUMNS[:-2], metric, "ci")]
    for rank, run in enumerate(runs, start=1):
        low, high = run.metrics.get(f"{metric}_ci_low"), run.metrics.get(f"{metric}_ci_high")
        rows.append(
            (
                str(rank),
                run.run_id,
                time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(run.start_time)),
                run.status,
                run.params.get("model.name", "?"),
                run.tags.get("dataset.fingerprint", "?")[:12],
                f"{run.metrics[metric]:.4f}",
                f"{low:.4f} to {high:.4f}" if low is not None and high is not None else "",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def write_report(path: str | Path, experiment: str, metric: str, runs: list[RunRecord]) -> Path:
    """Write ``report.compare_report`` of ``runs`` (ranked) to ``path``; return the path.

    The page has a chart of each run's ``metric`` and interval. A path that cannot be written
    raises ``ConfigError``.
    """
    from <%- packageName %>.plumbing.figures import interval_chart, png
    from <%- packageName %>.plumbing.report import compare_report

    chart = None
    if runs:
        labels = [f"{run.run_id[:8]} {run.params.get('model.name', '?')}" for run in runs]
        chart = png(
            interval_chart(
                labels,
                [run.metrics[metric] for run in runs],
                [run.metrics.get(f"{metric}_ci_low", float("nan")) for run in runs],
                [run.metrics.get(f"{metric}_ci_high", float("nan")) for run in runs],
                f"{metric} by run (best first)",
                metric,
            )
        )
    target = Path(path).expanduser()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(compare_report(experiment, metric, runs, chart), encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write the report {path}: {exc.strerror or exc}") from None
    return target
