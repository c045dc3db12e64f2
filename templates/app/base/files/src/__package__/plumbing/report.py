"""Self-contained HTML reports: one run (``run_report``) and runs side by side (``compare_report``).

A report is one file: figures are embedded as base64 PNG ``data:`` URIs and the page loads
nothing from the network, so it opens from disk, from a tracker's artifact view or from an
e-mail. Every value shown is escaped with ``html.escape``.

The latest run's figures and report are also copied to the project's ``reports/`` folder
(``publish_latest``): ``reports/figures/<name>.png`` and ``reports/report.html``.
"""

import base64
import html
import logging
import os
import re
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from <%- packageName %>.evaluators.base import Evaluation
from <%- packageName %>.plumbing.config import ExperimentConfig
from <%- packageName %>.plumbing.paths import project_root
from <%- packageName %>.trackers.base import RunRecord

REPORT_ARTIFACT = "report.html"
LATEST_FIGURES = ".latest-run"  # names of the figures the latest run wrote to reports/figures
DATA_TAGS = ("dataset.name", "dataset.version", "dataset.fingerprint", "seed")
CODE_TAGS = ("git.commit", "git.dirty", "python.version")
STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1f2328; max-width: 72rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid #d0d7de; padding: 0.25rem 0.6rem; text-align: left; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f6f8fa; }
figure { display: inline-block; margin: 0 1rem 1rem 0; }
figcaption { font-size: 0.85rem; color: #57606a; }
pre { background: #f6f8fa; padding: 0.75rem; overflow-x: auto; }
"""
logger = logging.getLogger(__name__)


def run_report(
    run_id: str,
    config: ExperimentConfig,
    tags: Mapping[str, Any],
    report: Evaluation,
    metrics: Mapping[str, float],
) -> str:
    """Return the HTML page of one run.

    It holds the metrics with their intervals, the slices, the figures, the data version
    (``dataset.*`` tags), the code version (``git.*``) and the resolved config.
    """
    overall = [
        [name, number(value), interval(metrics, name)]
        for name, value in metrics.items()
        if not name.startswith("slice/") and not name.endswith(("_ci_low", "_ci_high"))
    ]
    sections = [
        f"<p>run <code>{esc(run_id)}</code> of experiment <b>{esc(config.experiment)}</b>,"
        f" tracker {esc(config.tracker.name)}, model {esc(config.model.name)},"
        f" evaluator {esc(config.evaluator.name)}</p>",
        "<h2>Metrics</h2>",
        table(["metric", "value", f"{confidence(config)} interval"], overall),
        "<h2>Slices</h2>",
        slice_section(report.slices, confidence(config)),
        "<h2>Figures</h2>",
        figure_section(report.figures),
        "<h2>Data and code</h2>",
        table(
            ["item", "value"],
            [[key, str(tags.get(key, "unknown"))] for key in (*DATA_TAGS, *CODE_TAGS)],
        ),
        "<h2>Config</h2>",
        f"<pre>{esc(config.to_yaml())}</pre>",
    ]
    return page(f"Run {run_id[:12]} - {config.experiment}", sections)


def compare_report(
    experiment: str, metric: str, runs: list[RunRecord], figure: bytes | None = None
) -> str:
    """Return the HTML page ranking ``runs`` (best first) by ``metric`` with its interval."""
    rows = [
        [
            str(rank),
            run.run_id,
            time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(run.start_time)),
            run.params.get("model.name", "?"),
            run.tags.get("dataset.fingerprint", "?")[:12],
            run.tags.get("git.commit", "?")[:12],
            number(run.metrics[metric]),
            interval(run.metrics, metric),
        ]
        for rank, run in enumerate(runs, start=1)
    ]
    headers = ["rank", "run", "started", "model", "data", "commit", metric, "interval"]
    sections = [
        f"<p>{len(runs)} finished run(s) of experiment <b>{esc(experiment)}</b>,"
        f" ranked by <code>{esc(metric)}</code></p>",
        table(headers, rows) if rows else "<p>No finished run logged this metric.</p>",
        figure_section({"runs.png": figure} if figure else {}),
    ]
    return page(f"Runs of {experiment} by {metric}", sections)


def slice_section(slices: pd.DataFrame, level: str) -> str:
    """Return the slice table: count, the headline metric with its interval, other metrics."""
    if slices.empty:
        return "<p>No slices (set <code>evaluator.slice_by</code>).</p>"
    fixed = {"column", "value", "count", "metric", "ci_low", "ci_high"}
    metric = str(slices["metric"].iloc[0])
    others = [name for name in slices.columns if name not in fixed and name != metric]
    rows = [
        [
            str(row["column"]),
            str(row["value"]),
            f"{row['count']:g}",
            number(row.get(metric)),
            span(row["ci_low"], row["ci_high"]),
            *(number(row[name]) for name in others),
        ]
        for _, row in slices.iterrows()
    ]
    return table(["column", "value", "count", metric, f"{level} interval", *others], rows)


def figure_section(figures: Mapping[str, bytes]) -> str:
    """Return every figure as an ``<img>`` with a base64 PNG ``data:`` URI."""
    if not figures:
        return "<p>No figures (<code>evaluator.figures: false</code>, or nothing to draw).</p>"
    items = []
    for name, image in figures.items():
        data = base64.b64encode(image).decode("ascii")
        caption = esc(name.removesuffix(".png").replace("_", " "))
        items.append(
            f'<figure><img src="data:image/png;base64,{data}" alt="{caption}">'
            f"<figcaption>{caption}</figcaption></figure>"
        )
    return "\n".join(items)


def page(title: str, sections: list[str]) -> str:
    """Return a complete HTML document (UTF-8, inline style, no script, no external URL)."""
    body = "\n".join(sections)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{esc(title)}</title>\n<style>{STYLE}</style>\n</head>\n"
        f"<body>\n<h1>{esc(title)}</h1>\n{body}\n</body>\n</html>\n"
    )


def table(headers: list[str], rows: list[list[str]]) -> str:
    """Return an HTML table; cells are escaped, numeric-looking ones right-aligned."""
    head = "".join(f"<th>{esc(cell)}</th>" for cell in headers)
    body = "".join("<tr>" + "".join(cell_html(cell) for cell in row) + "</tr>\n" for row in rows)
    return f"<table>\n<tr>{head}</tr>\n{body}</table>"


def cell_html(cell: str) -> str:
    """Return one ``<td>``, classed ``number`` when the text is a number."""
    numeric = re.fullmatch(r"-?[\d.]+(e[-+]?\d+)?", cell) is not None
    return f'<td class="number">{esc(cell)}</td>' if numeric else f"<td>{esc(cell)}</td>"


def interval(metrics: Mapping[str, float], name: str) -> str:
    """Return ``low to high`` for ``name`` when its ``_ci_low``/``_ci_high`` are logged."""
    return span(metrics.get(f"{name}_ci_low"), metrics.get(f"{name}_ci_high"))


def span(low: Any, high: Any) -> str:
    """Return ``low to high`` (4 decimals), or an empty string when either is missing."""
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        return ""
    return f"{low:.4f} to {high:.4f}"


def number(value: Any) -> str:
    """Return ``value`` with 4 decimals; missing values are empty."""
    return "" if value is None or pd.isna(value) else f"{float(value):.4f}"


def confidence(config: ExperimentConfig) -> str:
    """Return the configured confidence level as a percentage, e.g. ``95%``."""
    return f"{config.evaluator.bootstrap.confidence:.0%}"


def esc(text: Any) -> str:
    """Escape ``text`` for HTML text and attribute values."""
    return html.escape(str(text), quote=True)


def reports_dir() -> Path:
    """Return the project's ``reports/`` folder (both layouts; created on first use)."""
    return project_root() / "reports"


def publish_latest(figures: Mapping[str, bytes], text: str, folder: Path | None = None) -> Path:
    """Write ``text`` to ``<folder>/report.html`` and ``figures`` to ``<folder>/figures/``.

    ``folder`` defaults to ``reports_dir()``. Figures the previous run wrote there (listed in
    ``figures/.latest-run``) that this run did not draw are removed; other files are left
    alone. Every file is replaced atomically, so parallel sweep trials never leave half a
    file. Returns the report's path.
    """
    folder = folder or reports_dir()
    figures_dir = folder / "figures"
    figures_dir.mkdir(parents=True, exist_ok=True)
    listing = figures_dir / LATEST_FIGURES
    previous = listing.read_text(encoding="utf-8").split() if listing.is_file() else []
    for name in set(previous) - set(figures):
        if re.fullmatch(r"[A-Za-z0-9_.-]+\.png", name):  # only names this module writes
            (figures_dir / name).unlink(missing_ok=True)
    for name, image in figures.items():
        write_atomic(figures_dir / name, image)
    write_atomic(listing, "".join(f"{name}\n" for name in sorted(figures)).encode("utf-8"))
    path = folder / "report.html"
    write_atomic(path, text.encode("utf-8"))
    return path


def write_atomic(path: Path, content: bytes) -> None:
    """Write ``content`` to a temporary file beside ``path``, then rename it over ``path``."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.write_bytes(content)
    os.replace(partial, path)
