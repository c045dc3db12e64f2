"""Contract tests for every registered block; new blocks are covered without new tests.

How blocks are instantiated:

- Datasets, models and evaluators are built from every ``configs/*.yaml`` that selects them,
  with that config's params; models are fitted and evaluators fed with the dataset of the
  same config, so each is tested on data of its own task. A registered dataset, model or
  evaluator that no config selects fails ``test_every_block_is_selected_by_a_config``: add a
  config snippet (e.g. ``extends: experiment.yaml`` plus the new block) to get it tested.
- Splits are checked on the data of every config (with that config's split) and each
  registered split on ``MockDataset``, with the params of a config selecting it, else
  ``SPLIT_PARAMS``, else none: a split that needs params no config gives gets them there.
- Trackers are built with their default params inside a scratch project shared by the
  session (so their stores land in tmp and are created once), with an empty home folder and
  their ``offline_env`` set; ``MockTracker`` takes the same test. A tracker whose package
  (class attribute ``requires``) is missing fails a test: the project's dependencies include
  it. Trackers that need a live service (class attribute ``credentials``, no ``offline_env``)
  are left out of the recording test: this file checks that
  without credentials they fail at start with one line naming those variables, and their own
  test file runs ``conftest.check_tracker`` against a fake of their SDK.
"""

import contextlib
import importlib.util
import math
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from <%- packageName %>.datasets.base import Dataset, frame_sha256
from <%- packageName %>.errors import TrackerError
from <%- packageName %>.evaluators.base import Evaluation, Evaluator, Predictions
from <%- packageName %>.models.base import Model
from <%- packageName %>.plumbing.config import load_config
from <%- packageName %>.plumbing.registry import (
    DATASETS,
    EVALUATORS,
    MODELS,
    SPLITS,
    TRACKERS,
)
from <%- packageName %>.splits.base import Fold, Split
from <%- packageName %>.splits.holdout import Holdout

from conftest import CONFIG_FILES, check_tracker
from mocks import MockDataset, MockModel, MockTracker

CONFIGS = {path.name: load_config(path) for path in CONFIG_FILES}


def selections(kind: str) -> list:
    return [
        pytest.param(name, id=f"{getattr(config, kind).name}@{name}")
        for name, config in CONFIGS.items()
    ]


def build(kind: str, config_name: str):
    block = getattr(CONFIGS[config_name], kind)
    registry = {"dataset": DATASETS, "model": MODELS, "evaluator": EVALUATORS}[kind]
    return registry.build(block.name, block.params)


def test_every_config_file_is_checked():
    assert CONFIGS, "no configs/*.yaml found"


@pytest.mark.parametrize(
    ("registry", "kind"),
    [(DATASETS, "dataset"), (MODELS, "model"), (EVALUATORS, "evaluator")],
    ids=["datasets", "models", "evaluators"],
)
def test_every_block_is_selected_by_a_config(registry, kind):
    selected = {getattr(config, kind).name for config in CONFIGS.values()}
    missing = set(registry.names()) - selected
    assert not missing, f"select these {kind}s in a configs/*.yaml to test them: {missing}"


# --- datasets -------------------------------------------------------------------------------


def check_dataset(dataset: Dataset) -> None:
    assert isinstance(dataset.name, str) and dataset.name
    assert isinstance(dataset.version, str) and dataset.version
    X, y = dataset.load()
    assert isinstance(X, pd.DataFrame) and isinstance(y, pd.Series)
    assert len(X) == len(y) > 0
    assert X.index.equals(y.index) and X.index.is_unique
    assert dataset.load()[0] is X, "load() must cache"

    fingerprint = dataset.fingerprint()
    assert re.fullmatch(r"[0-9a-f]{64}", fingerprint)
    assert dataset.fingerprint() == fingerprint

    assert len(dataset) == len(X)
    features, target = dataset[0]
    assert len(features) == X.shape[1] and target == y.iloc[0]
    with pytest.raises(IndexError):
        dataset[len(dataset)]


@pytest.mark.parametrize("config_name", selections("dataset"))
def test_dataset_contract(config_name):
    dataset = build("dataset", config_name)
    check_dataset(dataset)
    assert build("dataset", config_name).fingerprint() == dataset.fingerprint()


def test_mock_dataset_meets_the_contract():
    check_dataset(MockDataset())


# --- models ---------------------------------------------------------------------------------


