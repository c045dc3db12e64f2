"""The body of bench/run: measures generator-mlexp against cookiecutter-data-science (`ccds`) and
prints Markdown tables of medians, each with its ratio to ccds where ccds has a counterpart.

Sections (all by default; pick some with --only):
  generate   project generation with defaults, no install: mlexp, yo mlexp, ccds
  green      time to green, warm caches: generate, environment, install, tests (venv, uv, Poetry; ccds)
  project    the default generated project: pytest, `python -m demo run`, peak memory
  scale      the default project's run on its example data repeated 1x to 1,000x: wall, memory, phases
  generator  installed size of the production dependencies, cold start (`--help`)
  profile    where mlexp's time goes: startup split, modules loaded, CPU profile, Python imports

The generator measured is this checkout as npm would publish it: packed (`npm pack`) and installed
with its production dependencies into bench/.work/mlexp at the start, so that edits made to the
checkout while the benchmark runs do not change what it measures. Every repetition runs each tool
once, in an order rotated per repetition, so that slow drifts of the machine hit every tool alike.
Run it through bench/run, which installs the tools and builds the generator first.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path

import scale
from deps import dominated_subtrees
from lib import (
    StepFailed,
    count_files,
    du_kib,
    fresh_dir,
    measure,
    mebibytes,
    median,
    ratio,
    run,
    seconds,
    spread,
    table,
)

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / ".work"
INSTALL = WORK / "mlexp"  # the packed generator, installed for production
PACKAGE = INSTALL / "node_modules" / "generator-mlexp"
CLI = PACKAGE / "generators" / "cli.js"  # the bundled `mlexp` command
UNBUNDLED_CLI = ROOT / "build" / "cli" / "main.js"  # the checkout's tsc build, which the bundles are made from
YO = ROOT / "node_modules" / ".bin" / "yo"
PYTHON = "3.11"  # the only Python on the benchmark machine; mlexp's default is 3.12
NAME = "demo"  # the generated project's name, so its package is `demo`
SECTIONS = ["generate", "green", "project", "scale", "generator", "profile"]

# mlexp's own command: defaults but for the Python version.
MLEXP = ["node", str(CLI), NAME, "--yes", "--python", PYTHON]
# This machine's PyPI mirror serves the simple index but not the per-version JSON API that
# Poetry's default source reads: each Poetry project is pointed at the simple index first.
POETRY_SOURCE = ["poetry", "source", "add", "--priority=primary", "pypi-simple", "https://pypi.org/simple/"]


class Bench:
    """Paths, environment and options shared by the sections; collects their tables."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.runs: int = args.runs
        self.quick_runs: int = args.quick_runs
        self.template = Path(args.ccds_template).resolve()
        self.ccds = WORK / "bin" / "ccds"
        self.kedro = WORK / "bin" / "kedro"
        self.env = machine_env()
        self.yo_home = WORK / "yo-home"
        self.report: list[str] = []
        self.raw: dict[str, object] = {}
        self.samples: dict[str, dict[str, list[float]]] = {}
        self.failures: list[str] = []

    def emit(self, text: str = "") -> None:
        print(text, flush=True)
        self.report.append(text)

    def note(self, text: str) -> None:
        """Progress on stderr: not part of the report."""
        print(f"  .. {text}", file=sys.stderr, flush=True)

    def ccds_cmd(self) -> list[str]:
        # A local copy of the template: ccds's default clones it from GitHub on every run.
        return [str(self.ccds), str(self.template), "--no-input", f"python_version_number={PYTHON}"]

    def yo_folder(self, path: Path) -> Path:
        """A folder yo can run in as root: world-writable (yo drops root for another user) and with
        the generator linked into node_modules, where yo looks it up."""
        fresh_dir(path, 0o777)
        (path / "node_modules").mkdir()
        (path / "node_modules" / "generator-mlexp").symlink_to(PACKAGE)
        return path

    def yo_env(self) -> dict[str, str]:
        self.yo_home.mkdir(parents=True, exist_ok=True)
        self.yo_home.chmod(0o777)
        return {**self.env, "HOME": str(self.yo_home), "NO_UPDATE_NOTIFIER": "1"}

    def record(self, section: str, key: str, value: float) -> None:
        self.samples.setdefault(section, {}).setdefault(key, []).append(value)


