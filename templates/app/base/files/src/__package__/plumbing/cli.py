"""Command line: the commands run, data, predict, sweep, reproduce, compare and ui.

They run as ``python -m <%- packageName %> <command>``.
``sync`` (a data storage without DVC) and ``submit`` (Azure ML) come with their modules.

Variables in the project's ``.env`` are loaded first, without replacing those already set.
Setup problems print one ``error: ...`` line and exit with status 2; they are
``<%- errorName %>`` and its subclasses.
Ctrl-C (``SIGINT``) and ``SIGTERM`` print one line naming the run they ended ``KILLED`` and
exit with 128 + the signal number (130, 143), as a shell reports a process a signal ended.
Heavy libraries are imported inside the commands to keep start-up fast.
"""

import argparse
import math
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from <%- packageName %>.errors import <%- importNames(errorName, 'Terminated') %>
from <%- packageName %>.plumbing.env_file import load_env_file
from <%- packageName %>.plumbing.progress import configure
from <%- packageName %>.plumbing.registry import DATASETS, EVALUATORS, TRACKERS
from <%- packageName %>.trackers.base import Tracker

if TYPE_CHECKING:
    from <%- packageName %>.plumbing.config import ExperimentConfig

DEFAULT_CONFIG = "configs/experiment.yaml"
DEFAULT_SWEEP = "configs/sweeps/default.yaml"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit status."""
    args = build_parser().parse_args(argv)
    configure(quiet=args.quiet)
    try:
        load_env_file()
        with _sigterm_interrupts():
            return args.command(args)
    except <%- errorName %> as exc:
        print(f"error: {_one_line(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:  # Ctrl-C, or Terminated from SIGTERM
        signum = getattr(exc, "signum", signal.SIGINT)
        notes = [note for note in getattr(exc, "__notes__", []) if note.startswith("run ")]
        ended = f"; {'; '.join(notes)}" if notes else ""
        print(f"error: interrupted by {signal.Signals(signum).name}{ended}", file=sys.stderr)
        return 128 + signum


@contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """Raise ``Terminated`` on ``SIGTERM`` for the duration of a command (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(signum: int, frame: FrameType | None) -> None:
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _one_line(text: str) -> str:
    return "; ".join(line.strip() for line in text.splitlines() if line.strip())


QUIET_HELP = "print no progress lines, only results"


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with one sub-command per command function."""
    parser = argparse.ArgumentParser(
        prog="python -m <%- packageName %>", description="Run, compare and reproduce experiments."
    )
    parser.add_argument("-q", "--quiet", action="store_true", help=QUIET_HELP)
    commands = parser.add_subparsers(required=True, metavar="command")

    run = commands.add_parser("run", help="run an experiment from a config")
    _add_config(run)
    _add_overrides(run)
    run.set_defaults(command=cmd_run)

    data = commands.add_parser("data", help="write the config's dataset if missing, describe it")
    _add_config(data)
    _add_overrides(data)
    data.set_defaults(command=cmd_data)

    predict = commands.add_parser("predict", help="batch-predict a file with a run's model")
    predict.add_argument("--run", required=True, dest="run_id", help="id of the logged run")
    predict.add_argument("--input", required=True, help="features as .csv or .parquet")
    predict.add_argument("--output", required=True, help="predictions file (.csv or .parquet)")
    _add_config(predict, "config whose tracker holds the run")
    _add_overrides(predict)
    predict.set_defaults(command=cmd_predict)

    sweep = commands.add_parser("sweep", help="search a config space with Optuna")
    sweep.add_argument(
        "--config", default=DEFAULT_SWEEP, help=f"sweep config (default: {DEFAULT_SWEEP})"
    )
    sweep.add_argument("--trials", type=int, help="trials this command runs (default: config)")
    sweep.add_argument("--workers", type=int, default=1, help="worker processes (default: 1)")
    sweep.add_argument(
        "--storage", help="Optuna storage URL shared by workers (default: sweeps/<study>.db)"
    )
    _add_overrides(sweep)
    sweep.set_defaults(command=cmd_sweep)

    reproduce = commands.add_parser("reproduce", help="re-run a logged run and check metrics")
    reproduce.add_argument("run_id")
    _add_config(reproduce, "config whose tracker holds the run")
    reproduce.set_defaults(command=cmd_reproduce)

    compare = commands.add_parser("compare", help="rank the runs of an experiment")
    compare.add_argument("--experiment", help="experiment name (default: from the config)")
    compare.add_argument("--metric", help="metric to rank by (default: first headline metric)")
    compare.add_argument("--limit", type=int, default=20, help="rows to show (default: 20)")
    compare.add_argument(
        "--report", metavar="PATH", help="also write the ranking as a self-contained HTML file"
    )
    _add_config(compare)
    compare.set_defaults(command=cmd_compare)

    ui = commands.add_parser(
        "ui", help="open the tracker's UI on the experiment (Ctrl-C stops it), or say where"
    )
    _add_config(ui)
    ui.set_defaults(command=cmd_ui)
    _add_remote_commands(commands)
    for command in commands.choices.values():  # `run --quiet` works as well as `--quiet run`
        command.add_argument(
            "-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help=QUIET_HELP
        )
    return parser


def cmd_run(args: argparse.Namespace) -> int:
    """Run one experiment and print its id and headline metrics."""
    from <%- packageName %>.experiment import run_experiment

    config = _load_config(args.config, args.overrides)
    result = run_experiment(config)
    print(f"run {result.run_id}  experiment {config.experiment}  tracker {config.tracker.name}")
    print(format_metrics(result.metrics))
    if result.report is not None:
        print(f"report {_shown(result.report)}")
    return 0


def cmd_data(args: argparse.Namespace) -> int:
    """Load the config's dataset (writing it first if it can, like the example) and describe it.

    In a project that uses DVC (a ``.dvc`` folder), the dataset's file is then ``dvc add``-ed.
    """
    from <%- packageName %>.plumbing.data_versions import track
    from <%- packageName %>.plumbing.paths import project_root

    config = _load_config(args.config, args.overrides)
    dataset = DATASETS.build(config.dataset.name, config.dataset.params)
    features, target = dataset.load()
    print(
        f"dataset {config.dataset.name} version {dataset.version}: {len(features)} rows,"
        f" {features.shape[1]} features, target {target.name}"
    )
    print(f"  sha256 {dataset.fingerprint()}")
    path = getattr(dataset, "path", None)
    version = track(Path(path), project_root()) if path is not None else None
    if version is not None:
        print(f"  dvc {version.pointer} md5 {version.md5} (commit {version.commit})")
    return 0


def cmd_predict(args: argparse.Namespace) -> int:
    """Write a run's predictions for an input file; a schema mismatch exits 2."""
    from <%- packageName %>.plumbing.predict import predict_file

    tracker = _tracker(_load_config(args.config, args.overrides))
    result = predict_file(tracker, args.run_id, args.input, args.output)
    print(f"wrote {len(result)} predictions of run {args.run_id} to {args.output}")
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run a sweep and print its parent run and best trial."""
    from <%- packageName %>.plumbing.sweep import load_sweep, run_sweep

    sweep = load_sweep(args.config)
    summary = run_sweep(
        sweep,
        trials=args.trials,
        workers=args.workers,
        storage=args.storage,
        overrides=args.overrides,
    )
    print(f"sweep {summary.study}  parent run {summary.parent_run_id}  trials {summary.trials}")
    if summary.best_value is not None:
        print(f"best {summary.metric} {summary.best_value:.4f}  run {summary.best_run_id}")
        for key, value in summary.best_params.items():
            print(f"  {key} = {value}")
    return 0


def cmd_reproduce(args: argparse.Namespace) -> int:
    """Re-run a run from its recorded config; exit 0 if the metrics match, else 1."""
    from <%- packageName %>.plumbing.reproduce import reproduce_run

    reproduction = reproduce_run(_tracker(_load_config(args.config)), args.run_id)
    print(f"reproduced run {args.run_id} as {reproduction.rerun.run_id}")
    for warning in reproduction.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if reproduction.matches:
        print(f"metrics match ({reproduction.compared} compared)")
        return 0
    print(f"metrics differ ({len(reproduction.mismatches)} of {reproduction.compared}):")
    for mismatch in reproduction.mismatches[:20]:
        print(f"  {mismatch}")
    return 1


def cmd_compare(args: argparse.Namespace) -> int:
    """Print the runs of an experiment ranked by a metric."""
    from <%- packageName %>.plumbing.compare import (
        format_table,
        rank_runs,
        unfinished_runs,
    )

    config = _load_config(args.config)
    evaluator = EVALUATORS.build(config.evaluator.name, config.evaluator.params)
    metric, lower_is_better = evaluator.objective(args.metric)
    experiment = args.experiment or config.experiment
    runs = _tracker(config).search_runs(experiment)
    ranked = rank_runs(runs, metric, lower_is_better)
    unfinished = unfinished_runs(runs, metric)
    if unfinished:
        statuses = ", ".join(sorted({run.status for run in unfinished}))
        print(
            f"note: {len(unfinished)} run(s) that logged {metric} did not finish ({statuses})"
            " and are not ranked",
            file=sys.stderr,
        )
    report = None
    if args.report:
        from <%- packageName %>.plumbing.compare import write_report

        report = write_report(args.report, experiment, metric, ranked[: args.limit])
    if ranked:
        print(format_table(ranked[: args.limit], metric))
    else:
        print(f"no finished runs of experiment {experiment!r} logged {metric}")
    if report is not None:
        print(f"report {_shown(report)}")
    return 0


def cmd_ui(args: argparse.Namespace) -> int:
    """Open the tracker's UI on the experiment's runs, or print where they are.

    MLflow on a local store: its UI runs on 127.0.0.1 until Ctrl-C, which ends it with 0.
    """
    config = _load_config(args.config)
    if threading.current_thread() is threading.main_thread():
        # Ctrl-C stops the UI even where SIGINT was ignored (a shell's background job)
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        _tracker(config).browse(config.experiment, lambda line: print(line, flush=True))
    except Terminated:
        raise
    except KeyboardInterrupt:  # Ctrl-C: how a person closes the UI
        return 0
    return 0


def format_metrics(metrics: dict[str, float]) -> str:
    """Return the ``test/`` metrics with their CIs, the folds' spread, the timings, one a line."""
    lines = []
    for name, value in metrics.items():
        if name.startswith("test/") and not name.endswith(("_ci_low", "_ci_high")):
            low, high = metrics.get(f"{name}_ci_low"), metrics.get(f"{name}_ci_high")
            ci = f"  CI {low:.4f} to {high:.4f}" if low is not None and high is not None else ""
            lines.append(f"  {name:<18} {value:.4f}{ci}")
        elif name.startswith("cv/") and name.endswith("_mean"):
            spread = metrics.get(f"{name.removesuffix('_mean')}_std", math.nan)
            lines.append(f"  {name:<18} {value:.4f}  std {spread:.4f} over the folds")
        elif name.startswith("time/"):
            lines.append(f"  {name:<18} {value:.3f}")
    return "\n".join(lines)


def _add_remote_commands(commands: argparse._SubParsersAction) -> None:
    """Add the commands of ``remote.py`` and ``sync.py`` when the project has them.

    (Azure ML's ``submit``; ``sync up|down`` for a data storage without DVC.)
    """
    import importlib
    import importlib.util

    for module in ("remote", "sync"):
        name = f"<%- packageName %>.plumbing.{module}"
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name).add_commands(commands)


def _shown(path: Path) -> str:
    """Return ``path`` relative to the working directory when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _load_config(path: str, overrides: Sequence[str] = ()) -> "ExperimentConfig":
    # here, not at start-up: pydantic is slow to import
    from <%- packageName %>.plumbing.config import load_config

    return load_config(path, overrides)


def _tracker(config: "ExperimentConfig") -> Tracker:
    return TRACKERS.build(config.tracker.name, config.tracker.params)


def _add_config(parser: argparse.ArgumentParser, help_text: str = "experiment config") -> None:
    parser.add_argument(
        "--config", default=DEFAULT_CONFIG, help=f"{help_text} (default: {DEFAULT_CONFIG})"
    )


def _add_overrides(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a config value, e.g. --set model.params.C=0.5 (value parsed as YAML)",
    )
