"""Hyper-parameter sweeps with Optuna over any key of an experiment config.

A sweep config (``configs/sweeps/default.yaml``) names a base experiment config, a search space over
dotted config keys (``float``/``int`` ranges, optionally ``log`` or ``step``, and
``categorical`` choices), the ``sampler`` (``grid``, ``random`` or ``tpe``) and the number
of ``trials``. Each trial is ``run_experiment`` on the base config with the sampled values,
logged as a child of one parent run (``Tracker.child_tags``); the parent run gets the best
trial's params and metric and ``sweep.json`` with every trial.

Workers are processes sharing one Optuna storage, the calling process being the first of
them: by default the SQLite file ``sweeps/<study>.db`` in the project; any database URL
(``postgresql://...``) lets processes on several machines join the same study. The process
that creates the study owns the parent run and writes its summary when its own workers
finish; processes that join later tag their trials with the same parent. ``optuna`` is
imported only when a sweep runs.
"""

import json
import logging
import math
import multiprocessing
import time
import warnings
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from <%- packageName %>.errors import <%- importNames('ConfigError', errorName, 'Terminated') %>
from <%- packageName %>.plumbing.config import find_config, load_config, parse_yaml
from <%- packageName %>.plumbing.drivers import require_database_driver
from <%- packageName %>.plumbing.paths import project_root
from <%- packageName %>.plumbing.progress import LOG, muted
from <%- packageName %>.plumbing.registry import DATASETS, EVALUATORS, TRACKERS

SAMPLERS = ("grid", "random", "tpe")
TYPES = ("float", "int", "categorical")
JOIN_TIMEOUT = 60.0
# Workers start fresh interpreters: a forked copy of a process holding open database
# connections and threads (MLflow, SQLAlchemy) is not safe.
START_METHOD = "spawn"


@dataclass(frozen=True)
class Param:
    """One search dimension: a ``float``/``int`` range or ``categorical`` choices."""

    type: str
    low: float | None = None
    high: float | None = None
    log: bool = False
    step: float | None = None
    choices: tuple[Any, ...] = ()


@dataclass(frozen=True)
class SweepConfig:
    """A validated sweep config; ``base`` is the resolved experiment config file."""

    study: str
    base: Path
    space: dict[str, Param]
    trials: int = 8
    sampler: str = "tpe"
    seed: int = 0
    metric: str | None = None
    direction: str | None = None
    heartbeat: int = 60


@dataclass(frozen=True)
class SweepSummary:
    """What a ``sweep`` command did: its study, parent run and the best trial so far."""

    study: str
    storage: str
    parent_run_id: str
    trials: int
    metric: str = ""
    best_value: float | None = None
    best_run_id: str | None = None
    best_params: dict[str, Any] = field(default_factory=dict)


def load_sweep(path: str | Path) -> SweepConfig:
    """Read and validate a sweep config; problems raise a one-line ``ConfigError``."""
    path = find_config(path)
    raw = parse_yaml(path.read_text(encoding="utf-8"), str(path))
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: a sweep config must be a mapping")
    known = {f.name for f in fields(SweepConfig)}  # the config's keys are its fields
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ConfigError(f"{path}: unknown key {unknown[0]!r}; known: {', '.join(sorted(known))}")
    study = raw.get("study")
    if not isinstance(study, str) or not study:
        raise ConfigError(f"{path}: study must be a non-empty name")
    base = raw.get("base")
    if not isinstance(base, str):
        raise ConfigError(f"{path}: base must name an experiment config file")
    sampler = raw.get("sampler", "tpe")
    if sampler not in SAMPLERS:
        raise ConfigError(f"{path}: sampler must be one of {', '.join(SAMPLERS)}")
    direction = raw.get("direction")
    if direction not in (None, "minimize", "maximize"):
        raise ConfigError(f"{path}: direction must be minimize or maximize")
    trials = raw.get("trials", 8)
    if not isinstance(trials, int) or trials < 1:
        raise ConfigError(f"{path}: trials must be a positive integer")
    heartbeat = raw.get("heartbeat", 60)
    if not isinstance(heartbeat, int) or isinstance(heartbeat, bool) or heartbeat < 1:
        raise ConfigError(f"{path}: heartbeat must be a positive number of seconds")
    space = raw.get("space")
    if not isinstance(space, dict) or not space:
        raise ConfigError(f"{path}: space must map dotted config keys to distributions")
    return SweepConfig(
        study=study,
        base=find_config(path.parent / base),
        space={str(key): _param(path, str(key), value) for key, value in space.items()},
        trials=trials,
        sampler=sampler,
        seed=int(raw.get("seed", 0)),
        metric=raw.get("metric"),
        direction=direction,
        heartbeat=heartbeat,
    )