def machine_env() -> dict[str, str]:
    """This process's environment (which holds the machine's registry settings), with the
    benchmark's tools on PATH, its own package caches, and nothing that would steer a project."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", "CONDA_"))}
    for key in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE", "PYTHONHOME"):
        env.pop(key, None)
    cache = WORK / "cache"
    env.update(
        PATH=f"{WORK / 'bin'}:{env['PATH']}",
        PIP_CACHE_DIR=str(cache / "pip"),
        UV_CACHE_DIR=str(cache / "uv"),
        POETRY_CACHE_DIR=str(cache / "poetry"),
        npm_config_cache=str(cache / "npm"),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        UV_PYTHON_DOWNLOADS="never",
        POETRY_VIRTUALENVS_IN_PROJECT="true",
        NO_UPDATE_NOTIFIER="1",
        # The scratch projects live inside this repository's work tree (bench/.work/runs). git
        # must not see that repository from them: mlexp would skip `git init` and its commit.
        GIT_CEILING_DIRECTORIES=str(WORK),
    )
    return env


def rotated(items: list, rep: int) -> list:
    shift = rep % len(items)
    return items[shift:] + items[:shift]


def must_exist(path: Path, what: str) -> None:
    if not path.exists():
        raise StepFailed(f"{what}: {path} was not created")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def install_snapshot(b: Bench) -> dict:
    """`npm pack` the checkout and install the tarball for production into bench/.work/mlexp."""
    packs = fresh_dir(WORK / "pack")
    pack = json.loads(run(["npm", "pack", "--json", "--pack-destination", str(packs)], ROOT, b.env))[0]
    fresh_dir(INSTALL)
    # An own package.json: npm installs into the nearest folder that has one, which would
    # otherwise be the repository itself.
    (INSTALL / "package.json").write_text('{"name": "mlexp-bench-install", "private": true}\n')
    run(["npm", "install", "--prefix", str(INSTALL), "--omit=dev", "--no-audit", "--no-fund", "--no-package-lock", str(packs / pack["filename"])], INSTALL, b.env)
    must_exist(CLI, "npm install of the packed generator")
    return pack


# ================================================================================================
# generate: defaults, no install
# ================================================================================================
def section_generate(b: Bench) -> None:
    b.emit(f"## Generation, defaults, no install (median of {b.quick_runs}; fresh folder each time)\n")
    base = WORK / "runs" / "generate"
    tools = {
        "mlexp": lambda d: measure([*MLEXP, "--skip-install"], fresh_dir(d), b.env),
        "yo mlexp": lambda d: measure([str(YO), "mlexp", NAME, "--yes", "--python", PYTHON, "--skip-install"], b.yo_folder(d), b.yo_env()),
        "ccds --no-input": lambda d: measure(b.ccds_cmd(), fresh_dir(d), b.env),
    }
    made = {"mlexp": f"{NAME}/pyproject.toml", "yo mlexp": f"{NAME}/pyproject.toml", "ccds --no-input": "project_name/pyproject.toml"}
    for name, step in tools.items():  # untimed warm-up: file system cache, .pyc files
        step(base / "warmup")
        must_exist(base / "warmup" / made[name], name)
    for rep in range(b.quick_runs):
        for name in rotated(list(tools), rep):
            m = tools[name](base / f"{slug(name)}-{rep}")
            b.record("generate", name, m.seconds)
            b.record("generate", f"{name} rss", m.peak_rss_kib)
        b.note(f"generate: repetition {rep + 1}/{b.quick_runs}")
    shutil.rmtree(base)
    s = b.samples["generate"]
    ref = median(s["ccds --no-input"])
    rows = [
        [name, seconds(median(s[name])), spread(s[name]), ratio(median(s[name]), ref), mebibytes(median(s[f"{name} rss"]))]
        for name in tools
    ]
    b.emit(table(["command", "median", "min–max (s)", "vs ccds", "peak RSS"], rows))
    b.emit(
        "\nmlexp and yo mlexp: `demo --yes --skip-install --python 3.11` (defaults otherwise, so they also "
        "`git init` and commit). ccds: `ccds <local template> --no-input python_version_number=3.11`.\n"
    )


# ================================================================================================
# green: generate → environment → install → tests pass, warm caches
# ================================================================================================
def green_flows(b: Bench) -> dict[str, list[tuple[str, list[list[str]]]]]:
    """Per tool, its steps in order: (step, commands run from the project folder or, for
    `generate`, from the folder the project is created in). mlexp's are the commands its own
    install step runs for each env tool (src/lib/env-tools.ts), run one by one so that each step is
    timed, and because Poetry needs one more command on this machine (POETRY_SOURCE)."""
    venv_python = ".venv/bin/python"
    return {
        # The default: with uv on PATH (it is, in the benchmark), mlexp's install step creates
        # .venv and installs with `uv pip` (src/lib/env-tools.ts, venv's fastInstall).
        "mlexp, venv (uv on PATH)": [
            ("generate", [[*MLEXP, "--skip-install"]]),
            ("environment", [["uv", "venv", "--quiet", "--seed", "--python", f"python{PYTHON}", ".venv"]]),
            ("install", [["uv", "pip", "install", "--python", venv_python, "-r", "requirements-dev.txt", "-e", "."]]),
            ("tests", [[".venv/bin/pytest", "-q"]]),
        ],
        # ... and its fallback when uv is absent.
        "mlexp, venv + pip": [
            ("generate", [[*MLEXP, "--skip-install"]]),
            ("environment", [[f"python{PYTHON}", "-m", "venv", ".venv"]]),
            ("install", [[venv_python, "-m", "pip", "install", "-r", "requirements-dev.txt", "-e", "."]]),
            ("tests", [[".venv/bin/pytest", "-q"]]),
        ],
        "mlexp, uv": [
            ("generate", [[*MLEXP, "--skip-install", "--env-tool", "uv"]]),
            ("install", [["uv", "sync"]]),  # creates the environment, locks and installs
            ("tests", [["uv", "run", "pytest", "-q"]]),
        ],
        "mlexp, poetry": [
            ("generate", [[*MLEXP, "--skip-install", "--env-tool", "poetry"]]),
            ("environment", [POETRY_SOURCE, ["poetry", "env", "use", f"python{PYTHON}"]]),
            ("install", [["poetry", "install"]]),  # locks, then installs
            ("tests", [["poetry", "run", "pytest", "-q"]]),
        ],
        # ccds's defaults: virtualenv + requirements.txt, no test framework. Its Makefile's
        # `create_environment` needs virtualenvwrapper; a plain venv stands in for it. Its
        # `requirements` target upgrades pip, then installs requirements.txt (which ends in -e .).
        "ccds": [
            ("generate", [b.ccds_cmd()]),
            ("environment", [[f"python{PYTHON}", "-m", "venv", ".venv"]]),
            ("install", [["make", "requirements", f"PYTHON_INTERPRETER={venv_python}"]]),
        ],
        # Kedro's own project template, from its package (no network), with its test tool. Its
        # README says `pip install -r requirements.txt`, then `pytest`; pytest is in the `dev`
        # extra. DO_NOT_TRACK stops kedro-telemetry's network call.
        "kedro": [
            ("generate", [["env", "DO_NOT_TRACK=1", str(b.kedro), "new", "--name", NAME, "--tools", "test", "--example", "n"]]),
            ("environment", [[f"python{PYTHON}", "-m", "venv", ".venv"]]),
            ("install", [[venv_python, "-m", "pip", "install", "-r", "requirements.txt", "-e", ".[dev]"]]),
            ("tests", [["env", "DO_NOT_TRACK=1", ".venv/bin/pytest", "-q"]]),
        ],
    }


def floor_run(b: Bench, project: Path, python: str) -> float:
    """Wall seconds of bench/floor.py in `project` with its `python`, the floor's store already made."""
    command = [str(project / python), str(BENCH / "floor.py")]
    if not (project / "floor.db").exists():
        measure(command, project, b.env)  # untimed: creates floor.db, as `run` again finds mlflow.db
    return measure(command, project, b.env).seconds


