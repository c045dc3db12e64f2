"""The runner: config -> dataset -> split -> fit -> evaluate -> track."""

import re
import time
import traceback
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone

from <%- packageName %>.errors import ConfigError
from <%- packageName %>.evaluators.base import Evaluator, Predictions
from <%- packageName %>.models.base import seed_model
from <%- packageName %>.plumbing.config import ExperimentConfig
from <%- packageName %>.plumbing.evaluation import predict_scores, run_evaluation
from <%- packageName %>.plumbing.progress import LOG, stage
from <%- packageName %>.plumbing.registry import (
    DATASETS,
    EVALUATORS,
    MODELS,
    SPLITS,
    TRACKERS,
)
from <%- packageName %>.plumbing.report import (
    REPORT_ARTIFACT,
    publish_latest,
    run_report,
)
from <%- packageName %>.plumbing.reproducibility import (
    log_data_inputs,
    record_run_context,
)
from <%- packageName %>.splits.base import Fold, Split
from <%- packageName %>.trackers.base import Tracker


@dataclass(frozen=True)
class RunResult:
    """The id of the logged run, every metric it logged, and its report's local copy.

    ``report`` is ``None`` when the copy could not be written.
    """

    run_id: str
    metrics: dict[str, float]
    report: Path | None = None


def run_experiment(
    config: ExperimentConfig,
    tracker: Tracker | None = None,
    tags: Mapping[str, Any] | None = None,
) -> RunResult:
    """Run one experiment and log everything; the same config and seed give the same metrics.

    The fitted model is stored with ``run.log_model`` (artifact folder ``model/``), and a
    model that records ``device_`` (e.g. ``cpu``, ``cuda``) tags the run with ``device``.
    Figures (``figures/*.png``, unless ``evaluator.figures`` is false) and the HTML report
    (``report.html``) are logged too, and copied to ``reports/`` (``plumbing/report.py``).

    With several folds (``kfold``) each fold's model predicts its own test rows, the pooled
    predictions are evaluated, and the logged model is fitted on every row (``fit_folds``).

    Blocks are built, model parameters validated (``check_model_params``) and the data split
    before the run starts, so a bad config never leaves a run behind. A ``ValueError`` that
    only ``fit`` raises (a parameter combination the model rejects) becomes a one-line
    ``ConfigError``; that run ends ``FAILED`` with the message in its ``error`` tag and the
    traceback in its ``error.txt`` artifact. ``tracker`` overrides the configured one.
    """
    started = time.perf_counter()
    dataset = DATASETS.build(config.dataset.name, config.dataset.params)
    split = SPLITS.build(config.split.name, config.split.params)
    model = MODELS.build(config.model.name, config.model.params)
    evaluator = EVALUATORS.build(config.evaluator.name, config.evaluator.params)
    tracker = tracker or TRACKERS.build(config.tracker.name, config.tracker.params)
    seed_model(model, config.seed)
    check_model_params(model, config.model.params)

    with stage("data") as details:
        X, y = dataset.load()
        details.append(f"{dataset.name}: {X.shape[0]} rows, {X.shape[1]} columns")
    with stage("split") as details:
        folds = make_folds(split, config.split.name, X, y, config.seed)
        details.append(describe_folds(folds))
    missing = [c for c in config.evaluator.slice_by if c not in X.columns]
    if missing:
        raise ConfigError(f"evaluator.slice_by: no column {missing[0]!r} in {dataset.name}")

    with tracker.start_run(config.experiment, tags=tags) as run:
        with stage("recorded") as details:
            context = record_run_context(run, config, dataset)
            log_data_inputs(run, dataset, X, y, folds)
            details.append(f"run {run.run_id}: config, code and data versions, environment")

        fit_started = time.perf_counter()
        try:
            with stage("fitted") as details:
                predictions, fold_metrics, model = fit_folds(model, evaluator, X, y, folds)
                details.append(config.model.name)
                if len(folds) > 1:
                    details.append(f"{len(folds)} folds, then every row for the logged model")
        except ValueError as exc:
            message = f"model {config.model.name!r} cannot fit: {_one_line(exc)}"
            if config.model.params:
                message += f" (model.params: {dict(config.model.params)})"
            run.set_tags({"error": message})
            run.log_artifact("error.txt", traceback.format_exc())
            raise ConfigError(message) from exc
        fit_seconds = time.perf_counter() - fit_started
        device = model_device(model)
        if device is not None:
            run.set_tags({"device": device})

        tested = X.iloc[np.concatenate([fold.test for fold in folds])]
        with stage("evaluated") as details:
            report = run_evaluation(
                run,
                evaluator,
                predictions,
                tested,
                slice_by=config.evaluator.slice_by,
                n_resamples=config.evaluator.bootstrap.n_resamples,
                confidence=config.evaluator.bootstrap.confidence,
                seed=config.seed,
                figures=config.evaluator.figures,
            )
            run.log_metrics(fold_metrics)
            metrics = {**report.metrics, **fold_metrics}
            shown = [f"test/{name}" for name in evaluator.headline if f"test/{name}" in metrics]
            details.extend(f"{name} {metrics[name]:.4f}" for name in shown[:1])
            if report.figures:
                details.append(f"{len(report.figures)} figures")
        with stage("logged") as details:
            run.log_model(
                model,
                X.iloc[folds[0].train].head(20),
                config.evaluator.name,
                target=None if y.name is None else str(y.name),
            )
            details.append("model")
        run_seconds = time.perf_counter() - started
        timings = {"time/fit_seconds": fit_seconds, "time/run_seconds": run_seconds}
        run.log_metrics(timings)
        with stage("reported") as details:
            page = run_report(run.run_id, config, context, report, {**metrics, **timings})
            run.log_artifact(REPORT_ARTIFACT, page)
            details.append(REPORT_ARTIFACT)
    try:
        path: Path | None = publish_latest(report.figures, page)
    except OSError as exc:  # the run is logged; only the local copy is missing
        LOG.warning("warning: report not copied to reports/: %s", exc)
        path = None
    LOG.info("%-9s %s", "see it", tracker.ui_hint())
    return RunResult(run.run_id, {**metrics, **timings}, path)