def check_model(model, X, y) -> None:
    assert isinstance(model, Model)
    copy = clone(model)
    assert (
        copy is not model
        and copy.get_params(deep=False).keys() == model.get_params(deep=False).keys()
    )
    assert model.fit(X, y) is model
    predictions = np.asarray(model.predict(X))
    assert predictions.shape == (len(X),)
    if hasattr(model, "predict_proba"):
        probabilities = np.asarray(model.predict_proba(X))
        assert hasattr(model, "classes_"), "predict_proba columns follow classes_"
        assert probabilities.shape == (len(X), len(model.classes_))
        np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)


@pytest.mark.parametrize("config_name", selections("model"))
def test_model_contract(config_name):
    X, y = build("dataset", config_name).load()
    (fold,) = Holdout(0.25).folds(X, y, seed=0)
    check_model(build("model", config_name), X.iloc[fold.train], y.iloc[fold.train])


def test_mock_model_meets_the_contract():
    X, y = MockDataset().load()
    check_model(MockModel(smoothing=1.0), X, y)


def test_plain_pipeline_is_a_model():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    assert isinstance(Pipeline([("model", LogisticRegression())]), Model)
    assert not isinstance(object(), Model)


# --- splits ---------------------------------------------------------------------------------

SPLIT_PARAMS = {"group": {"column": "group"}, "time_ordered": {"column": "x"}}
"""Params for splits no config selects, fitting ``MockDataset`` (``x`` grows, ``group``)."""


def check_split(split: Split, X: pd.DataFrame, y: pd.Series) -> None:
    folds = split.folds(X, y, seed=7)
    assert folds and all(isinstance(fold, Fold) for fold in folds)
    for fold in folds:
        for part in fold:
            assert part.dtype.kind == "i" and len(part) > 0
            assert np.all(np.diff(part) > 0), "parts are sorted, without repeats"
            assert part[0] >= 0 and part[-1] < len(X)
        assert not set(fold.train) & set(fold.test), "a row in both parts"
    again = split.folds(X, y, seed=7)
    assert all(np.array_equal(a.test, b.test) for a, b in zip(folds, again, strict=True))
    if len(folds) == 1:
        assert len(folds[0].train) + len(folds[0].test) == len(X), "a hold-out uses every row"
    else:
        tested = np.sort(np.concatenate([fold.test for fold in folds]))
        assert np.array_equal(tested, np.arange(len(X))), "every row tested exactly once"


@pytest.mark.parametrize("config_name", selections("split"))
def test_split_contract_on_each_configs_data(config_name):
    config = CONFIGS[config_name]
    X, y = build("dataset", config_name).load()
    check_split(SPLITS.build(config.split.name, config.split.params), X, y)


@pytest.mark.parametrize("name", SPLITS.names())
def test_split_contract(name):
    selected = [c.split.params for c in CONFIGS.values() if c.split.name == name]
    params = selected[0] if selected else SPLIT_PARAMS.get(name, {})
    X, y = MockDataset().load()
    check_split(SPLITS.build(name, params), X, y)


# --- evaluators -----------------------------------------------------------------------------


@pytest.mark.parametrize("config_name", selections("evaluator"))
def test_evaluator_contract(config_name):
    evaluator = build("evaluator", config_name)
    assert isinstance(evaluator, Evaluator) and evaluator.headline
    y = build("dataset", config_name).load()[1]
    metadata = pd.DataFrame({"tag": np.arange(len(y)) % 3})

    result = evaluator.evaluate(y, y, metadata=metadata)
    assert isinstance(result, Evaluation)
    assert evaluator.headline[0] in result.metrics
    assert all(isinstance(v, float) and math.isfinite(v) for v in result.metrics.values())
    assert len(result.table) == len(y)
    assert {"truth", "prediction", "tag"} <= set(result.table.columns)

    shifted = evaluator.evaluate(y, np.roll(y.to_numpy(), 1))
    assert set(shifted.metrics) <= set(result.metrics) | set(evaluator.headline)
    assert evaluator.evaluate(y[:1], y[:1]).metrics is not None  # one sample must not raise
    assert evaluator.evaluate(y[:0], y[:0]).metrics == {}

    # the bootstrap scores each resample with named_metrics and only the metrics it needs
    predictions = Predictions.of(y, np.roll(y.to_numpy(), 1))
    full = evaluator.metrics(predictions)
    for names in [*((name,) for name in evaluator.headline), evaluator.headline]:
        expected = {name: value for name, value in full.items() if name in names}
        assert evaluator.named_metrics(predictions, names) == expected

    if evaluator.supports_weights:
        # the bootstrap then scores a resample as counts over the same rows: every metric must
        # read predictions.weights, or its interval is that of the whole set, with no width
        predictions = Predictions.of(y, np.roll(y.to_numpy(), 1))
        rng = np.random.default_rng(0)
        for _ in range(3):
            resample = rng.integers(0, len(y), len(y))
            counts = np.bincount(resample, minlength=len(y))
            copied = evaluator.metrics(predictions.take(resample))
            assert evaluator.metrics(predictions.reweighted(counts)) == pytest.approx(copied)


