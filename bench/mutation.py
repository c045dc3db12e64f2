"""Mutation score of the generated project: python3 bench/mutation.py [options], from the repo root.

Generates a fresh default project (`mlexp demo --yes --python 3.11 --env-tool uv`) into
bench/.work/mutation/, lets uv install it, installs mutmut into the project's own venv (not into
its dependencies), and runs mutmut over four modules with the project's own test suite:

    src/demo/plumbing/evaluation.py  src/demo/evaluators/metrics.py
    src/demo/plumbing/reproduce.py  src/demo/plumbing/config.py

`--also evaluators/classification.py` (repeatable) mutates more modules of src/demo/ in the same
run; the score of the four stays comparable across runs, per module in the table.

It prints killed / survived / timeout counts and the score per module, and the surviving mutants.
Everything it writes stays in bench/.work/mutation/ (ignored by git): the project, mutmut's log
(`mutmut.log`), the surviving mutants' diffs (`survivors.diff`) and the figures (`summary.json`).
`mutmut browse` / `mutmut show <name>` in bench/.work/mutation/demo/ show any mutant afterwards.

Score = (killed + timeout) / all mutants; a mutant that no test reaches counts against it.

Needs Node >= 20.17, uv on PATH (or bench/.work/bin/uv, which bench/run installs), Python 3.11
findable by uv, and the PyPI registry. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / ".work"
HOME = WORK / "mutation"
CLI = ROOT / "generators" / "cli.js"
NAME = "demo"
MUTMUT = "mutmut==3.8.1"
MODULES = (
    "plumbing/evaluation.py",
    "evaluators/metrics.py",
    "plumbing/reproduce.py",
    "plumbing/config.py",
)

# Tests left out of the mutation run, and why. None of them can kill a mutant of the four modules:
# - The first starts a second sweep worker, a forked process running the mutated package.
#   mutmut's per-test stats are collected in its own process, so the child's calls are never
#   attributed to a test, and a child that ends with os._exit leaves mutmut's bookkeeping
#   half-written. (`python -m demo` and the joining sweep now run in the test's own process.)
# - The second imports a throw-away package `plugins_pkg` that stays in sys.modules; mutmut runs
#   the suite twice in one process (stats, then the clean run), and the second time the test sees
#   the first run's module and fails. It tests the registry, not the four modules.
# - The last two run the CLI in a child interpreter (to signal it mid-run). Under mutmut that
#   child imports the mutated package, finds no mutmut settings in the test's scratch folder and
#   fails; what they check in the test's own process (interrupted runs ending KILLED, compare)
#   is outside the four modules.
DESELECTED = (
    "tests/test_sweep.py::test_two_worker_sweep_logs_children_and_parent_summary",
    "tests/test_registry.py::test_new_module_in_package_is_discovered",
    "tests/test_interrupts.py::test_signals_end_runs_killed_and_compare_ranks_finished_runs_only",
    "tests/test_sweep.py::test_sigterm_stops_a_sweep_and_its_workers_with_every_trial_run_killed",
)

# Reads mutmut's per-file results with mutmut's own exit-code table, in the project's venv.
READ_RESULTS = """
import json, sys
from mutmut.stats import status_by_exit_code
out = {}
for path in sys.argv[1:]:
    with open("mutants/" + path + ".meta") as f:
        codes = json.load(f)["exit_code_by_key"]
    out[path] = {key: status_by_exit_code[code] for key, code in codes.items()}
print(json.dumps(out))
"""


def say(message: str) -> None:
    print(f"mutation: {message}", file=sys.stderr, flush=True)


def check(cmd: list[str], cwd: Path, env: dict[str, str], log: Path | None = None) -> str:
    """Run cmd; return its output, or stop with its last lines if it fails."""
    if log is None:
        result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
        output = result.stdout + result.stderr
    else:
        with log.open("w") as sink:
            result = subprocess.run(cmd, cwd=cwd, env=env, stdout=sink, stderr=subprocess.STDOUT)
        output = log.read_text(errors="replace")
    if result.returncode != 0:
        tail = "\n".join(output.replace("\r", "\n").splitlines()[-40:])
        sys.exit(f"mutation: `{' '.join(cmd)}` failed with exit {result.returncode}:\n{tail}")
    return output


def find_uv() -> str:
    uv = shutil.which("uv") or (str(WORK / "bin" / "uv") if (WORK / "bin" / "uv").exists() else None)
    if uv is None:
        sys.exit("mutation: uv is not on PATH (bench/run installs one in bench/.work/bin)")
    return uv


def mutmut_config(modules: tuple[str, ...]) -> str:
    """The [mutmut] section written to the scratch project's setup.cfg (pyproject stays as is)."""
    lines = ["[mutmut]", "source_paths = src", "only_mutate ="]
    lines += [f"    src/{NAME}/{module}" for module in modules]
    # what the tests read beside the package: configs, the Dockerfile's and .env's files
    also_copy = ["configs", "Dockerfile", ".dockerignore", "README.md", ".gitignore", ".env.example"]
    lines += ["also_copy =", *(f"    {path}" for path in also_copy), "pytest_add_cli_args ="]
    lines += [f"    --deselect={test}" for test in DESELECTED]
    return "\n".join(lines) + "\n"