def run_flow(b: Bench, tool: str, steps, folder: Path) -> dict[str, float]:
    fresh_dir(folder)
    project = folder / ("project_name" if tool == "ccds" else NAME)
    times: dict[str, float] = {}
    for step, commands in steps:
        cwd = folder if step == "generate" else project
        times[step] = 0.0
        for cmd in commands:
            m = measure(cmd, cwd, b.env)
            times[step] += m.seconds
            if step == "tests" and (not re.search(r"\d+ passed", m.output) or re.search(r"\d+ failed", m.output)):
                raise StepFailed(f"{tool}: tests did not pass:\n{m.output[-2000:]}")
    return times


def section_green(b: Bench) -> None:
    b.emit(f"## Time to green, warm package caches (median of {b.runs}; a fresh project each time)\n")
    flows = green_flows(b)
    base = WORK / "runs" / "green"
    failures: dict[str, str] = {}
    for tool, steps in flows.items():
        b.note(f"green: untimed warm-up of {tool}")
        try:
            run_flow(b, tool, steps, base / slug(tool))
        except StepFailed as error:
            failures[tool] = str(error)
    working = [tool for tool in flows if tool not in failures]
    for rep in range(b.runs):
        for tool in rotated(working, rep) if working else []:
            try:
                times = run_flow(b, tool, flows[tool], base / slug(tool))
            except StepFailed as error:
                failures[tool] = str(error)
                b.note(f"green: {tool} failed: {str(error).splitlines()[0]}")
                continue
            for step, value in times.items():
                b.record("green", f"{tool}/{step}", value)
            b.record("green", f"{tool}/total", sum(times.values()))
            if tool == "mlexp, uv":  # the floor, in the environment that was just made
                b.record("green", "floor", floor_run(b, base / slug(tool) / NAME, ".venv/bin/python"))
            b.note(f"green: repetition {rep + 1}/{b.runs}, {tool}: {sum(times.values()):.1f} s")
    s = b.samples.get("green", {})
    ref = median(s.get("ccds/total", []))
    rows = []
    for tool in flows:
        totals = s.get(f"{tool}/total", [])
        step = lambda name: seconds(median(s.get(f"{tool}/{name}", [])))  # noqa: E731
        tests = "no tests" if tool == "ccds" else step("tests")
        packages, kib = environment_footprint(base / slug(tool))
        rows.append([tool, step("generate"), step("environment"), step("install"), tests, seconds(median(totals)),
                     spread(totals), ratio(median(totals), ref), str(packages), mebibytes(kib)])
    b.emit(table(["tool", "generate", "environment", "install", "tests", "total", "min–max (s)", "vs ccds", "packages installed", ".venv size"], rows))
    floor = median(s.get("floor", []))
    if floor:
        b.emit(
            f"\nThe floor script (bench/floor.py, one hand-written tracked run) in the same repetitions: "
            f"{seconds(floor)} ({spread(s['floor'])}). mlexp with uv: "
            f"{ratio(median(s.get('mlexp, uv/total', [])), floor)} of it; "
            f"its tests alone: {ratio(median(s.get('mlexp, uv/tests', [])), floor)}."
        )
    b.emit(
        "\nenvironment: `python3.11 -m venv .venv`; for Poetry also `poetry source add` (this machine only) and "
        "`poetry env use`; uv creates it inside `uv sync`. install: `pip install -r requirements-dev.txt -e .`, "
        "`uv sync` (locks too), `poetry install` (locks too); ccds: `make requirements` (upgrades pip, then "
        "`pip install -r requirements.txt`). tests: `pytest -q` in the environment, first run in the new "
        "project. ccds's default project has no test framework, so it has no tests to run: its total stops "
        "after the install. Packages: distributions in the .venv, pip included. .venv size: `du`; uv's "
        "files are hard links into its cache.\n"
    )
    for tool, error in failures.items():
        b.failures.append(f"green: {tool}")
        b.emit(f"**{tool} failed** (its figures are from the repetitions that passed, if any):\n\n```\n{error[-1500:]}\n```\n")


