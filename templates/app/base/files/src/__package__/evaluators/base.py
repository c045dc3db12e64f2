"""The ``Evaluator`` contract and the ``Predictions`` it reads."""

import re
from abc import ABC, abstractmethod
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from <%- packageName %>.evaluators.metrics import LabelCodes, label_codes, score_groups


@dataclass(frozen=True)
class Predictions:
    """Truth, predictions and optional scores as aligned numpy arrays.

    ``scores`` is ``None``, 1-D (score of the positive, i.e. greatest, label) or 2-D with one
    column per entry of ``labels``. A 2-D array without labels follows the sorted labels of
    ``y_true`` and ``y_pred`` (scikit-learn's ``classes_`` order); a DataFrame names them.
    ``weights`` (from ``reweighted``) count each sample that many times; ``score_groups``
    and ``label_codes`` cache the scores' tie groups and the labels' codes for reweighting
    (see ``evaluators.metrics``).
    """

    y_true: np.ndarray
    y_pred: np.ndarray
    scores: np.ndarray | None = None
    labels: tuple[Any, ...] | None = None
    weights: np.ndarray | None = None
    score_groups: list[tuple[np.ndarray, int]] | None = None
    label_codes: LabelCodes | None = None

    @classmethod
    def of(cls, y_true: Any, y_pred: Any, scores: Any = None) -> "Predictions":
        """Normalise array-likes (lists, Series, arrays, DataFrames) into ``Predictions``."""
        y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
        if y_true.shape != y_pred.shape or y_true.ndim != 1:
            raise ValueError(f"y_true {y_true.shape} and y_pred {y_pred.shape} must be 1-D alike")
        labels = None
        if isinstance(scores, pd.DataFrame):
            labels = tuple(scores.columns)
        if scores is not None:
            scores = np.asarray(scores, dtype=float)
            if scores.shape[0] != len(y_true) or scores.ndim not in (1, 2):
                raise ValueError(f"scores {scores.shape} do not match {len(y_true)} samples")
            if scores.ndim == 2:
                if labels is None:
                    labels = tuple(np.unique(np.concatenate([y_true, y_pred])))
                if len(labels) != scores.shape[1]:
                    raise ValueError(f"{scores.shape[1]} score columns for labels {labels}")
        return cls(y_true, y_pred, scores, labels)

    def __len__(self) -> int:
        return len(self.y_true)

    def take(self, index: np.ndarray) -> "Predictions":
        """Return the samples at positions ``index`` (used for slices and resampling)."""
        scores = None if self.scores is None else self.scores[index]
        weights = None if self.weights is None else self.weights[index]
        return Predictions(self.y_true[index], self.y_pred[index], scores, self.labels, weights)

    def reweighted(self, counts: np.ndarray) -> "Predictions":
        """Return the same samples, sample ``i`` counted ``counts[i]`` times.

        Equivalent to ``take`` of a resample with those counts, without copying the arrays;
        the scores' tie groups and the labels' codes are computed once and shared by every
        reweighting.
        """
        groups = self.score_groups
        if groups is None and self.scores is not None:
            columns = [self.scores] if self.scores.ndim == 1 else list(self.scores.T)
            groups = [score_groups(column) for column in columns]
        codes = self.label_codes
        if codes is None:
            codes = label_codes(self.y_true, self.y_pred)
        return replace(
            self,
            weights=np.asarray(counts, dtype=float),
            score_groups=groups,
            label_codes=codes,
        )


@dataclass(frozen=True)
class Evaluation:
    """What one evaluation produced.

    ``metrics`` by name (``Evaluator.evaluate`` gives the evaluator's own names; the
    evaluation flow, ``evaluation.evaluate_model``, logs them as ``test/<name>`` with their
    intervals and slices), the per-sample ``table``, the ``predictions`` scored, the slice
    table (``evaluation.slice_table``; empty without slices) and any figures drawn (PNG bytes).
    """

    metrics: dict[str, float]
    table: pd.DataFrame
    predictions: Predictions
    slices: pd.DataFrame = field(default_factory=pd.DataFrame)
    figures: dict[str, bytes] = field(default_factory=dict)


