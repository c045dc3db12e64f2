"""Ranking logged runs by one metric and printing them as a table."""

import time

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