def environment_footprint(folder: Path) -> tuple[str, int | None]:
    """Distributions installed in the project's .venv (pip included) and its disk usage."""
    venv = next(folder.glob("*/.venv"), None)
    site = next((venv / "lib").glob("python*/site-packages"), None) if venv else None
    if site is None:
        return "—", None
    return str(len(list(site.glob("*.dist-info")))), du_kib(venv)


# ================================================================================================
# project: the default generated project (venv)
# ================================================================================================
def default_project(b: Bench) -> Path:
    """The default mlexp project, installed as mlexp does with uv on PATH: the one `green` left,
    else a new one."""
    flow = "mlexp, venv (uv on PATH)"
    folder = WORK / "runs" / "green" / slug(flow)
    project = folder / NAME
    if not b.samples.get("green", {}).get(f"{flow}/total"):  # not made by this run
        b.note("project: generating and installing the default project")
        run_flow(b, flow, green_flows(b)[flow], folder)
    return project


def metric(output: str, name: str) -> float:
    match = re.search(rf"{re.escape(name)}\s+([0-9.]+)", output)
    if not match:
        raise StepFailed(f"no {name} line in the run's output:\n{output[-2000:]}")
    return float(match.group(1))


def fresh_tracking(project: Path) -> None:
    """Remove what the embedded MLflow tracker wrote, so the next run starts it from scratch."""
    for name in ("mlflow.db", "mlartifacts", "mlruns"):
        path = project / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def section_project(b: Bench) -> None:
    b.emit(f"## The generated project: default mlexp project, venv made with uv (median of {b.runs})\n")
    project = default_project(b)
    python = str(project / ".venv" / "bin" / "python")
    tests = [str(project / ".venv" / "bin" / "pytest"), "-q"]
    experiment = [python, "-m", NAME, "run"]
    measure(experiment, project, b.env)  # untimed warm-up (the first imports compile the bytecode)
    measure(tests, project, b.env)  # ... and pytest's cache of the migrated MLflow store

    def run_tests() -> None:
        m = measure(tests, project, b.env)
        b.record("project", "tests/wall", m.seconds)
        b.record("project", "tests/rss", m.peak_rss_kib)

    def run_experiment(label: str, first: bool) -> None:
        if first:
            fresh_tracking(project)
        m = measure(experiment, project, b.env)
        fit, inside = metric(m.output, "time/fit_seconds"), metric(m.output, "time/run_seconds")
        for key, value in (("wall", m.seconds), ("fit", fit), ("run", inside), ("rss", m.peak_rss_kib)):
            b.record("project", f"{label}/{key}", value)

    def run_floor() -> None:
        b.record("project", "floor/wall", floor_run(b, project, ".venv/bin/python"))

    kinds = {
        "tests": run_tests,
        "floor": run_floor,
        "first": lambda: run_experiment("first", True),
        "again": lambda: run_experiment("again", False),
    }
    for rep in range(b.runs):
        for kind in rotated(["tests", "floor", "first"], rep) + ["again"]:  # `again` must follow `first`
            kinds[kind]()
        b.note(f"project: repetition {rep + 1}/{b.runs}")
    s = b.samples["project"]
    m = lambda key: median(s[key])  # noqa: E731
    floor = m("floor/wall")
    rows = [
        ["bench/floor.py (the floor: one hand-written tracked run)", seconds(floor), spread(s["floor/wall"]), "1.00×", "—", "—", "—", "—"],
        ["`pytest -q` (whole suite)", seconds(m("tests/wall")), spread(s["tests/wall"]), ratio(m("tests/wall"), floor), "—", "—", "—", mebibytes(m("tests/rss"))],
    ]
    for label, text in (("first", "`python -m demo run`, first run (creates mlflow.db)"), ("again", "`python -m demo run`, again (mlflow.db exists)")):
        wall, fit, inside = m(f"{label}/wall"), m(f"{label}/fit"), m(f"{label}/run")
        rows.append([text, seconds(wall), spread(s[f"{label}/wall"]), ratio(wall, floor), f"{fit:.3f} s", seconds(wall - fit), seconds(inside - fit), mebibytes(m(f"{label}/rss"))])
    b.emit(table(["command", "wall", "min–max (s)", "vs floor", "fit", "outside fit", "of which inside the run", "peak RSS"], rows))
    b.emit(
        "\nfit: the run's `time/fit_seconds`; outside fit: wall − fit; of which inside the run: "
        "`time/run_seconds` − fit (tracker start, model building, evaluation, logging); the rest is "
        "interpreter start, top-level imports and exit. Peak RSS: the process's maximum resident set "
        "(wait4). ccds's default project has neither tests nor an experiment to run: no ratio.\n"
    )


