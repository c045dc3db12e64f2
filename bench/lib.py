"""Measuring helpers for bench/run: run a command, time it, read its peak memory, take medians,
format figures and Markdown tables. Standard library only."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


class StepFailed(RuntimeError):
    """A measured command exited non-zero: the benchmark stops rather than report a broken figure."""


@dataclass
class Measurement:
    seconds: float
    peak_rss_kib: int
    output: str


def measure(cmd: list[str], cwd: Path, env: dict[str, str], check: bool = True) -> Measurement:
    """Run `cmd` to completion; wall-clock seconds, peak RSS and combined stdout+stderr.

    The process is reaped with os.wait4, whose rusage is that one child's (its own peak resident
    set, or that of its largest descendant it waited for), so there is no wrapper in the timing.
    """
    with tempfile.TemporaryFile() as sink:
        started = time.perf_counter()
        process = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=sink, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        sink.seek(0)
        output = sink.read().decode("utf-8", "replace")
    if check and process.returncode != 0:
        tail = "\n".join(output.splitlines()[-30:])
        raise StepFailed(f"`{' '.join(cmd)}` failed with exit {process.returncode} in {cwd}:\n{tail}")
    return Measurement(seconds, usage.ru_maxrss, output)


def run(cmd: list[str], cwd: Path, env: dict[str, str]) -> str:
    """An untimed helper command; raises StepFailed with its output when it fails."""
    return measure(cmd, cwd, env).output


def fresh_dir(path: Path, mode: int | None = None) -> Path:
    """Empty folder at `path` (removed first if it exists)."""
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    if mode is not None:
        path.chmod(mode)
    return path


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def seconds(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def mebibytes(kib: float | None) -> str:
    return "—" if kib is None else f"{kib / 1024:.0f} MiB"


def ratio(value: float | None, reference: float | None) -> str:
    if value is None or not reference:
        return "—"
    return f"{value / reference:.2f}×"


def spread(values: list[float]) -> str:
    """min–max of the samples, to show how far the median can be trusted."""
    if len(values) < 2:
        return "—"
    return f"{min(values):.2f}–{max(values):.2f}"


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A Markdown table, columns padded so it also reads as plain text."""
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])


def du_kib(path: Path) -> int:
    """Disk usage in KiB, as `du -sk` counts it (hard links once)."""
    return int(subprocess.run(["du", "-sk", str(path)], check=True, capture_output=True, text=True).stdout.split()[0])


def count_files(path: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(path))
