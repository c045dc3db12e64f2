"""Every test runs inside a scratch project so nothing touches the real one."""

import shutil
from pathlib import Path

import pytest

from <%- packageName %>.config import ExperimentConfig, load_config
from <%- packageName %>.paths import resolve_path
from <%- packageName %>.registry import DATASETS, EVALUATORS, MODELS, TRACKERS

REPO = Path(__file__).resolve().parents[1]
CONFIG_FILES = sorted((REPO / "configs").glob("*.yaml"))
FAST = ("evaluator.bootstrap.n_resamples=50", "tracker.name=local", "tracker.params={}")


@pytest.fixture(autouse=True)
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project root in tmp_path: pyproject.toml, a copy of configs/, cwd set to it."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "scratch"\n')
    shutil.copytree(REPO / "configs", root / "configs")
    monkeypatch.chdir(root)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    return root


@pytest.fixture(scope="session")
def store_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project folder shared by tests that open tracker stores (a new MLflow DB takes ~1s)."""
    root = tmp_path_factory.mktemp("stores")
    (root / "pyproject.toml").write_text('[project]\nname = "stores"\n')
    return root


@pytest.fixture
def registries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let a test register and unregister blocks; the registries are restored afterwards."""
    for registry in (DATASETS, MODELS, EVALUATORS, TRACKERS):
        registry.discover()
        monkeypatch.setattr(registry, "_factories", dict(registry._factories))


def fast_config(name: str = "experiment.yaml", *overrides: str) -> ExperimentConfig:
    """Load a config from the scratch project with a local tracker and a short bootstrap."""
    return load_config(Path("configs") / name, (*FAST, *overrides))


def example_data_file() -> Path:
    """The example dataset's CSV, wherever the default config puts it."""
    return resolve_path(fast_config().dataset.params["path"])
