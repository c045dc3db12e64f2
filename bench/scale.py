"""The scale section: the default project's `run` on its example data repeated 1×, 10×, 100× and
1,000× (569 to 569,000 rows), with wall time, peak memory and each phase's time as `run` itself
reports it on its progress lines (data, split, recorded, fitted, evaluated, logged, reported).

bench/run runs it as the section `scale` on the default project. On its own, against any
generated project with the default dataset (its package name is read from .yo-rc.json):

    python3 bench/scale.py path/to/project [--runs N] [--factors 1,10,100,1000]

The repeated tables go to <project>/data/scale/ (the project's data folder, which git ignores),
and every run logs to an experiment of its own (`scale-<factor>x`) in the project's tracker.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from lib import StepFailed, measure, mebibytes, median, seconds, spread, table

FACTORS = (1, 10, 100, 1000)
EXAMPLE = Path("data/raw/breast_cancer.csv")  # the default dataset's example table
PHASES = ("data", "split", "recorded", "fitted", "evaluated", "logged", "reported")
PHASE_LINE = re.compile(rf"^({'|'.join(PHASES)})\s+.*?(\d+\.\d+) s$", re.MULTILINE)


def repeated_table(project: Path, factor: int) -> Path:
    """Write the example table repeated `factor` times (rows stay in order) and return its path."""
    source = project / EXAMPLE
    if not source.is_file():
        raise StepFailed(f"{source} is missing: run `python -m <package> data` in {project} first")
    target = project / "data" / "scale" / f"breast_cancer_x{factor}.csv"
    if not target.is_file():
        header, *rows = source.read_text(encoding="utf-8").splitlines(keepends=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8") as out:
            out.write(header)
            for _ in range(factor):
                out.writelines(rows)
    return target


def phases(output: str) -> dict[str, float]:
    """Return each phase's seconds from `run`'s progress lines."""
    found = {name: float(value) for name, value in PHASE_LINE.findall(output)}
    missing = [name for name in PHASES if name not in found]
    if missing:
        raise StepFailed(f"no progress line for {', '.join(missing)} in the run's output:\n{output[-2000:]}")
    return found


def rows_of(output: str) -> int:
    match = re.search(r"^data\s+\S+: (\d+) rows", output, re.MULTILINE)
    if not match:
        raise StepFailed(f"no data line in the run's output:\n{output[-2000:]}")
    return int(match.group(1))


def measure_scale(project: Path, package: str, env: dict[str, str], runs: int, factors=FACTORS, note=print) -> tuple[list[list[str]], dict]:
    """Run the project's `run` `runs` times per factor; return the table rows and the raw samples."""
    python = str(project / ".venv" / "bin" / "python")
    samples: dict[str, dict[str, list[float]]] = {}
    rows_seen: dict[int, int] = {}
    for factor in factors:
        path = repeated_table(project, factor)
        command = [python, "-m", package, "run", "--set", f"dataset.params.path={path}", "--set", f"experiment=scale-{factor}x"]
        for rep in range(runs):
            m = measure(command, project, env)
            rows_seen[factor] = rows_of(m.output)
            entry = samples.setdefault(str(factor), {})
            entry.setdefault("wall", []).append(m.seconds)
            entry.setdefault("rss", []).append(m.peak_rss_kib)
            for name, value in phases(m.output).items():
                entry.setdefault(name, []).append(value)
            note(f"scale: {factor}x, run {rep + 1}/{runs}: {m.seconds:.1f} s")
    rows = []
    for factor in factors:
        s = samples[str(factor)]
        beyond = median(s["wall"]) - median(s["fitted"])
        rows.append(
            [f"{factor}×", f"{rows_seen[factor]:,}", seconds(median(s["wall"])), spread(s["wall"]), mebibytes(median(s["rss"]))]
            + [f"{median(s[name]):.2f}" for name in PHASES]
            + [f"{beyond / max(median(s['fitted']), 1e-9):.1f}×"]
        )
    return rows, samples


HEADERS = ["data", "rows", "wall", "min–max (s)", "peak RSS", *[f"{name} (s)" for name in PHASES], "beyond fit ÷ fit"]
NOTE = (
    "\nEach phase is `run`'s own progress line (seconds); `recorded` holds the data fingerprint and "
    "the schema and input logging, `evaluated` the bootstrap, slices and figures, `logged` the model. "
    "Beyond fit ÷ fit: (wall − fitted) ÷ fitted, interpreter start and imports included. Peak RSS: "
    "the run process's maximum resident set (wait4).\n"
)


def section_scale(b, project: Path) -> None:
    """bench/run's `scale` section, on the default project."""
    b.emit(f"## Scale: the default project's run on its example data repeated (median of {b.runs})\n")
    rows, samples = measure_scale(project, "demo", b.env, b.runs, note=b.note)
    b.raw["scale"] = samples
    b.emit(table(HEADERS, rows))
    b.emit(NOTE)


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench/scale.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("project", type=Path)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--factors", default=",".join(map(str, FACTORS)))
    args = parser.parse_args()
    project = args.project.resolve()
    answers = json.loads((project / ".yo-rc.json").read_text())["generator-mlexp"]
    factors = [int(value) for value in args.factors.split(",")]
    from bench import machine_env  # noqa: PLC0415 (the same environment as bench/run's)

    rows, _ = measure_scale(project, answers["packageName"], machine_env(), args.runs, factors, note=lambda text: print(f"  .. {text}", file=sys.stderr))
    print(table(HEADERS, rows))
    print(NOTE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
