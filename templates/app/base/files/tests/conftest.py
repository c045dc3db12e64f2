"""Every test runs inside a scratch project so nothing touches the real one."""

import contextlib
import functools
import gc
import io
import os
import shutil
import signal
import subprocess
import sys
import time
import traceback
import uuid
import warnings
from collections.abc import Callable
<% if (usesMlflow) { -%>
from importlib import metadata
<% } -%>
from pathlib import Path
from typing import Literal

import pytest

from <%- packageName %>.errors import TrackerError
from <%- packageName %>.plumbing.config import ExperimentConfig, load_config
from <%- packageName %>.plumbing.paths import resolve_path
from <%- packageName %>.plumbing.registry import (
    DATASETS,
    EVALUATORS,
    MODELS,
    SPLITS,
    TRACKERS,
)

REPO = Path(__file__).resolve().parents[1]
CONFIG_FILES = sorted((REPO / "configs").glob("*.yaml"))
FAST = (
    "evaluator.bootstrap.n_resamples=50",
    "evaluator.figures=false",
    "tracker.name=local",
    "tracker.params={}",
)


@pytest.fixture(autouse=True)
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project root in tmp_path: pyproject.toml, a copy of configs/, cwd set to it."""
    return enter_scratch_project(tmp_path, monkeypatch)


def enter_scratch_project(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Make ``folder/project`` a scratch project outside any git repository and cd into it."""
    root = folder / "project"
    root.mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "scratch"\n')
    shutil.copytree(REPO / "configs", root / "configs")
    monkeypatch.chdir(root)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(folder))
    return root


def once_per_session(fixture_name: str, config: pytest.Config) -> Literal["function", "session"]:
    """``session``, or ``function`` under mutmut (which sets ``MUTANT_UNDER_TEST``).

    mutmut runs a mutant against the tests it saw reach the mutated function, and it credits
    what a session fixture runs to the first test that used it; made per test, the fixture's
    code is credited to every test that relies on it.
    """
    return "function" if "MUTANT_UNDER_TEST" in os.environ else "session"