def run_sweep(
    sweep: SweepConfig,
    trials: int | None = None,
    workers: int = 1,
    storage: str | None = None,
    overrides: Sequence[str] = (),
) -> SweepSummary:
    """Run ``trials`` trials (default: the config's) in ``workers`` processes; return a summary.

    This process is one of the workers; the others are started with ``START_METHOD``.

    Creates the study (and its parent run) in ``storage``, or joins it when it exists.
    """
    optuna = _optuna()
    trials = sweep.trials if trials is None else trials
    if trials < 1 or workers < 1:
        raise ConfigError("--trials and --workers must be at least 1")
    config = load_config(sweep.base, overrides)
    tracker = TRACKERS.build(config.tracker.name, config.tracker.params)
    DATASETS.build(config.dataset.name, config.dataset.params).load()  # materialize once
    metric, direction = _objective(sweep, config)
    sweep = SweepConfig(**{**sweep.__dict__, "metric": metric, "direction": direction})
    url = storage or default_storage(sweep.study)
    require_database_driver(url, "sweep storage")
    store, created = _create_study(optuna, sweep.study, url, direction)

    if not created:
        parent_id = _wait_for_parent(optuna, sweep.study, store, url)
        _run_workers(sweep, url, parent_id, trials, workers, list(overrides), seeded=False)
        study = optuna.load_study(study_name=sweep.study, storage=store)
        return _summary(study, url, metric)

    with ExitStack() as stack:
        try:
            parent = stack.enter_context(
                tracker.start_run(
                    config.experiment,
                    run_name=f"sweep {sweep.study}",
                    tags={
                        "sweep.study": sweep.study,
                        "sweep.role": "parent",
                        "sweep.storage": redact(url),
                    },
                )
            )
        except BaseException:
            optuna.delete_study(study_name=sweep.study, storage=store)
            raise
        study = optuna.load_study(study_name=sweep.study, storage=store)
        study.set_user_attr("parent_run_id", parent.run_id)
        parent.log_params(
            {
                "sweep.sampler": sweep.sampler,
                "sweep.metric": metric,
                "sweep.direction": direction,
                "sweep.space": json.dumps({k: v.__dict__ for k, v in sweep.space.items()}),
            }
        )
        _run_workers(sweep, url, parent.run_id, trials, workers, list(overrides), seeded=True)
        study = optuna.load_study(study_name=sweep.study, storage=store)
        summary = _summary(study, url, metric)
        _log_summary(parent, summary, metric, study)
    return summary


def _create_study(optuna: Any, name: str, url: str, direction: str) -> tuple[Any, bool]:
    """Create the study in ``url``; return its storage and False when it existed (join it).

    One storage object serves the process (each new one checks the schema). Processes started
    together on a new database race to create Optuna's tables: a failed first open is retried
    twice, a second apart, before it is reported.
    """
    for attempt in range(3):
        try:
            store = _storage(url)
            optuna.create_study(study_name=name, storage=store, direction=direction)
            return store, True
        except optuna.exceptions.DuplicatedStudyError:
            return store, False
        except Exception as exc:
            if attempt == 2:
                message = f"cannot open sweep storage {redact(url)}: {_first_line(exc)}"
                raise ConfigError(message) from None
            time.sleep(1.0)
    raise AssertionError("unreachable")


