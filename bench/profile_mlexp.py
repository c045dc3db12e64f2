"""The `profile` section of bench/run: where mlexp's time goes, in figures.

- the generation split into node's start, loading the generator's modules, rendering and writing,
  and git (by difference of medians of commands run side by side);
- what importing each production dependency alone costs;
- how many module files `mlexp --help` and a generation load, per npm package;
- a V8 CPU profile of a generation by `mlexp` (the bundle) split by phase, and one by the unbundled
  build that `yo mlexp` runs, grouped by the package the sampled code lives in;
- the bundled `mlexp` command timed against the unbundled build it is made from;
- `python -X importtime` of the generated project's example run, per directly imported package,
  and a cProfile of it split by the steps of its `run_experiment`;
- the first against a second `pytest -q` in each green project (Python bytecode compilation).
"""

from __future__ import annotations

import json
import pstats
import re
from pathlib import Path

from lib import fresh_dir, measure, median, seconds, table


def section_profile(b, bench) -> None:
    b.emit("## Where mlexp's time goes\n")
    split_generation(b, bench)
    dependency_imports(b, bench)
    modules_loaded(b, bench)
    cpu_profile(b, bench)
    bundle_against_build(b, bench)
    python_imports(b, bench)
    python_run_steps(b, bench)
    bytecode(b, bench)


def side_by_side(b, bench, commands: dict[str, tuple[list[str], bool]]) -> dict[str, list[float]]:
    """Seconds per command: one untimed warm-up repetition, then `quick_runs` timed ones, each
    running every command once in rotating order. A command marked True generates a project, in a
    fresh folder, and is checked to have written it."""
    base = bench.WORK / "runs" / "profile"
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for rep in range(b.quick_runs + 1):
        for name in bench.rotated(list(commands), rep):
            cmd, makes = commands[name]
            m = measure(cmd, fresh_dir(base) if makes else bench.ROOT, b.env)
            if makes:
                bench.must_exist(base / bench.NAME / "pyproject.toml", name)
            if rep:
                samples[name].append(m.seconds)
    return samples


def split_generation(b, bench) -> None:
    gen = [*bench.MLEXP, "--skip-install"]
    commands = {
        "node -e 0": (["node", "-e", "0"], False),
        "mlexp --help": (["node", str(bench.CLI), "--help"], False),
        "mlexp demo --skip-git": ([*gen, "--skip-git"], True),
        "mlexp demo": (gen, True),
    }
    samples = side_by_side(b, bench, commands)
    floor, helped, no_git, full = (median(samples[name]) for name in commands)
    rows = [
        ["node start (`node -e 0`)", seconds(floor), f"{floor / full:.0%}"],
        ["load the CLI and its modules, parse options (`--help` − node start)", seconds(helped - floor), f"{(helped - floor) / full:.0%}"],
        ["load the app generator, render, write files (`--skip-git` − `--help`)", seconds(no_git - helped), f"{(no_git - helped) / full:.0%}"],
        ["git init, add, commit (default − `--skip-git`)", seconds(full - no_git), f"{(full - no_git) / full:.0%}"],
        ["**generation, defaults, no install**", seconds(full), "100%"],
    ]
    b.emit(f"### Generation, step by step (median of {b.quick_runs} each, side by side)\n")
    b.emit(table(["part", "time", "share"], rows))
    b.emit("")
    b.raw["split"] = samples


def dependency_imports(b, bench) -> None:
    deps = sorted(json.loads((bench.PACKAGE / "package.json").read_text())["dependencies"])
    targets = [*deps, "./generators/app/index.js"]
    runs = 3
    samples: dict[str, list[float]] = {t: [] for t in ["(node -e 0)", *targets]}
    for rep in range(runs + 1):
        for target in bench.rotated(list(samples), rep):
            code = "0" if target == "(node -e 0)" else f"await import({json.dumps(target)})"
            m = measure(["node", "--input-type=module", "-e", code], bench.PACKAGE, b.env)
            if rep:
                samples[target].append(m.seconds)
    floor = median(samples["(node -e 0)"])
    rows = [[f"`{t}`", seconds(median(samples[t]) - floor)] for t in sorted(targets, key=lambda t: -median(samples[t]))]
    b.emit(f"### Importing one production dependency alone (median of {runs}, node start subtracted)\n")
    b.emit(table(["import", "time"], rows))
    b.emit("\n(They share sub-dependencies, so the rows overlap; `generators/app/index.js` is the whole generator.)\n")