@pytest.fixture(scope=once_per_session)
def finished_example(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A scratch project holding one run of ``fast_config()``, made once per session."""
    from <%- packageName %>.experiment import run_experiment  # scikit-learn: not at collection

    with pytest.MonkeyPatch.context() as monkeypatch:
        root = enter_scratch_project(tmp_path_factory.mktemp("example"), monkeypatch)
        return root, run_experiment(fast_config()).run_id


@pytest.fixture
def example_run(project: Path, finished_example: tuple[Path, str]) -> str:
    """The session's run of ``fast_config()``, copied into this test's project: its id.

    For tests that read, predict with or reproduce a finished default run: each gets its own
    copy of that project's files (data, runs, reports) instead of paying for a run.
    """
    source, run_id = finished_example
    shutil.copytree(source, project, dirs_exist_ok=True)
    return run_id


def pytest_collection_finish(session: pytest.Session) -> None:
    """Exempt what the imports made from garbage collection: every collection gets cheaper."""
    gc.freeze()


@pytest.fixture(scope="session")
def store_root(tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config) -> Path:
    """A project folder shared by tests that open tracker stores, created once per session."""
    root = tmp_path_factory.mktemp("stores")
    (root / "pyproject.toml").write_text('[project]\nname = "stores"\n')
<% if (usesMlflow) { -%>
    seed_mlflow_store(pytestconfig, root / "mlflow.db")
<% } -%>
    return root
<% if (usesMlflow) { -%>


def seed_mlflow_store(config: pytest.Config, database: Path) -> None:
    """Put an empty MLflow SQLite store at ``database``, copied from pytest's cache.

    A new store runs every MLflow schema migration, seconds on a slow disk; the copy takes
    milliseconds. The cached store is made by MLflow itself, once per MLflow version. Without
    pytest's cache (``-p no:cacheprovider``) the tracker creates the store as usual.
    """
    cache = getattr(config, "cache", None)
    if cache is None:
        return
    version = "unknown"
    for name in ("mlflow-skinny", "mlflow"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            version = metadata.version(name)
            break
    folder = cache.mkdir(f"mlflow-store-{version}")
    seed = folder / "mlflow.db"
    if not seed.is_file():
        from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

        partial = folder / f"mlflow-{uuid.uuid4().hex}.db"
        store = SqlAlchemyStore(f"sqlite:///{partial.as_posix()}", str(folder / "artifacts"))
        store.engine.dispose()
        partial.replace(seed)  # atomic: a parallel session sees a whole store or none
    shutil.copyfile(seed, database)
<% } -%>


@pytest.fixture
def registries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let a test register and unregister blocks; the registries are restored afterwards."""
    for registry in (DATASETS, MODELS, SPLITS, EVALUATORS, TRACKERS):
        registry.discover()
        monkeypatch.setattr(registry, "_factories", dict(registry._factories))


def fast_config(name: str = "experiment.yaml", *overrides: str) -> ExperimentConfig:
    """Load a config from the scratch project with a local tracker and a short bootstrap."""
    return load_config(Path("configs") / name, (*FAST, *overrides))


def example_data_file() -> Path:
    """The example dataset's CSV, wherever the default config puts it."""
    return resolve_path(fast_config().dataset.params["path"])


def check_tracker(tracker) -> None:
    """Check the ``Tracker`` contract: log, read back, fail, interrupt, search (its docstring).

    ``test_contracts.py`` runs it on every registered tracker; trackers that need a live
    service run it in their own tests against a fake of their SDK.
    """
    experiment = f"contract-{uuid.uuid4().hex[:8]}"
    with tracker.start_run(experiment, tags={"stage": "test"}) as run:
        run.log_params({"alpha": 0.5, "model.name": "m"})
        run.log_metrics({"test/accuracy": 0.75, "slice/group/a b/accuracy": 1.0})
        run.set_tags({"git.dirty": "false"})
        run.log_artifact("predictions.csv", "id,truth\n0,1\n")
        run.log_artifact("environment/packages.txt", b"numpy==2\n")
        run.log_image("figures/check.png", check_png())
        run_id = run.run_id

    record = tracker.get_run(run_id)
    assert record.run_id == run_id and record.experiment == experiment
    assert record.status == "FINISHED"
    assert record.params["alpha"] == "0.5" and record.params["model.name"] == "m"
    assert record.metrics["test/accuracy"] == 0.75
    assert record.metrics["slice/group/a b/accuracy"] == 1.0
    assert record.tags["stage"] == "test" and record.tags["git.dirty"] == "false"
    assert tracker.read_artifact(run_id, "predictions.csv") == b"id,truth\n0,1\n"
    assert tracker.read_artifact(run_id, "environment/packages.txt") == b"numpy==2\n"
    assert png_pixels(tracker.read_artifact(run_id, "figures/check.png")) == png_pixels(check_png())
    with pytest.raises(TrackerError):
        tracker.read_artifact(run_id, "absent.txt")

    with pytest.raises(RuntimeError, match="boom"), tracker.start_run(experiment) as failed:
        raise RuntimeError("boom")
    assert tracker.get_run(failed.run_id).status == "FAILED"
    with pytest.raises(KeyboardInterrupt) as interrupt, tracker.start_run(experiment) as killed:
        raise KeyboardInterrupt  # Ctrl-C; the CLI raises its subclass Terminated on SIGTERM
    assert tracker.get_run(killed.run_id).status == "KILLED"
    assert interrupt.value.__notes__ == [f"run {killed.run_id} ended KILLED"]

    ranked = [record.run_id for record in tracker.search_runs(experiment)]
    assert ranked[-1] == run_id and set(ranked) == {failed.run_id, killed.run_id, run_id}
    assert tracker.search_runs("no-such-experiment") == []
    with pytest.raises(TrackerError):
        tracker.get_run("0" * 32)
    assert isinstance(tracker.ui_hint(), str) and tracker.ui_hint()


def png_pixels(png: bytes) -> tuple[tuple[int, int], bytes]:
    """Decode PNG bytes (Pillow) into ``(size, RGBA pixels)``; raises if it is no image."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        rgba = image.convert("RGBA")
        return rgba.size, rgba.tobytes()


@functools.cache
def check_png() -> bytes:
    """A 4x3 white PNG with one red pixel, for the ``log_image`` contract."""
    from PIL import Image

    image = Image.new("RGB", (4, 3), "white")
    image.putpixel((1, 2), (200, 30, 10))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


class Forked:
    """``target()`` in a child process forked from the test process, like a small ``Popen``.

    For tests that signal a command mid-run: the child starts with everything this process
    has imported, so it pays no interpreter start-up. Its stdout is the pipe ``stdout``, its
    stderr goes to the file ``stderr_path``, and it leaves with ``os._exit(target())``, never
    back into pytest (a traceback goes to stderr and the exit status is 70).
    """

    def __init__(self, target: Callable[[], int], stderr_path: Path) -> None:
        self.stderr_path = stderr_path
        self.returncode: int | None = None
        read, write = os.pipe()
        with stderr_path.open("w") as stderr, warnings.catch_warnings():
            # Python 3.12+ warns at a fork while other threads run; here they are BLAS's
            # native worker threads, which survive a fork.
            warnings.filterwarnings("ignore", "This process .* is multi-threaded")
            self.pid = os.fork()
            if self.pid == 0:
                os.close(read)
                _run_forked(target, write, stderr.fileno())
        os.close(write)
        self.stdout = os.fdopen(read, encoding="utf-8")

    def send_signal(self, signum: int) -> None:
        os.kill(self.pid, signum)

    def poll(self) -> int | None:
        """Return the child's exit code (``-N`` when signal N ended it), or ``None``."""
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float = 60) -> int:
        """Wait for the child to end; return its exit code as ``poll`` does."""
        deadline = time.monotonic() + timeout
        while (code := self.poll()) is None:
            if time.monotonic() > deadline:
                raise TimeoutError(f"forked child {self.pid} still runs after {timeout} s")
            time.sleep(0.02)
        return code

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8")

    def kill(self) -> None:
        """End the child if it still runs, reap it and close the pipe (for ``finally``)."""
        if self.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            self.wait()
        self.stdout.close()


def _run_forked(target: Callable[[], int], stdout: int, stderr: int) -> None:
    code = 70
    try:
        os.dup2(stdout, 1)
        os.dup2(stderr, 2)
        # buffered as in a new interpreter: stdout by blocks, stderr by lines
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", buffering=1, encoding="utf-8", closefd=False)  # noqa: SIM115
        code = target()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def commit_project(project: Path, ignored: str = "data/\nruns/\n") -> str:
    """Make the scratch project a git repository with one commit; return the commit id."""

    def git(*args: str) -> str:
        run = subprocess.run(
            ["git", *args], cwd=project, check=True, capture_output=True, text=True
        )
        return run.stdout.strip()

    git("init", "-q")
    (project / ".gitignore").write_text(ignored)
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "init")
    return git("rev-parse", "HEAD")