class Objective(NamedTuple):
    """The logged metric that ranks runs, and whether a lower value is better."""

    metric: str
    lower_is_better: bool

    @property
    def direction(self) -> str:
        """``minimize`` or ``maximize``, as Optuna names it."""
        return "minimize" if self.lower_is_better else "maximize"


SCOPES = ("test/", "cv/")
SUFFIXES = ("_ci_low", "_ci_high", "_mean")


class Evaluator(ABC):
    """Scores predictions for one kind of task.

    Contract:
        - ``metrics(predictions)`` returns ``dict[str, float]`` and leaves out metrics that
          are undefined for those samples (e.g. ROC AUC with one class), so it can be
          called on any slice or resample.
        - ``named_metrics(predictions, names)`` returns what ``metrics`` does for the
          ``names`` among them; the bootstrap calls it per resample with only the metrics it
          needs intervals for. Override it when computing fewer metrics is cheaper.
        - ``per_sample(predictions)`` returns per-sample columns (e.g. ``correct``,
          ``residual``), one row per sample.
        - ``headline`` names the metrics that get confidence intervals; the first ranks runs
          (``objective``), in the direction ``lower_is_better`` gives.
        - ``supports_weights``: set it to ``True`` only when every metric honours
          ``predictions.weights`` (a weight of ``k`` counts a sample ``k`` times, e.g.
          ``metrics.mean``); the bootstrap then reweights instead of copying each resample,
          and the contract test checks that counts score as copies. Default ``False``.
        - ``evaluate(y_true, y_pred, scores=None, metadata=None)`` returns an ``Evaluation``;
          ``scores`` may be 1-D or 2-D, ``metadata`` is copied into the table.
    """

    headline: tuple[str, ...] = ()
    lower_is_better: frozenset[str] = frozenset()
    supports_weights: bool = False

    @abstractmethod
    def metrics(self, predictions: Predictions) -> dict[str, float]:
        """Return the defined metrics for these predictions."""

    def named_metrics(self, predictions: Predictions, names: Collection[str]) -> dict[str, float]:
        """Return the defined metrics among ``names``: ``metrics`` without the others."""
        return {name: value for name, value in self.metrics(predictions).items() if name in names}

    @abstractmethod
    def per_sample(self, predictions: Predictions) -> dict[str, np.ndarray]:
        """Return per-sample columns such as ``correct`` or ``residual``."""

    def objective(self, metric: str | None = None) -> Objective:
        """Return ``metric`` (default ``test/<first headline>``) and its direction.

        The direction is that of the evaluator's metric the name is made from:
        ``test/rmse_ci_high``, ``fold/2/rmse`` and ``cv/rmse_mean`` rank like ``rmse``; a
        spread (``_std``) is always lower-is-better.
        """
        name = metric or f"test/{self.headline[0]}"
        base = re.sub(r"^fold/\d+/", "", name)
        for scope in SCOPES:
            base = base.removeprefix(scope)
        if base.endswith("_std"):
            return Objective(name, True)
        for suffix in SUFFIXES:
            base = base.removesuffix(suffix)
        return Objective(name, base in self.lower_is_better)

    def evaluate(
        self,
        y_true: Any,
        y_pred: Any,
        scores: Any = None,
        metadata: pd.DataFrame | None = None,
    ) -> Evaluation:
        """Compute the metrics and the per-sample table for one set of predictions."""
        predictions = Predictions.of(y_true, y_pred, scores)
        return Evaluation(self.metrics(predictions), self.table(predictions, metadata), predictions)

    def table(self, predictions: Predictions, metadata: pd.DataFrame | None = None) -> pd.DataFrame:
        """Return truth, prediction, scores, per-sample columns, then the metadata columns."""
        columns: dict[str, Any] = {"truth": predictions.y_true, "prediction": predictions.y_pred}
        if predictions.scores is not None and predictions.scores.ndim == 1:
            columns["score"] = predictions.scores
        elif predictions.scores is not None:
            for j, label in enumerate(predictions.labels or ()):
                columns[f"score_{label}"] = predictions.scores[:, j]
        columns.update(self.per_sample(predictions))
        table = pd.DataFrame(columns)
        if metadata is not None:
            if len(metadata) != len(table):
                raise ValueError(f"metadata has {len(metadata)} rows for {len(table)} samples")
            table = pd.concat([table, metadata.reset_index(drop=True)], axis=1)
        return table