# ================================================================================================
# generator: installed size, cold start
# ================================================================================================
def section_generator(b: Bench, pack: dict) -> None:
    b.emit("## The generator itself\n")
    # mlexp: the snapshot installed at the start (`npm install --omit=dev <tarball>`).
    modules = INSTALL / "node_modules"
    mlexp_kib, mlexp_files = du_kib(modules), count_files(modules)
    subtrees = dominated_subtrees(INSTALL, json.loads((INSTALL / "package.json").read_text()))
    mlexp_packages = next(n for name, n, _ in subtrees if name == "generator-mlexp")
    # ccds: the same package and version as the benchmark's, into a fresh venv; pip and
    # setuptools that every venv has are measured first and left out.
    base = fresh_dir(WORK / "runs" / "size")
    venv = base / "ccds-venv"
    run([f"python{PYTHON}", "-m", "venv", str(venv)], base, b.env)
    site = next((venv / "lib").glob("python*/site-packages"))
    before_kib, before_files, before_dists = du_kib(site), count_files(site), len(list(site.glob("*.dist-info")))
    run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", f"cookiecutter-data-science=={ccds_version()}"], base, b.env)
    ccds_kib, ccds_files = du_kib(site) - before_kib, count_files(site) - before_files
    ccds_dists = len(list(site.glob("*.dist-info"))) - before_dists
    shutil.rmtree(base)
    rows = [
        ["generator-mlexp (npm install --omit=dev)", mebibytes(mlexp_kib), str(mlexp_packages), str(mlexp_files), ratio(mlexp_kib, ccds_kib)],
        [f"cookiecutter-data-science {ccds_version()} (pip, new venv)", mebibytes(ccds_kib), str(ccds_dists), str(ccds_files), "1.00×"],
    ]
    b.emit(table(["installed", "size (du)", "packages", "files", "vs ccds"], rows))
    b.emit(
        f"\nmlexp: `npm pack` ({pack['size'] / 1024:.0f} KiB tarball, {pack['entryCount']} files), then "
        "`npm install --omit=dev <tarball>` into an empty folder; `du -sk node_modules` (the package "
        "itself included). ccds: growth of a new venv's site-packages; not counted: its template, which "
        f"ccds clones from GitHub on every run (the checkout alone is {du_kib(b.template) / 1024:.1f} MiB).\n"
    )
    b.emit("What the largest dependencies bring: the packages installed only because of each (itself included)\n")
    shown = [row for row in subtrees if row[0] != "generator-mlexp"][:8]
    b.emit(table(["dependency", "packages", "size"], [[name, str(n), mebibytes(kib)] for name, n, kib in shown]))
    b.emit("\n(Rows nest: what fly-import brings is part of what yeoman-environment brings.)\n")
    b.raw["size"] = {"mlexp_kib": mlexp_kib, "mlexp_files": mlexp_files, "ccds_kib": ccds_kib, "ccds_files": ccds_files, "subtrees": subtrees}

    b.emit(f"### Cold start (median of {b.quick_runs})\n")
    yo_dir = b.yo_folder(WORK / "runs" / "yo-help")
    tools_python = str(WORK / "tools" / "bin" / "python")
    commands = {
        "node -e 0 (floor)": (["node", "-e", "0"], ROOT, b.env),
        "mlexp --help": (["node", str(CLI), "--help"], ROOT, b.env),
        "yo mlexp --help": ([str(YO), "mlexp", "--help"], yo_dir, b.yo_env()),
        "python -c pass (floor)": ([tools_python, "-c", "pass"], ROOT, b.env),
        "ccds --help": ([str(b.ccds), "--help"], ROOT, b.env),
    }
    for cmd, cwd, env in commands.values():
        measure(cmd, cwd, env)
    for rep in range(b.quick_runs):
        for name in rotated(list(commands), rep):
            cmd, cwd, env = commands[name]
            m = measure(cmd, cwd, env)
            b.record("cold", name, m.seconds)
            b.record("cold", f"{name} rss", m.peak_rss_kib)
    s = b.samples["cold"]
    ref = median(s["ccds --help"])
    rows = [[name, seconds(median(s[name])), spread(s[name]), ratio(median(s[name]), ref), mebibytes(median(s[f"{name} rss"]))] for name in commands]
    b.emit(table(["command", "median", "min–max (s)", "vs ccds --help", "peak RSS"], rows))
    b.emit("")


