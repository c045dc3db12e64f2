"""The evaluation flow of two generated projects side by side: wall time and the logged metrics.

    python3 bench/evaluation_ab.py OLD_PROJECT NEW_PROJECT [--factor 1000] [--rounds 3] [--repeats 5]

Both projects must be default projects (the breast-cancer example), installed, made from two
versions of the templates. In each project's own `.venv`, the example data repeated `--factor`
times is split 3:1 in order, the default pipeline (scaling, logistic regression) is fitted once,
and `evaluate_model` runs `--repeats` times on the test part: the default config's evaluation
(1,000 resamples, slices by `mean radius`, seed 0), without figures or a tracker. The same is done
for the regression example (diabetes, ridge, slices by `age`). The projects alternate for
`--rounds` rounds, so a change in the machine's load reaches both.

It prints the median wall time of an evaluation per project and task, and whether the two
projects' metrics (every `test/` and `slice/` figure and interval) are the same bit for bit.
A script that prints figures, not a test. Standard library only; the work runs in the projects.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

from lib import table

INNER = r"""
import json, sys, time
import pandas as pd
from importlib import import_module
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

package, factor, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
evaluate_model = import_module(f"{package}.plumbing.evaluation").evaluate_model
tasks = {
    "classification": (load_breast_cancer, "mean radius",
                       lambda: make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))),
    "regression": (load_diabetes, "age", Ridge),
}
out = {}
for task, (load, column, model) in tasks.items():
    evaluator = import_module(f"{package}.plumbing.registry").EVALUATORS.build(task, {})
    X, y = load(return_X_y=True, as_frame=True)
    X = pd.concat([X] * factor, ignore_index=True)
    y = pd.concat([y] * factor, ignore_index=True)
    cut = len(X) * 3 // 4
    fitted = model().fit(X[:cut], y[:cut])
    X_test, y_test = X[cut:].reset_index(drop=True), y[cut:].reset_index(drop=True)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = evaluate_model(evaluator, fitted, X_test, y_test, slice_by=[column])
        times.append(time.perf_counter() - started)
    out[task] = {"rows": len(X_test), "times": times, "metrics": result.metrics}
print(json.dumps(out))
"""


def package_of(project: Path) -> str:
    return json.loads((project / ".yo-rc.json").read_text())["generator-mlexp"]["packageName"]


def evaluate(project: Path, factor: int, repeats: int) -> dict:
    python = project / ".venv" / "bin" / "python"
    if not python.exists():
        sys.exit(f"evaluation_ab: no {python}: install the project first")
    command = [str(python), "-c", INNER, package_of(project), str(factor), str(repeats)]
    done = subprocess.run(command, cwd=project, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"evaluation_ab: the evaluation failed in {project}:\n{done.stderr}")
    return json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench/evaluation_ab.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--factor", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    times: dict[tuple[str, str], list[float]] = {}
    metrics: dict[str, dict] = {}
    rows_by_task: dict[str, int] = {}
    for round_number in range(1, args.rounds + 1):
        for side, project in (("old", args.old.resolve()), ("new", args.new.resolve())):
            print(f"  .. round {round_number}/{args.rounds}: {side} ({project})", file=sys.stderr)
            for task, result in evaluate(project, args.factor, args.repeats).items():
                times.setdefault((side, task), []).extend(result["times"])
                metrics.setdefault(side, {})[task] = result["metrics"]
                rows_by_task[task] = result["rows"]

    rows = []
    for task, test_rows in rows_by_task.items():
        old, new = (statistics.median(times[(side, task)]) for side in ("old", "new"))
        same = metrics["old"][task] == metrics["new"][task]
        count = len(metrics["new"][task])
        rows.append([task, f"{test_rows:,}", f"{old:.2f} s", f"{new:.2f} s", f"{new / old:.2f}×", f"{'yes' if same else 'NO'} ({count})"])
    headers = ["task", "test rows", "old", "new", "new ÷ old", "same metrics (count)"]
    print(table(headers, rows))
    print(f"\nMedian wall time of one `evaluate_model`, {args.rounds} alternated rounds × {args.repeats} evaluations per project, data ×{args.factor}.")
    return 0 if all(row[-1].startswith("yes") for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
