"""What every run records so it can be audited and reproduced, whatever the tracker.

Params: the resolved config, flattened (``model.params.C``). Tags: ``dataset.*`` (name,
version, SHA-256 ``fingerprint``; ``dataset.dvc.*`` when DVC tracks the dataset's file, see
``data_versions.py``), ``seed``, ``git.commit``, ``git.dirty``
(``true``/``false``/``unknown``), ``python.version``, ``platform``, ``environment.sha256``.
Artifacts: ``config.yaml``, ``environment/packages.txt`` plus any lock or requirements file
at the project root, and ``git.diff`` when the work tree is dirty.
"""

import functools
import hashlib
import platform
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from <%- packageName %>.datasets.base import Dataset, frame_sha256
from <%- packageName %>.plumbing.config import ExperimentConfig, flatten
from <%- packageName %>.plumbing.data_versions import dvc_version
from <%- packageName %>.plumbing.paths import project_root
from <%- packageName %>.splits.base import Fold
from <%- packageName %>.trackers.base import Run

CONFIG_ARTIFACT = "config.yaml"
PACKAGES_ARTIFACT = "environment/packages.txt"
DIFF_ARTIFACT = "git.diff"
# the files that pin or declare the <%- envTool %> environment, recorded with every run
LOCK_PATTERNS = <%- lockPatterns %>
UNKNOWN = "unknown"


@dataclass(frozen=True)
class GitState:
    """Commit and dirty flag of the project's work tree (``unknown`` outside git)."""

    commit: str = UNKNOWN
    dirty: str = UNKNOWN
    diff: str = ""


def record_run_context(run: Run, config: ExperimentConfig, dataset: Dataset) -> dict[str, Any]:
    """Log the params, tags and artifacts listed in the module docstring; return the tags."""
    root = project_root()
    packages = installed_packages()
    git = git_state(root)
    run.log_params(flatten(config.to_dict()))
    tags: dict[str, Any] = {
        "dataset.name": dataset.name,
        "dataset.version": dataset.version,
        "dataset.fingerprint": dataset.fingerprint(),
        "seed": config.seed,
        "git.commit": git.commit,
        "git.dirty": git.dirty,
        "python.version": platform.python_version(),
        "platform": platform.platform(),
        "environment.sha256": sha256_text(packages),
    }
    path = getattr(dataset, "path", None)
    version = dvc_version(Path(path), root) if path is not None else None
    if version is not None:
        tags.update(version.tags())
    run.set_tags(tags)
    run.log_artifact(CONFIG_ARTIFACT, config.to_yaml())
    run.log_artifact(PACKAGES_ARTIFACT, packages)
    for path in lock_files(root):
        run.log_artifact(f"environment/{path.name}", path.read_bytes())
    if git.dirty == "true":
        run.log_artifact(DIFF_ARTIFACT, git.diff)
    return tags


def log_data_inputs(
    run: Run, dataset: Dataset, X: pd.DataFrame, y: pd.Series, folds: list[Fold]
) -> None:
    """Log the train and test parts as tracker inputs, each with its own digest.

    With several folds (cross-validation) every row trains and tests: the whole table is
    logged once, as ``cross-validation``.
    """
    source = str(getattr(dataset, "path", "")) or None
    if len(folds) == 1:
        X_train, X_test, y_train, y_test = folds[0].take(X, y)
        parts = {"training": (X_train, y_train), "testing": (X_test, y_test)}
    else:
        parts = {"cross-validation": (X, y)}
    for context, (features, target) in parts.items():
        frame = pd.concat([features, target], axis=1)
        digest = frame_sha256(frame)[:12]
        run.log_input(frame, name=dataset.name, context=context, digest=digest, source=source)


def git_state(root: Path) -> GitState:
    """Return the commit, dirty flag and ``status`` + ``diff HEAD`` text of ``root``."""
    try:
        commit = _git(root, "rev-parse", "HEAD").strip()
        status = _git(root, "status", "--porcelain")
        diff = _git(root, "diff", "HEAD") if status else ""
    except (OSError, subprocess.SubprocessError):  # git missing, not a repo, no commit yet
        return GitState()
    text = f"# git status --porcelain\n{status}\n# git diff HEAD\n{diff}"
    return GitState(commit, "true" if status.strip() else "false", text)


@functools.cache
def installed_packages() -> str:
    """Return the installed distributions as sorted ``name==version`` lines (read once)."""
    lines = {f"{dist.metadata['Name']}=={dist.version}" for dist in metadata.distributions()}
    return "\n".join(sorted(lines, key=str.lower)) + "\n"


def lock_files(root: Path) -> list[Path]:
    """Return the files matching ``LOCK_PATTERNS`` present at ``root``, sorted."""
    return sorted({path for pattern in LOCK_PATTERNS for path in root.glob(pattern)})


def sha256_text(text: str) -> str:
    """Return the SHA-256 hex digest of UTF-8 ``text``."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _git(root: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True, timeout=10
    )
    return result.stdout