# --- trackers -------------------------------------------------------------------------------


class TokenTracker(MockTracker):
    """A mock tracker that needs a credential, to test the missing-credential contract."""

    credentials = ("MOCK_TRACKER_TOKEN",)

    def _open_run(self, experiment, run_name, tags):
        if not os.environ.get("MOCK_TRACKER_TOKEN"):
            raise TrackerError("mock tracker: set MOCK_TRACKER_TOKEN")
        return super()._open_run(experiment, run_name, tags)


def missing_modules(factory) -> list[str]:
    missing = []
    for module in getattr(factory, "requires", ()):
        try:
            found = importlib.util.find_spec(module) is not None
        except ModuleNotFoundError:  # a parent package is missing
            found = False
        if not found:
            missing.append(module)
    return missing


def needs_service(factory) -> bool:
    return bool(getattr(factory, "credentials", ())) and not getattr(factory, "offline_env", {})


def default_trackers() -> list:
    """Every tracker that can record here: trackers needing a live service are left out.

    Those are covered twice instead: ``test_missing_credentials_fail_in_one_line`` below, and
    their own test file, which runs ``conftest.check_tracker`` against a fake of their SDK.
    """
    cases = [
        pytest.param(name, id=name)
        for name in TRACKERS.names()
        if not needs_service(TRACKERS.get(name))
    ]
    return [*cases, pytest.param("mock", id="MockTracker")]


def test_every_tracker_package_is_installed():
    missing = {name: missing_modules(TRACKERS.get(name)) for name in TRACKERS.names()}
    assert not any(missing.values()), f"install the project's dependencies: {missing}"


def credentialed_trackers() -> list:
    names = [name for name in TRACKERS.names() if getattr(TRACKERS.get(name), "credentials", ())]
    cases = [pytest.param(name, id=name) for name in names]
    return [*cases, pytest.param("token-mock", id="TokenTracker")]


def empty_home(monkeypatch, folder: Path) -> None:
    """Hide the user's logins and config files (``~/.netrc``, CLI profiles...)."""
    folder.mkdir(exist_ok=True)
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.setenv("USERPROFILE", str(folder))


@pytest.mark.parametrize("name", default_trackers())
def test_tracker_contract(name, store_root, monkeypatch):
    monkeypatch.chdir(store_root)
    empty_home(monkeypatch, store_root / "home")
    if name == "mock":
        tracker = MockTracker()
    else:
        for key, value in getattr(TRACKERS.get(name), "offline_env", {}).items():
            monkeypatch.setenv(key, value)
        tracker = TRACKERS.build(name)
    check_tracker(tracker)


@pytest.mark.parametrize("name", credentialed_trackers())
def test_tracker_without_credentials_fails_at_start_in_one_line(name, tmp_path, monkeypatch):
    empty_home(monkeypatch, tmp_path / "home")
    factory = TokenTracker if name == "token-mock" else TRACKERS.get(name)
    for variable in (*factory.credentials, *getattr(factory, "offline_env", {})):
        monkeypatch.delenv(variable, raising=False)
    tracker = TokenTracker() if name == "token-mock" else TRACKERS.build(name)

    with pytest.raises(TrackerError) as caught, tracker.start_run("no-credentials"):
        pytest.fail("the body must not run")
    message = str(caught.value)
    assert "\n" not in message.strip()
    assert all(variable in message for variable in factory.credentials), message
    with contextlib.suppress(TrackerError):  # a tracker may not read without credentials
        assert tracker.search_runs("no-credentials") == [], "a run was left behind"
    assert isinstance(tracker.ui_hint(), str) and tracker.ui_hint()


def test_frame_sha256_follows_every_value_row_order_column_and_dtype():
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": ["x", "y", "z"]})
    digest = frame_sha256(frame)
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert frame_sha256(frame.copy()) == digest
    changed = [
        frame.assign(a=[1.0, 2.0, 3.5]),
        frame.iloc[[1, 0, 2]],
        frame.rename(columns={"b": "c"}),
        frame.astype({"a": "float32"}),
        frame[["b", "a"]],
    ]
    assert len({digest, *map(frame_sha256, changed)}) == 1 + len(changed)
    # values pandas cannot hash row by row are hashed through their CSV text
    lists = pd.DataFrame({"a": [[1], [2]]})
    assert frame_sha256(lists) != frame_sha256(pd.DataFrame({"a": [[1], [3]]}))