def default_storage(study: str) -> str:
    """Return the project's SQLite storage URL for ``study`` (``sweeps/<study>.db``)."""
    folder = project_root() / "sweeps"
    folder.mkdir(parents=True, exist_ok=True)
    name = "".join(c if c.isalnum() or c in "-_." else "_" for c in study)
    return f"sqlite:///{(folder / f'{name}.db').as_posix()}"


def redact(url: str) -> str:
    """Return ``url`` without a password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


def trial_overrides(values: dict[str, Any]) -> list[str]:
    """Return ``--set`` style overrides for sampled values (JSON is valid YAML)."""
    return [f"{key}={json.dumps(value)}" for key, value in values.items()]


class TrialProgress:
    """Logs ``trial n/N`` for each finished trial of one command, with its value and the best.

    ``done`` counts the command's finished trials across its worker processes.
    """

    def __init__(self, total: int, metric: str, done: Any) -> None:
        self.total = total
        self.metric = metric
        self.done = done
        self.started = time.perf_counter()

    def finished(self, study: Any, trial: Any) -> None:
        """Log the trial that just finished (an Optuna ``callbacks`` entry)."""
        with self.done.get_lock():
            self.done.value += 1
            count = self.done.value
        if trial.state.name == "COMPLETE":
            details = [f"{self.metric} {trial.value:.4f}"]
        else:
            details = [f"{trial.state.name} (see its run's error tag)"]
        complete = [t for t in study.get_trials(deepcopy=False) if t.state.name == "COMPLETE"]
        if complete:
            best = study.best_trial
            details.append(f"best {best.value:.4f} (trial {best.number})")
        details.append(f"{time.perf_counter() - self.started:.2f} s")
        LOG.info("%-9s %s", "trial", f"{count}/{self.total}: {', '.join(details)}")


def run_worker(
    sweep: SweepConfig,
    url: str,
    parent_id: str,
    n_trials: int,
    overrides: list[str],
    seed: int | None,
    progress: TrialProgress | None = None,
) -> None:
    """Run ``n_trials`` trials of the study in this process (the body of a worker).

    Each trial's own stage lines are muted; ``progress`` logs one line per finished trial.
    """
    from <%- packageName %>.experiment import run_experiment

    optuna = _optuna()
    storage = _storage(url, heartbeat=sweep.heartbeat)
    study = optuna.load_study(
        study_name=sweep.study, storage=storage, sampler=_sampler(optuna, sweep, seed)
    )
    config = load_config(sweep.base, overrides)
    tracker = TRACKERS.build(config.tracker.name, config.tracker.params)

    def objective(trial: Any) -> float:
        values = {key: _suggest(trial, key, param) for key, param in sweep.space.items()}
        trial_config = load_config(sweep.base, [*overrides, *trial_overrides(values)])
        tags = {**tracker.child_tags(parent_id), "sweep.study": sweep.study}
        with muted():
            result = run_experiment(
                trial_config, tracker, tags={**tags, "sweep.trial": trial.number}
            )
        trial.set_user_attr("run_id", result.run_id)
        return result.metrics.get(str(sweep.metric), math.nan)

    callbacks = [progress.finished] if progress is not None else []
    study.optimize(objective, n_trials=n_trials, catch=(Exception,), callbacks=callbacks)


def _run_workers(
    sweep: SweepConfig,
    url: str,
    parent_id: str,
    trials: int,
    workers: int,
    overrides: list[str],
    seeded: bool,
) -> None:
    shares = [trials // workers + (1 if i < trials % workers else 0) for i in range(workers)]
    context: Any = multiprocessing.get_context(START_METHOD)
    progress = TrialProgress(trials, str(sweep.metric), context.Value("i", 0))
    jobs = [
        (sweep, url, parent_id, share, overrides, sweep.seed + i if seeded else None, progress)
        for i, share in enumerate(shares)
        if share
    ]
    # This process runs the first share itself: a worker fewer to start (each new interpreter
    # imports the whole stack again, seconds per worker).
    quiet = LOG.getEffectiveLevel() > logging.INFO
    processes = [context.Process(target=_worker_main, args=(quiet, *job)) for job in jobs[1:]]
    for process in processes:
        process.start()
    try:
        run_worker(*jobs[0])
    except BaseException:  # interrupted (Ctrl-C, SIGTERM) or failed: the workers stop too
        for process in processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: each ends its open trial's run KILLED
        raise
    finally:
        for process in processes:
            process.join()
    failed = [p.exitcode for p in processes if p.exitcode != 0]
    if failed:
        message = f"{len(failed)} sweep worker(s) failed (exit codes {failed})"
        raise <%- errorName %>(message)


def _worker_main(quiet: bool, *job: Any) -> None:
    """Run ``run_worker(*job)`` in a worker process, stopped by SIGTERM or Ctrl-C like the CLI.

    An interrupt ends the trial's run ``KILLED`` (and the Optuna trial ``FAIL``) and exits the
    process with 128 + the signal number, printing the CLI's one line.
    """
    import os
    import signal
    import sys

    from <%- packageName %>.plumbing.progress import configure

    configure(quiet=quiet)

    def terminate(signum: int, frame: Any) -> None:
        raise Terminated()

    signal.signal(signal.SIGTERM, terminate)
    try:
        run_worker(*job)
    except KeyboardInterrupt as exc:
        signum = getattr(exc, "signum", signal.SIGINT)
        notes = [note for note in getattr(exc, "__notes__", []) if note.startswith("run ")]
        ended = f"; {'; '.join(notes)}" if notes else ""
        name = signal.Signals(signum).name
        print(f"error: sweep worker interrupted by {name}{ended}", file=sys.stderr, flush=True)
        os._exit(128 + signum)


def _summary(study: Any, url: str, metric: str) -> SweepSummary:
    complete = [t for t in study.trials if t.state.name == "COMPLETE"]
    summary = SweepSummary(
        study=study.study_name,
        storage=redact(url),
        parent_run_id=str(study.user_attrs.get("parent_run_id", "")),
        trials=len(study.trials),
        metric=metric,
    )
    if not complete:
        return summary
    best = study.best_trial
    return SweepSummary(
        **{
            **summary.__dict__,
            "best_value": float(best.value),
            "best_run_id": best.user_attrs.get("run_id"),
            "best_params": dict(best.params),
        }
    )


def _log_summary(parent: Any, summary: SweepSummary, metric: str, study: Any) -> None:
    states = [t.state.name for t in study.trials]
    parent.log_metrics(
        {
            "sweep/trials_complete": states.count("COMPLETE"),
            "sweep/trials_failed": states.count("FAIL"),
            **({f"best/{metric}": summary.best_value} if summary.best_value is not None else {}),
        }
    )
    parent.log_params({f"best.{key}": value for key, value in summary.best_params.items()})
    if summary.best_run_id:
        parent.set_tags({"sweep.best_run": summary.best_run_id})
    table = [
        {
            "number": t.number,
            "state": t.state.name,
            "value": t.value,
            "params": t.params,
            "run_id": t.user_attrs.get("run_id"),
        }
        for t in study.trials
    ]
    parent.log_artifact("sweep.json", json.dumps(table, indent=2, default=str))


def _wait_for_parent(optuna: Any, study_name: str, store: Any, url: str) -> str:
    deadline = time.monotonic() + JOIN_TIMEOUT
    while True:
        study = optuna.load_study(study_name=study_name, storage=store)
        parent = study.user_attrs.get("parent_run_id")
        if parent:
            return str(parent)
        if time.monotonic() > deadline:
            raise ConfigError(
                f"study {study_name!r} in {redact(url)} has no parent run; delete it"
                " or choose another study name"
            )
        time.sleep(0.5)


def _objective(sweep: SweepConfig, config: Any) -> tuple[str, str]:
    evaluator = EVALUATORS.build(config.evaluator.name, config.evaluator.params)
    objective = evaluator.objective(sweep.metric)
    return objective.metric, sweep.direction or objective.direction


def _sampler(optuna: Any, sweep: SweepConfig, seed: int | None) -> Any:
    if sweep.sampler == "grid":
        return optuna.samplers.GridSampler(_grid(sweep), seed=seed)
    if sweep.sampler == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    return optuna.samplers.TPESampler(seed=seed)


def _grid(sweep: SweepConfig) -> dict[str, list[Any]]:
    grid: dict[str, list[Any]] = {}
    for key, param in sweep.space.items():
        if param.type == "categorical":
            grid[key] = list(param.choices)
        elif param.step is not None:
            count = round((float(param.high) - float(param.low)) / param.step) + 1  # type: ignore[arg-type]
            kind = int if param.type == "int" else float
            grid[key] = [kind(param.low + i * param.step) for i in range(count)]  # type: ignore[operator]
        else:
            raise ConfigError(f"sampler grid: space.{key} needs a step or categorical choices")
    return grid


def _suggest(trial: Any, key: str, param: Param) -> Any:
    if param.type == "categorical":
        return trial.suggest_categorical(key, list(param.choices))
    if param.type == "int":
        step = int(param.step or 1)
        return trial.suggest_int(key, int(param.low), int(param.high), step=step, log=param.log)  # type: ignore[arg-type]
    return trial.suggest_float(key, param.low, param.high, step=param.step, log=param.log)


def _param(path: Path, key: str, value: Any) -> Param:
    where = f"{path}: space.{key}"
    if not isinstance(value, dict) or value.get("type") not in TYPES:
        raise ConfigError(f"{where} must be a mapping with type {', '.join(TYPES)}")
    extra = sorted(set(value) - {"type", "low", "high", "log", "step", "choices"})
    if extra:
        raise ConfigError(f"{where}: unknown key {extra[0]!r}")
    if value["type"] == "categorical":
        choices = value.get("choices")
        if not isinstance(choices, list) or not choices:
            raise ConfigError(f"{where}: categorical needs a non-empty choices list")
        return Param("categorical", choices=tuple(choices))
    low, high = value.get("low"), value.get("high")
    numbers = (int, float)
    if not isinstance(low, numbers) or not isinstance(high, numbers) or low > high:
        raise ConfigError(f"{where}: needs numbers low <= high")
    log = bool(value.get("log", False))
    if log and low <= 0:
        raise ConfigError(f"{where}: a log scale needs low > 0")
    step = value.get("step")
    if log and step is not None:
        raise ConfigError(f"{where}: step and log cannot be combined")
    return Param(value["type"], low=low, high=high, log=log, step=step)


def _storage(url: str, heartbeat: int | None = None) -> Any:
    """Return an Optuna storage; SQLite files wait for locks held by other workers.

    With ``heartbeat`` (seconds) a worker's running trial beats while it runs; a trial whose
    process died stops beating and, after two beats, the next trial any worker starts marks
    it ``FAIL`` (Optuna's ``fail_stale_trials``) instead of leaving it ``RUNNING``.
    """
    import optuna

    engine = {"connect_args": {"timeout": 60}} if url.startswith("sqlite:") else None
    if heartbeat is None:
        return optuna.storages.RDBStorage(url, engine_kwargs=engine)
    with warnings.catch_warnings():  # heartbeats are "experimental" in Optuna 4
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        return optuna.storages.RDBStorage(
            url, engine_kwargs=engine, heartbeat_interval=heartbeat, grace_period=2 * heartbeat
        )


def _optuna() -> Any:
    try:
        import optuna
    except ImportError:
        raise ConfigError("sweeps need the optuna package: pip install optuna") from None
    optuna.logging.set_verbosity(logging.WARNING)
    return optuna


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