def summarise(statuses: dict[str, dict[str, str]]) -> tuple[list[dict], list[str]]:
    rows, survivors = [], []
    for path, by_mutant in statuses.items():
        counts: dict[str, int] = {}
        for status in by_mutant.values():
            counts[status] = counts.get(status, 0) + 1
        killed, timeout = counts.pop("killed", 0), counts.pop("timeout", 0)
        survived, total = counts.pop("survived", 0), len(by_mutant)
        rows.append(
            {
                "module": path.removeprefix(f"src/{NAME}/"),
                "mutants": total,
                "killed": killed,
                "survived": survived,
                "timeout": timeout,
                "other": counts,  # no tests, suspicious, segfault, ...: all count as undetected
                "score": (killed + timeout) / total if total else 1.0,
            }
        )
        survivors += sorted(k for k, s in by_mutant.items() if s not in ("killed", "timeout"))
    return rows, survivors


def table(rows: list[dict]) -> str:
    header = "| module | mutants | killed | survived | timeout | other | score |"
    lines = [header, "|---|---:|---:|---:|---:|---:|---:|"]
    totals = {"mutants": 0, "killed": 0, "survived": 0, "timeout": 0, "other": 0}
    for row in rows:
        other = sum(row["other"].values())
        lines.append(
            f"| {row['module']} | {row['mutants']} | {row['killed']} | {row['survived']} "
            f"| {row['timeout']} | {other} | {row['score']:.1%} |"
        )
        for key in ("mutants", "killed", "survived", "timeout"):
            totals[key] += row[key]
        totals["other"] += other
    detected = totals["killed"] + totals["timeout"]
    score = detected / totals["mutants"] if totals["mutants"] else 1.0
    lines.append(
        f"| **all** | {totals['mutants']} | {totals['killed']} | {totals['survived']} "
        f"| {totals['timeout']} | {totals['other']} | **{score:.1%}** |"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tracker", help="generate with --tracker TRACKER (default: mlexp's)")
    parser.add_argument("--max-children", type=int, help="parallel mutant workers (default: CPUs)")
    parser.add_argument("--build", action="store_true", help="npm run build first")
    parser.add_argument(
        "--also",
        action="append",
        default=[],
        metavar="MODULE",
        help="mutate this module of src/demo/ too (e.g. evaluators/classification.py); repeatable",
    )
    args = parser.parse_args()
    modules = MODULES + tuple(module for module in args.also if module not in MODULES)

    started = time.perf_counter()
    env = {
        **os.environ,
        "GIT_CEILING_DIRECTORIES": str(WORK),  # the project must not see this repository
        "UV_PYTHON_DOWNLOADS": os.environ.get("UV_PYTHON_DOWNLOADS", "never"),
        "NO_UPDATE_NOTIFIER": "1",
    }
    uv = find_uv()
    env["PATH"] = os.pathsep.join([str(Path(uv).parent), env.get("PATH", "")])
    if args.build or not CLI.exists():
        say("building the generator (npm run build)")
        check(["npm", "run", "build", "--silent"], ROOT, env)

    if HOME.exists():
        shutil.rmtree(HOME)
    HOME.mkdir(parents=True)
    project = HOME / NAME
    command = ["node", str(CLI), NAME, "--yes", "--python", "3.11", "--env-tool", "uv"]
    if args.tracker:
        command += ["--tracker", args.tracker]
    say(f"generating and installing {project.relative_to(ROOT)}: {' '.join(command[2:])}")
    check(command, HOME, env, HOME / "generate.log")
    python = project / ".venv" / "bin" / "python"
    if not python.exists():
        sys.exit(f"mutation: no {python}: did the install step run? See {HOME / 'generate.log'}")

    say(f"installing {MUTMUT} into the project's venv")
    check([uv, "pip", "install", "--quiet", "--python", str(python), MUTMUT], project, env)
    (project / "setup.cfg").write_text(mutmut_config(modules))
    collected = check([str(python), "-m", "pytest", "--collect-only", "-q"], project, env)
    missing = [test for test in DESELECTED if test not in collected]
    if missing:
        sys.exit(f"mutation: tests to deselect no longer exist: {missing}; update DESELECTED")

    say("running mutmut (progress in bench/.work/mutation/mutmut.log)")
    mutmut = [str(project / ".venv" / "bin" / "mutmut"), "run"]
    if args.max_children:
        mutmut += ["--max-children", str(args.max_children)]
    mutation_started = time.perf_counter()
    check(mutmut, project, env, HOME / "mutmut.log")
    mutation_seconds = time.perf_counter() - mutation_started

    paths = [f"src/{NAME}/{module}" for module in modules]
    statuses = json.loads(check([str(python), "-c", READ_RESULTS, *paths], project, env))
    rows, survivors = summarise(statuses)
    diffs = [check([str(project / ".venv/bin/mutmut"), "show", s], project, env) for s in survivors]
    (HOME / "survivors.diff").write_text("\n".join(diffs))
    total_seconds = time.perf_counter() - started
    date = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    summary = {
        "date": date,
        "mutmut": MUTMUT,
        "tracker": args.tracker or "default",
        "deselected": list(DESELECTED),
        "modules": rows,
        "survivors": survivors,
        "mutmut_seconds": round(mutation_seconds, 1),
        "total_seconds": round(total_seconds, 1),
    }
    (HOME / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")

    print(f"## Mutation score, {date} ({MUTMUT}, {os.cpu_count()} CPUs)\n")
    print(table(rows))
    print(f"\nmutmut run: {mutation_seconds / 60:.1f} min; everything: {total_seconds / 60:.1f} min")
    print(f"\nSurviving mutants ({len(survivors)}; diffs in bench/.work/mutation/survivors.diff):")
    for name in survivors:
        print(f"- {name}: {statuses_of(statuses, name)}")


def statuses_of(statuses: dict[str, dict[str, str]], name: str) -> str:
    return next(by_mutant[name] for by_mutant in statuses.values() if name in by_mutant)


if __name__ == "__main__":
    main()