def ccds_version() -> str:
    out = subprocess.run([str(WORK / "tools" / "bin" / "python"), "-c", "import ccds; print(ccds.__version__)"], check=True, capture_output=True, text=True)
    return out.stdout.strip()


# ================================================================================================
def load() -> str:
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


def machine_facts(pack: dict) -> list[str]:
    def version(cmd: list[str]) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip().splitlines()[0]
        except (OSError, subprocess.CalledProcessError):
            return "absent"

    tools = WORK / "tools" / "bin"
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")), platform.machine())
    memory = next((int(line.split()[1]) // 1024 // 1024 for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), 0)
    return [
        f"- date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"- machine: {os.cpu_count()} cores ({cpu}), {memory} GiB memory, {platform.system()} {platform.release()}",
        f"- Node {version(['node', '--version'])}, npm {version(['npm', '--version'])}, {version([f'python{PYTHON}', '--version'])}",
        f"- {version([str(tools / 'uv'), '--version'])}, {version([str(tools / 'poetry'), '--version'])}, "
        f"cookiecutter-data-science {ccds_version()}, {version([str(tools / 'kedro'), '--version'])}",
        f"- generator-mlexp {pack['version']} as packed from this checkout ({pack['entryCount']} files, shasum {pack['shasum'][:12]})",
        f"- load average at the start: {load()} (1, 5, 15 min; anything else running skews the figures)",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="repetitions of the slow sections: green, project (default 3)")
    parser.add_argument("--quick-runs", type=int, default=5, help="repetitions of the fast ones: generate, cold start, profile (default 5)")
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated sections to run (default all: {','.join(SECTIONS)})")
    parser.add_argument("--no-build", action="store_true", help="(bench/run) do not rebuild generators/ first")
    parser.add_argument("--ccds-template", default=str(WORK / "ccds-template"), help="local copy of ccds's template (bench/run prepares it)")
    args = parser.parse_args()
    only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(only) - set(SECTIONS))
    if unknown or args.runs < 1 or args.quick_runs < 1:
        parser.error(f"unknown section(s) {unknown}" if unknown else "--runs and --quick-runs must be at least 1")

    b = Bench(args)
    started = datetime.datetime.now()
    b.note("packing the generator and installing it into bench/.work/mlexp")
    try:
        pack = install_snapshot(b)
    except StepFailed as error:
        print(f"\nbench: {error}", file=sys.stderr)
        return 1
    b.emit(f"# generator-mlexp benchmark ({', '.join(only)}; runs {args.runs}, quick runs {args.quick_runs})\n")
    for line in machine_facts(pack):
        b.emit(line)
    b.emit("")
    import profile_mlexp  # noqa: PLC0415 (its own module: the longest section)

    handlers = {
        "generate": section_generate,
        "green": section_green,
        "project": section_project,
        "scale": lambda b: scale.section_scale(b, default_project(b)),
        "generator": lambda b: section_generator(b, pack),
        "profile": lambda b: profile_mlexp.section_profile(b, sys.modules[__name__]),
    }
    for name in SECTIONS:
        if name not in only:
            continue
        b.note(f"section {name}")
        try:
            handlers[name](b)
        except StepFailed as error:  # report it and go on with the next section
            b.failures.append(name)
            b.emit(f"**Section {name} stopped:**\n\n```\n{str(error)[-2000:]}\n```\n")
    elapsed = (datetime.datetime.now() - started).total_seconds()
    b.emit(f"_Whole benchmark: {elapsed / 60:.1f} min; load average at the end: {load()}._")

    results = BENCH / "results"
    results.mkdir(exist_ok=True)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    (results / f"{stamp}.md").write_text("\n".join(b.report) + "\n")
    (results / f"{stamp}.json").write_text(json.dumps({"samples": b.samples, **b.raw}, indent=1, default=str))
    print(f"\n(results written to bench/results/{stamp}.md and .json)", file=sys.stderr)
    if b.failures:
        print(f"bench: failed: {', '.join(b.failures)}", file=sys.stderr)
    return 1 if b.failures else 0


if __name__ == "__main__":
    sys.exit(main())