def modules_loaded(b, bench) -> None:
    base = bench.WORK / "runs" / "profile"
    out = bench.WORK / "runs" / "modules.json"
    hook = ["node", "--import", str(bench.BENCH / "node" / "count-modules.mjs")]
    counts = {}
    for label, cmd, cwd in (
        ("mlexp --help", [*hook, str(bench.CLI), "--help"], bench.ROOT),
        ("generation", [*hook, str(bench.CLI), *bench.MLEXP[2:], "--skip-install", "--skip-git"], fresh_dir(base)),
    ):
        measure(cmd, cwd, {**b.env, "COUNT_MODULES_OUT": str(out)})
        counts[label] = json.loads(out.read_text())
    top = sorted(counts["generation"]["perPackage"].items(), key=lambda item: -item[1])[:12]
    total = counts["generation"]["files"]
    rows = [[name, str(n), f"{n / total:.0%}"] for name, n in top]
    b.emit(
        f"### Module files loaded: {counts['mlexp --help']['files']} for `mlexp --help`, {total} for a generation "
        f"({len(counts['generation']['perPackage'])} packages); the most\n"
    )
    b.emit(table(["package", "files", "share"], rows))
    b.emit("")
    b.raw["modules"] = counts


def cpu_profile(b, bench) -> None:
    base = bench.WORK / "runs" / "profile"
    profiles = fresh_dir(bench.WORK / "runs" / "cpuprofile")
    node = bench.BENCH / "node"

    def profile_of(cli: Path, name: str) -> Path:
        folder = profiles / name
        folder.mkdir()
        measure(["node", "--cpu-prof", f"--cpu-prof-dir={folder}", str(cli), *bench.MLEXP[2:], "--skip-install"], fresh_dir(base), b.env)
        return next(folder.glob("*.cpuprofile"))

    def rows_of(summary: dict[str, float], shown: int) -> tuple[list[list[str]], float]:
        total = sum(summary.values())
        groups = sorted(summary.items(), key=lambda item: -item[1])
        rows = [[name, f"{ms:.0f} ms", f"{ms / total:.0%}"] for name, ms in groups[:shown]]
        if len(groups) > shown:
            rest = sum(ms for _, ms in groups[shown:])
            rows.append([f"{len(groups) - shown} other groups", f"{rest:.0f} ms", f"{rest / total:.0%}"])
        return rows, total

    bundled = profile_of(bench.CLI, "bundle")
    phases = json.loads(measure(["node", str(node / "cpuprofile-phases.mjs"), str(bundled)], bench.ROOT, b.env).output)
    rows, total = rows_of(phases, 12)
    b.emit(f"### CPU profile of one generation by `mlexp` (`node --cpu-prof`, {total:.0f} ms sampled), by phase\n")
    b.emit(table(["phase", "sampled", "share"], rows))
    b.emit("\n(The profiler slows the run down; the shares matter more than the times.)\n")

    unbundled = profile_of(bench.UNBUNDLED_CLI, "build")
    packages = json.loads(measure(["node", str(node / "cpuprofile-summary.mjs"), str(unbundled)], bench.ROOT, b.env).output)
    rows, total = rows_of(packages, 8)
    b.emit(f"### CPU profile of one generation by the unbundled tsc build ({total:.0f} ms sampled), by where the code lives\n")
    b.emit(table(["group", "sampled", "share"], rows))
    b.emit(f"\n(Both profiles are kept in bench/.work/runs/cpuprofile/: open them in Chrome DevTools.)\n")


def bundle_against_build(b, bench) -> None:
    """The bundled `mlexp` command (generators/cli.js) against the unbundled build it is made from
    (the checkout's build/cli/main.js: the tsc output the bundles are made from, which loads its
    dependencies from node_modules, as `yo mlexp` did before its generators were bundled too)."""
    commands = {
        "`mlexp --help`, build": (["node", str(bench.UNBUNDLED_CLI), "--help"], False),
        "`mlexp --help`, bundle": (["node", str(bench.CLI), "--help"], False),
        "generation, build": (["node", str(bench.UNBUNDLED_CLI), *bench.MLEXP[2:], "--skip-install"], True),
        "generation, bundle": ([*bench.MLEXP, "--skip-install"], True),
    }
    samples = side_by_side(b, bench, commands)
    rows = []
    for what in ("`mlexp --help`", "generation"):
        build, bundle = median(samples[f"{what}, build"]), median(samples[f"{what}, bundle"])
        rows.append([what, seconds(build), seconds(bundle), f"{bundle / build:.2f}×"])
    mib = sum(f.stat().st_size for f in bench.CLI.parent.rglob("*.js")) / 2**20
    b.emit(f"### The bundled command ({mib:.1f} MiB of bundles) against the unbundled build (median of {b.quick_runs})\n")
    b.emit(table(["command", "unbundled (build/cli/main.js)", "bundled (bin generators/cli.js)", "bundled / unbundled"], rows))
    b.emit("")
    b.raw["bundle"] = samples


