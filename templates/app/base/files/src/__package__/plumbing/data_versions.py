"""DVC versions of data files, read from DVC's pointer files: no DVC install is needed to read.

A file DVC tracks (``dvc add data/raw/x.csv``) has a pointer ``data/raw/x.csv.dvc`` beside it,
committed to git, whose ``outs`` entry records the file's MD5; a tracked folder
(``dvc add data/raw``) has ``data/raw.dvc``, and the MD5 of each file in it is in the folder's
``.dir`` manifest in DVC's cache. A run records the version of the data it read as
``dataset.dvc.*`` tags (see ``DvcVersion.tags``); ``reproduce`` calls ``ensure_recorded_data``
before it re-runs, so the re-run reads that version or stops with a one-line error.

Commands that change data (``dvc add``, ``dvc pull``) run as ``python -m dvc`` in this
environment; they need DVC installed (the dev set of a ``--data-versioning dvc`` project).
"""

import hashlib
import json
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from <%- packageName %>.errors import DataError

TAG_PREFIX = "dataset.dvc."
UNCOMMITTED = "uncommitted"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class DvcVersion:
    """The DVC version of one data file.

    ``pointer`` is the ``.dvc`` file and ``path`` the data file (both relative to the project
    root, ``/``-separated); ``md5`` is the hash the pointer records (a file's MD5, or a
    folder's ``<md5>.dir``); ``commit`` is the last git commit holding the pointer as it is
    now, ``uncommitted`` when the pointer differs from it, ``unknown`` outside git;
    ``modified`` is ``true`` when the file differs from that version (or is missing),
    ``unknown`` when it cannot be told (a folder whose manifest is not in the cache).
    """

    pointer: str
    path: str
    md5: str
    commit: str
    modified: str

    def tags(self) -> dict[str, str]:
        """Return the run tags ``dataset.dvc.<field>``, one per field."""
        return {
            f"{TAG_PREFIX}pointer": self.pointer,
            f"{TAG_PREFIX}path": self.path,
            f"{TAG_PREFIX}md5": self.md5,
            f"{TAG_PREFIX}commit": self.commit,
            f"{TAG_PREFIX}modified": self.modified,
        }


def dvc_version(path: Path, root: Path) -> DvcVersion | None:
    """Return the DVC version of the data file ``path``, or ``None`` when DVC does not track it.

    The pointer is ``<path>.dvc``, or ``<folder>.dvc`` for the closest folder above ``path``
    (below ``root``) that DVC tracks; a file outside ``root`` has none. A pointer DVC cannot
    have written raises ``DataError`` naming it.
    """
    path, root = path.resolve(), root.resolve()
    found = pointer_for(path, root) if path.is_relative_to(root) else None
    if found is None:
        return None
    pointer, out = found
    expected = expected_md5(pointer, out, path, root)
    if expected is None:
        modified = UNKNOWN
    else:
        modified = "false" if path.is_file() and file_md5(path) == expected else "true"
    return DvcVersion(
        pointer=pointer.relative_to(root).as_posix(),
        path=path.relative_to(root).as_posix(),
        md5=str(out["md5"]),
        commit=pointer_commit(pointer, root),
        modified=modified,
    )


def pointer_for(path: Path, root: Path) -> tuple[Path, Mapping[str, Any]] | None:
    """Return the ``.dvc`` file that tracks ``path`` (the file or a folder above it) and its out."""
    candidates = [path, *[folder for folder in path.parents if folder.is_relative_to(root)]]
    for tracked in candidates:
        if tracked == root:
            break
        pointer = tracked.with_name(f"{tracked.name}.dvc")
        if pointer.is_file():
            return pointer, read_out(pointer, tracked)
    return None


