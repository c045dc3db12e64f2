"""The runner: config -> dataset -> split -> fit -> evaluate -> track."""

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from <%- packageName %>.config import ExperimentConfig
from <%- packageName %>.errors import ConfigError
from <%- packageName %>.evaluation import run_evaluation
from <%- packageName %>.models.base import seed_model
from <%- packageName %>.registry import DATASETS, EVALUATORS, MODELS, TRACKERS
from <%- packageName %>.reproducibility import log_data_inputs, record_run_context
from <%- packageName %>.trackers.base import Tracker


@dataclass(frozen=True)
class RunResult:
    """The id of the logged run and every metric it logged."""

    run_id: str
    metrics: dict[str, float]


def run_experiment(
    config: ExperimentConfig,
    tracker: Tracker | None = None,
    tags: Mapping[str, Any] | None = None,
) -> RunResult:
    """Run one experiment and log everything; the same config and seed give the same metrics.

    The fitted model is stored with ``run.log_model`` (artifact folder ``model/``), and a
    model that records ``device_`` (e.g. ``cpu``, ``cuda``) tags the run with ``device``.

    Blocks are built (and config errors raised) before the run starts, so a bad config
    never leaves a run behind. ``tracker`` overrides the configured one.
    """
    started = time.perf_counter()
    dataset = DATASETS.build(config.dataset.name, config.dataset.params)
    model = MODELS.build(config.model.name, config.model.params)
    evaluator = EVALUATORS.build(config.evaluator.name, config.evaluator.params)
    tracker = tracker or TRACKERS.build(config.tracker.name, config.tracker.params)
    seed_model(model, config.seed)

    split = dataset.split(config.split.test_size, config.seed)
    missing = [c for c in config.evaluator.slice_by if c not in split.X_test.columns]
    if missing:
        raise ConfigError(f"evaluator.slice_by: no column {missing[0]!r} in {dataset.name}")

    with tracker.start_run(config.experiment, tags=tags) as run:
        record_run_context(run, config, dataset)
        log_data_inputs(run, dataset, split)

        fit_started = time.perf_counter()
        model.fit(split.X_train, split.y_train)
        fit_seconds = time.perf_counter() - fit_started
        device = model_device(model)
        if device is not None:
            run.set_tags({"device": device})

        metrics = run_evaluation(
            run,
            evaluator,
            model,
            split.X_test,
            split.y_test,
            slice_by=config.evaluator.slice_by,
            n_resamples=config.evaluator.bootstrap.n_resamples,
            confidence=config.evaluator.bootstrap.confidence,
            seed=config.seed,
        )
        target = split.y_train.name
        run.log_model(
            model,
            split.X_train.head(20),
            config.evaluator.name,
            target=None if target is None else str(target),
        )
        run_seconds = time.perf_counter() - started
        timings = {"time/fit_seconds": fit_seconds, "time/run_seconds": run_seconds}
        run.log_metrics(timings)
    return RunResult(run.run_id, {**metrics, **timings})


def model_device(model: Any) -> str | None:
    """Return the ``device_`` a fitted model (or a ``Pipeline`` step) records, else ``None``."""
    device = getattr(model, "device_", None)
    if device is not None:
        return str(device)
    for step in getattr(model, "steps", None) or []:
        device = model_device(step[1]) if isinstance(step, tuple) else None
        if device is not None:
            return device
    return None