def make_folds(split: Split, name: str, X: pd.DataFrame, y: pd.Series, seed: int) -> list[Fold]:
    """Return ``split.folds(X, y, seed)``; data it cannot split raises ``ConfigError``."""
    try:
        return split.folds(X, y, seed)
    except ValueError as exc:
        raise ConfigError(f"split {name!r} cannot split the data: {_one_line(exc)}") from None


def describe_folds(folds: list[Fold]) -> str:
    """Return ``426 train, 143 test``, or ``5 folds, 113-114 test rows each``."""
    if len(folds) == 1:
        return f"{len(folds[0].train)} train, {len(folds[0].test)} test"
    sizes = sorted(len(fold.test) for fold in folds)
    each = str(sizes[0]) if sizes[0] == sizes[-1] else f"{sizes[0]}-{sizes[-1]}"
    return f"{len(folds)} folds, {each} test rows each"


def fit_folds(
    model: Any, evaluator: Evaluator, X: pd.DataFrame, y: pd.Series, folds: list[Fold]
) -> tuple[Predictions, dict[str, float], Any]:
    """Fit on each fold's training part and predict its test part.

    Returns the predictions of every fold's test rows, in fold order (the order of
    ``np.concatenate([fold.test for fold in folds])``), the per-fold metrics with their spread
    (``fold/<i>/<metric>``, ``cv/<metric>_mean``, ``cv/<metric>_std``, sample standard
    deviation; none for a single fold), and the model to log: the one fold's model, or, with
    several folds, a clone fitted on every row.
    """
    fitted, parts, scores, per_fold = model, [], [], []
    for fold in folds:
        X_train, X_test, y_train, y_test = fold.take(X, y)
        fitted = model if len(folds) == 1 else clone(model)
        fitted.fit(X_train, y_train)
        scores.append(predict_scores(fitted, X_test))
        parts.append(Predictions.of(y_test, fitted.predict(X_test), scores[-1]))
        per_fold.append(evaluator.metrics(parts[-1]))
    if len(folds) == 1:
        return parts[0], {}, fitted
    pooled = Predictions.of(
        np.concatenate([part.y_true for part in parts]),
        np.concatenate([part.y_pred for part in parts]),
        None if any(frame is None for frame in scores) else pd.concat(scores).fillna(0.0),
    )
    metrics: dict[str, float] = {}
    for i, values in enumerate(per_fold, start=1):
        metrics.update({f"fold/{i}/{name}": value for name, value in values.items()})
    for name in per_fold[0]:
        spread = np.array([fold[name] for fold in per_fold if name in fold])
        metrics[f"cv/{name}_mean"] = float(spread.mean())
        metrics[f"cv/{name}_std"] = float(spread.std(ddof=1)) if len(spread) > 1 else 0.0
    return pooled, metrics, clone(model).fit(X, y)


def check_model_params(model: Any, params: Mapping[str, Any]) -> None:
    """Run scikit-learn's parameter validation on ``model`` and every estimator inside it.

    Nothing is fitted. A rejected value raises ``ConfigError`` naming the config key, e.g.
    ``model.params.C: The 'C' parameter of LogisticRegression must be ...``. Estimators that
    declare no ``_parameter_constraints`` (a user's own ``BaseEstimator`` subclass, models that
    are not scikit-learn's) are left to ``fit``.
    """
    for estimator in _estimators(model):
        validate = getattr(estimator, "_validate_params", None)
        if not callable(validate) or not hasattr(estimator, "_parameter_constraints"):
            continue
        try:
            validate()
        except ValueError as exc:  # scikit-learn's InvalidParameterError
            raise ConfigError(f"{_param_key(str(exc), params)}: {_one_line(exc)}") from None


def _estimators(model: Any) -> Iterator[Any]:
    """Yield ``model`` and the estimators among its deep parameters (pipeline steps...)."""
    yield model
    get_params = getattr(model, "get_params", None)
    if not callable(get_params):
        return
    seen = {id(model)}
    for value in get_params(deep=True).values():
        if callable(getattr(value, "get_params", None)) and id(value) not in seen:
            seen.add(id(value))
            yield value


def _param_key(message: str, params: Mapping[str, Any]) -> str:
    """Return ``model.params.<key>`` for the parameter a validation message names."""
    named = re.match(r"The '([^']+)' parameter", message)
    if named is not None:
        name = named.group(1)
        for key in params:
            if key == name or str(key).endswith(f"__{name}"):
                return f"model.params.{key}"
    return "model.params"


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


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