def read_out(pointer: Path, tracked: Path) -> Mapping[str, Any]:
    """Return the ``outs`` entry of ``pointer`` for ``tracked``; raise ``DataError`` if absent."""
    try:
        document = yaml.safe_load(pointer.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DataError(f"{pointer} is not a readable DVC file ({exc})") from exc
    outs = document.get("outs") if isinstance(document, dict) else None
    for out in outs if isinstance(outs, list) else []:
        if isinstance(out, dict) and out.get("path") == tracked.name and out.get("md5"):
            return out
    raise DataError(
        f"{pointer} names no output {tracked.name!r} with an md5: restore it from git,"
        f" or track the data again with `dvc add {tracked.name}`"
    )


def expected_md5(pointer: Path, out: Mapping[str, Any], path: Path, root: Path) -> str | None:
    """Return the MD5 the version records for ``path``, or ``None`` when it cannot be told.

    Only DVC 3 pointers (``hash: md5``) hash the bytes as they are; older ones normalised
    line endings first, so their files are ``unknown`` until ``dvc add`` rewrites them.
    """
    if out.get("hash") != "md5":
        return None
    md5 = str(out["md5"])
    if not md5.endswith(".dir"):
        return md5
    manifest = root / ".dvc" / "cache" / "files" / "md5" / md5[:2] / md5[2:]
    try:
        entries = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    relpath = path.relative_to(pointer.with_name(str(out["path"]))).as_posix()
    return next((str(e["md5"]) for e in entries if e.get("relpath") == relpath), None)


def file_md5(path: Path) -> str:
    """Return the MD5 hex digest of the file's bytes, as DVC 3 hashes a file."""
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def pointer_commit(pointer: Path, root: Path) -> str:
    """Return the last commit that holds ``pointer`` as it is, ``uncommitted`` or ``unknown``."""
    relative = pointer.relative_to(root).as_posix()
    try:
        changed = _git(root, "status", "--porcelain", "--", relative)
        commit = _git(root, "log", "-1", "--format=%H", "--", relative).strip()
    except (OSError, subprocess.SubprocessError):  # git missing, not a repository
        return UNKNOWN
    return UNCOMMITTED if changed.strip() or not commit else commit


def ensure_recorded_data(tags: Mapping[str, str], root: Path, run_id: str) -> str | None:
    """Make sure the work tree holds the data version a run recorded; return a warning or ``None``.

    Nothing is checked for a run that read no DVC-tracked data. When the work tree's pointer
    records the run's version but the file is missing (a fresh clone), it is fetched with
    ``dvc pull <pointer>``, which overwrites nothing. Any other difference raises
    ``DataError`` with the commands that bring the version back: reproduce never
    changes a pointer or a data file the user may have edited. A run that read data DVC did
    not hold (modified, or an uncommitted pointer) only gets a warning: its fingerprint is
    all there is to compare.
    """
    pointer, md5 = tags.get(f"{TAG_PREFIX}pointer"), tags.get(f"{TAG_PREFIX}md5")
    path, commit = tags.get(f"{TAG_PREFIX}path"), tags.get(f"{TAG_PREFIX}commit")
    if not pointer or not md5 or not path:
        return None
    if tags.get(f"{TAG_PREFIX}modified") == "true" or commit in (UNCOMMITTED, UNKNOWN, None):
        return (
            f"run {run_id} read {path} as no committed DVC version holds it"
            f" (pointer {pointer} {commit}, modified {tags.get(f'{TAG_PREFIX}modified')}):"
            " only the data fingerprints can be compared"
        )
    now = dvc_version(root / path, root)
    if now is not None and now.md5 == md5 and now.modified == "false":
        return None
    back = f"`git checkout {commit[:12]} -- {pointer} && dvc pull {pointer}`"
    if now is None or now.md5 != md5:
        here = "no DVC version" if now is None else f"version {now.md5[:12]}"
        raise DataError(
            f"run {run_id} read {path} at DVC version {md5[:12]} ({pointer} in commit"
            f" {commit[:12]}), the work tree has {here}: get that version with {back},"
            " then reproduce again"
        )
    if (root / path).exists():
        raise DataError(
            f"{path} differs from its DVC version {md5[:12]}, which run {run_id} read: restore it"
            f" with `dvc checkout {pointer}` (or record your change with `dvc add {path}` and"
            " commit it), then reproduce again"
        )
    dvc(root, "pull", "--quiet", pointer)
    fetched = dvc_version(root / path, root)
    if fetched is None or fetched.modified != "false":
        raise DataError(f"`dvc pull {pointer}` did not bring back {path} at {md5[:12]}")
    return None


def track(path: Path, root: Path) -> DvcVersion | None:
    """``dvc add`` the data file ``path`` when the project uses DVC (``root/.dvc`` exists).

    Returns the new version, or ``None`` in a project without DVC or for a file outside the
    project. A file DVC tracks through a folder (``data/raw.dvc``) re-adds that folder.
    """
    path, root = path.resolve(), root.resolve()
    if not (root / ".dvc").is_dir() or not path.is_relative_to(root):
        return None
    found = pointer_for(path, root)
    tracked = path if found is None else found[0].with_name(found[0].name.removesuffix(".dvc"))
    dvc(root, "add", "--quiet", tracked.relative_to(root).as_posix())
    return dvc_version(path, root)


def dvc(root: Path, *args: str) -> None:
    """Run ``python -m dvc <args>`` in ``root``; a failure raises its last line as ``DataError``."""
    try:
        result = subprocess.run(
            [sys.executable, "-m", "dvc", *args],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError as exc:
        raise DataError(f"could not run dvc {args[0]}: {exc}") from exc
    if result.returncode == 0:
        return
    lines = [line.strip() for line in (result.stderr + result.stdout).splitlines() if line.strip()]
    if any("No module named dvc" in line for line in lines):
        raise DataError(
            f"dvc is not installed in this environment ({sys.executable}): install the"
            " project's dev set (`make requirements`), then run the command again"
        )
    errors = [line for line in lines if line.startswith("ERROR")] or lines[-1:] or ["no output"]
    raise DataError(f"dvc {' '.join(args)} failed: {errors[0]}")


def _git(root: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True, timeout=10
    )
    return result.stdout