def python_imports(b, bench) -> None:
    project = bench.default_project(b)
    python = str(project / ".venv" / "bin" / "python")
    m = measure([python, "-X", "importtime", "-m", bench.NAME, "run"], project, b.env)
    fit = bench.metric(m.output, "time/fit_seconds")
    lines = []
    for line in m.output.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( +)(\S+)", line)
        if match:
            lines.append((len(match.group(3)), match.group(4), int(match.group(2)) / 1e6))
    # importtime prints a module after the modules it imported, one level deeper: walking the
    # lines backwards meets each parent before its children.
    direct: dict[str, float] = {}
    total = 0.0
    ancestors: list[tuple[int, str]] = []
    for level, name, cumulative in reversed(lines):
        while ancestors and ancestors[-1][0] >= level:
            ancestors.pop()
        parent_root = ancestors[-1][1] if ancestors else None
        root = name.split(".")[0]
        if parent_root is None:
            total += cumulative
        if root != bench.NAME and (parent_root is None or parent_root == bench.NAME):
            direct[root] = direct.get(root, 0.0) + cumulative
        ancestors.append((level, root))
    top = sorted(direct.items(), key=lambda item: -item[1])[:5]
    rows = [[f"`{name}`", seconds(value), f"{value / m.seconds:.0%}"] for name, value in top]
    b.emit(
        f"### `python -X importtime -m demo run` ({seconds(m.seconds)} wall, fit {fit:.3f} s, "
        f"{seconds(total)} importing): packages the project or the interpreter import directly\n"
    )
    b.emit(table(["package (with what it imports)", "import time", "share of wall"], rows))
    b.emit("\n(importtime slows imports a little; the wall time here is above the project table's.)\n")


def python_run_steps(b, bench) -> None:
    """cProfile the example run; the time of each call `run_experiment` makes, as cProfile
    attributes it to that caller."""
    project = bench.default_project(b)
    out = bench.WORK / "runs" / "run.cprofile"
    m = measure([str(project / ".venv" / "bin" / "python"), "-m", "cProfile", "-o", str(out), "-m", bench.NAME, "run"], project, b.env)
    stats = pstats.Stats(str(out)).stats
    runner = next((key for key in stats if key[2] == "run_experiment" and key[0].endswith("experiment.py")), None)
    if runner is None:
        b.emit("(no run_experiment in the profile: the project's layout changed)\n")
        return
    whole = stats[runner][3]
    steps = []
    for (file, line, function), (_, _, _, _, callers) in stats.items():
        if runner in callers:
            steps.append((f"{Path(file).parent.name}/{Path(file).name}:{function}", callers[runner][3]))
    steps.sort(key=lambda item: -item[1])
    shown = [step for step in steps if step[1] >= 0.01 * whole]
    rows = [[f"`{name}`", seconds(t), f"{t / whole:.0%}"] for name, t in shown]
    rows.append([f"{len(steps) - len(shown)} smaller calls", seconds(sum(t for _, t in steps[len(shown):])), ""])
    b.emit(
        f"### cProfile of `python -m demo run` ({seconds(m.seconds)} wall under the profiler): what "
        f"`run_experiment` ({seconds(whole)}) spends its time in\n"
    )
    b.emit(table(["call made by run_experiment (file:function)", "time, with what it calls", "share"], rows))
    b.emit(
        "\n(Lazy imports are inside these calls: building the model imports scikit-learn, opening "
        "the MLflow run imports its SQL store. contextlib `__enter__`/`__exit__` are the tracker "
        "run's start and end.)\n"
    )


def bytecode(b, bench) -> None:
    base = bench.WORK / "runs" / "green"
    tools = {"mlexp, venv + pip": [".venv/bin/pytest", "-q"], "mlexp, uv": ["uv", "run", "pytest", "-q"], "mlexp, poetry": ["poetry", "run", "pytest", "-q"]}
    rows = []
    for tool, cmd in tools.items():
        project = base / bench.slug(tool) / bench.NAME
        first = b.samples.get("green", {}).get(f"{tool}/tests")
        if not first or not (project / ".venv").exists():
            continue
        again = measure(cmd, project, b.env).seconds
        rows.append([tool, seconds(median(first)), seconds(again)])
    if rows:
        b.emit("### Tests in a new project: first run against the next ones\n")
        b.emit(table(["project", "first `pytest -q` (median, green table)", "next run"], rows))
        b.emit(
            "\npip compiles every installed module to bytecode while installing; uv and Poetry 2 do not by "
            "default, so the first import of mlflow, scikit-learn, pandas… compiles them during the first test run.\n"
        )
