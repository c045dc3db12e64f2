"""The `profile` section of bench/run: where mlexp's time goes, in figures.

- the generation split into node's start, loading the generator's modules, rendering and writing,
  and git (by difference of medians of commands run side by side);
- what importing each production dependency alone costs;
- how many module files `mlexp --help` and a generation load, per npm package;
- a V8 CPU profile of a generation (node --cpu-prof), grouped by where the sampled code lives;
- an experiment: the same generator bundled by esbuild into two files, timed against the build;
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
    bundle_experiment(b, bench)
    python_imports(b, bench)
    python_run_steps(b, bench)
    bytecode(b, bench)


def split_generation(b, bench) -> None:
    base = bench.WORK / "runs" / "profile"
    gen = [*bench.MLEXP, "--skip-install"]
    commands = {
        "node -e 0": (["node", "-e", "0"], False),
        "mlexp --help": (["node", str(bench.CLI), "--help"], False),
        "mlexp demo --skip-git": ([*gen, "--skip-git"], True),
        "mlexp demo": (gen, True),
    }
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for rep in range(b.quick_runs + 1):  # the first repetition is a warm-up
        for name in bench.rotated(list(commands), rep):
            cmd, makes = commands[name]
            m = measure(cmd, fresh_dir(base) if makes else bench.ROOT, b.env)
            if rep:
                samples[name].append(m.seconds)
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
    measure(["node", "--cpu-prof", f"--cpu-prof-dir={profiles}", str(bench.CLI), *bench.MLEXP[2:], "--skip-install"], fresh_dir(base), b.env)
    profile = next(profiles.glob("*.cpuprofile"))
    summary = json.loads(measure(["node", str(bench.BENCH / "node" / "cpuprofile-summary.mjs"), str(profile)], bench.ROOT, b.env).output)
    total = sum(summary.values())
    groups = sorted(summary.items(), key=lambda item: -item[1])
    shown = groups[:8]
    rest = sum(ms for _, ms in groups[8:])
    rows = [[name, f"{ms:.0f} ms", f"{ms / total:.0%}"] for name, ms in shown]
    rows.append([f"{len(groups) - 8} other groups", f"{rest:.0f} ms", f"{rest / total:.0%}"])
    b.emit(f"### CPU profile of one generation (`node --cpu-prof`, {total:.0f} ms sampled), by where the code lives\n")
    b.emit(table(["group", "sampled", "share"], rows))
    b.emit(f"\n(The profile is kept in bench/.work/runs/cpuprofile/{profile.name}: open it in Chrome DevTools.)\n")


# esbuild output is ES modules; the CommonJS code inside still expects these names.
BUNDLE_BANNER = (
    'import { createRequire as __cr } from "node:module"; import { fileURLToPath as __fu } from "node:url"; '
    'import { dirname as __dn } from "node:path"; const require = __cr(import.meta.url); '
    "const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);"
)


def bundle_experiment(b, bench) -> None:
    """Bundle generators/cli.js and generators/app/index.js with esbuild (into bench/.work only) and
    time `--help` and a generation against the normal build. Best effort: a failure is reported,
    not raised. Three libraries read their own package.json beside their code at run time; the
    bundle gets copies (so its .yo-rc.json key and version differ, nothing else)."""
    work = bench.WORK / "esbuild"
    out = work / "out"
    try:
        work.mkdir(parents=True, exist_ok=True)
        if not (work / "node_modules" / ".bin" / "esbuild").exists():
            # An own package.json: npm installs into the nearest folder that has one.
            (work / "package.json").write_text('{"name": "esbuild-probe", "private": true}\n')
            measure(["npm", "install", "--prefix", str(work), "--no-audit", "--no-fund", "--no-package-lock", "esbuild@0"], work, b.env)
        fresh_dir(out)
        generators = bench.PACKAGE / "generators"
        measure(
            [str(work / "node_modules" / ".bin" / "esbuild"), str(generators / "cli.js"), str(generators / "app" / "index.js"),
             "--bundle", "--platform=node", "--format=esm", "--target=node20", f"--outdir={out / 'generators'}",
             f"--outbase={generators}", f"--banner:js={BUNDLE_BANNER}", "--log-level=error"],
            work, b.env,
        )
        (out / "templates").symlink_to(bench.PACKAGE / "templates")
        # yeoman-environment (in cli.js) reads ../package.json, yeoman-generator (in app/index.js) too
        modules = bench.INSTALL / "node_modules"
        (out / "package.json").write_text((modules / "yeoman-environment" / "package.json").read_text())
        (out / "generators" / "package.json").write_text((modules / "yeoman-generator" / "package.json").read_text())
        bundled_cli = out / "generators" / "cli.js"
        kib = sum(f.stat().st_size for f in (out / "generators").rglob("*.js")) / 1024
        base = bench.WORK / "runs" / "profile"
        commands = {
            "`mlexp --help`, build": (["node", str(bench.CLI), "--help"], False),
            "`mlexp --help`, bundle": (["node", str(bundled_cli), "--help"], False),
            "generation, build": ([*bench.MLEXP, "--skip-install"], True),
            "generation, bundle": (["node", str(bundled_cli), *bench.MLEXP[2:], "--skip-install"], True),
        }
        samples: dict[str, list[float]] = {name: [] for name in commands}
        for rep in range(b.quick_runs + 1):
            for name in bench.rotated(list(commands), rep):
                cmd, makes = commands[name]
                m = measure(cmd, fresh_dir(base) if makes else bench.ROOT, b.env)
                if makes:
                    bench.must_exist(base / bench.NAME / "pyproject.toml", name)
                if rep:
                    samples[name].append(m.seconds)
    except Exception as error:  # noqa: BLE001 (an experiment: report and go on)
        b.emit(f"### Bundling experiment\n\n(skipped: {str(error).splitlines()[0][:300]})\n")
        return
    rows = []
    for what in ("`mlexp --help`", "generation"):
        build, bundle = median(samples[f"{what}, build"]), median(samples[f"{what}, bundle"])
        rows.append([what, seconds(build), seconds(bundle), f"{bundle / build:.2f}×"])
    b.emit(f"### Experiment: the generator bundled with esbuild ({kib / 1024:.1f} MB of JS in 2 files; median of {b.quick_runs})\n")
    b.emit(table(["command", "tsc build (generators/)", "esbuild bundle", "bundle / build"], rows))
    b.emit(
        "\nThe bundle lives in bench/.work/esbuild/out and is not a fix in itself (libraries that read "
        "their own package.json at run time need copies beside it); it shows what loading fewer, "
        "larger files saves.\n"
    )


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
