"""Copy ``data/`` to and from the project's data storage.

``python -m <%- packageName %> sync up`` copies it there, ``sync down`` back.

The storage is ``url:`` in ``configs/storage/data.yaml``; ``DATA_STORAGE_URL`` in the
environment (or ``.env``) replaces it on one machine. Files go through fsspec, which picks the
filesystem by the URL's protocol (``az://`` adlfs, ``s3://`` s3fs, ``gs://`` gcsfs, a plain
path the local disk). Credentials come from the environment only, under the names DVC's
plugins read too (see ``storage_options``), so the same ``.env`` serves both.

``up`` uploads every file under ``data/``, replacing the storage's copy of the same name.
``down`` downloads the storage's files: a file ``data/`` lacks is written, an identical one is
left alone, and one that differs is kept and reported unless ``overwrite`` is given. Nothing is
deleted on either side; ``.gitkeep`` files are skipped.
"""

import argparse
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from <%- packageName %>.errors import ConfigError, DataError
from <%- packageName %>.plumbing.paths import project_root

DATA_DIR = "data"
CONFIG_FILE = "configs/storage/data.yaml"
URL_VARIABLE = "DATA_STORAGE_URL"
SKIPPED = {".gitkeep"}


@dataclass
class SyncResult:
    """Files copied, files already the same, and local files kept because they differ."""

    copied: list[str] = field(default_factory=list)
    same: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def storage_url(root: Path) -> str:
    """Return ``DATA_STORAGE_URL`` if set, else ``url:`` of ``configs/storage/data.yaml``."""
    url = os.environ.get(URL_VARIABLE, "").strip()
    if url:
        return url
    config = root / CONFIG_FILE
    try:
        document = yaml.safe_load(config.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(
            f"cannot read {CONFIG_FILE} ({exc}): set {URL_VARIABLE} or restore it"
        ) from exc
    configured = document.get("url") if isinstance(document, dict) else None
    if not isinstance(configured, str) or not configured.strip():
        raise ConfigError(f"{CONFIG_FILE} has no url: set `url: <storage URL>` or {URL_VARIABLE}")
    return configured.strip()


def storage_options(protocol: str) -> dict[str, Any]:
    """Return the fsspec options for ``protocol`` from DVC's credential variables.

    Azure: ``AZURE_STORAGE_CONNECTION_STRING``, or ``AZURE_STORAGE_ACCOUNT`` with
    ``AZURE_STORAGE_KEY`` or ``AZURE_STORAGE_SAS_TOKEN`` (an account alone uses Azure's
    default credential: ``az login``, a managed identity). S3: boto's own variables
    (``AWS_ACCESS_KEY_ID``, ``AWS_PROFILE``...) plus ``AWS_ENDPOINT_URL`` for an S3-compatible
    store. GCS: ``GOOGLE_APPLICATION_CREDENTIALS``, read by Google's library itself.
    """
    if protocol in ("az", "abfs", "abfss"):
        names = {
            "connection_string": "AZURE_STORAGE_CONNECTION_STRING",
            "account_name": "AZURE_STORAGE_ACCOUNT",
            "account_key": "AZURE_STORAGE_KEY",
            "sas_token": "AZURE_STORAGE_SAS_TOKEN",
        }
        return {option: os.environ[name] for option, name in names.items() if os.environ.get(name)}
    if protocol in ("s3", "s3a") and os.environ.get("AWS_ENDPOINT_URL"):
        return {"client_kwargs": {"endpoint_url": os.environ["AWS_ENDPOINT_URL"]}}
    return {}


def open_storage(url: str) -> tuple[Any, str]:
    """Return the fsspec filesystem for ``url`` and the path of the storage in it."""
    import fsspec

    protocol = url.split("://", 1)[0] if "://" in url else "file"
    try:
        return fsspec.core.url_to_fs(url, **storage_options(protocol))
    except (ImportError, ValueError) as exc:  # no such protocol, or its library missing
        raise DataError(f"cannot open the data storage {url}: {_one_line(exc)}") from exc


def local_files(root: Path) -> list[str]:
    """Return the files under ``data/`` as sorted ``/``-separated paths relative to it."""
    data = root / DATA_DIR
    files = [p for p in data.rglob("*") if p.is_file() and p.name not in SKIPPED]
    return sorted(p.relative_to(data).as_posix() for p in files)


def sync_up(root: Path, url: str) -> SyncResult:
    """Upload every file under ``data/`` to the storage; return what was copied."""
    fs, base = open_storage(url)
    result = SyncResult()
    for relative in local_files(root):
        target = f"{base.rstrip('/')}/{relative}"
        try:
            fs.makedirs(target.rsplit("/", 1)[0], exist_ok=True)
            fs.put_file(str(root / DATA_DIR / relative), target)
        except Exception as exc:  # each backend raises its own (auth, network, permissions)
            raise DataError(
                f"cannot upload {DATA_DIR}/{relative} to {url}: {_one_line(exc)}"
            ) from exc
        result.copied.append(relative)
    return result


def sync_down(root: Path, url: str, overwrite: bool = False) -> SyncResult:
    """Download the storage's files into ``data/``; keep differing local files unless told."""
    fs, base = open_storage(url)
    prefix = base.rstrip("/")
    try:
        remote = sorted(str(path) for path in fs.find(prefix))
    except Exception as exc:  # each backend raises its own (auth, network, missing container)
        raise DataError(f"cannot list the data storage {url}: {_one_line(exc)}") from exc
    result = SyncResult()
    for path in remote:
        relative = path[len(prefix) :].lstrip("/")
        if not relative or relative.rsplit("/", 1)[-1] in SKIPPED:
            continue
        local = root / DATA_DIR / relative
        local.parent.mkdir(parents=True, exist_ok=True)
        partial = local.with_name(f"{local.name}.{os.getpid()}.partial")
        try:
            fs.get_file(path, str(partial))
        except Exception as exc:  # each backend raises its own
            partial.unlink(missing_ok=True)
            raise DataError(f"cannot download {relative} from {url}: {_one_line(exc)}") from exc
        if local.is_file() and local.read_bytes() == partial.read_bytes():
            partial.unlink()
            result.same.append(relative)
        elif local.exists() and not overwrite:
            partial.unlink()
            result.kept.append(relative)
        else:
            partial.replace(local)
            result.copied.append(relative)
    return result


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Add ``sync up|down [--overwrite]`` to the command line."""
    sync = commands.add_parser("sync", help="copy data/ to (up) or from (down) the data storage")
    sync.add_argument("direction", choices=["up", "down"])
    sync.add_argument(
        "--overwrite", action="store_true", help="down: replace local files that differ"
    )
    sync.set_defaults(command=cmd_sync)


def cmd_sync(args: argparse.Namespace) -> int:
    """Run one sync and print what it did; local files kept because they differ exit 1."""
    root = project_root()
    url = storage_url(root)
    if args.direction == "up":
        result = sync_up(root, url)
        print(f"uploaded {len(result.copied)} file(s) from {DATA_DIR}/ to {url}")
        return 0
    result = sync_down(root, url, overwrite=args.overwrite)
    print(
        f"downloaded {len(result.copied)} file(s) from {url} to {DATA_DIR}/,"
        f" {len(result.same)} already the same"
    )
    if result.kept:
        print(
            f"kept {len(result.kept)} local file(s) that differ from the storage's:"
            f" {', '.join(result.kept[:5])}; `sync down --overwrite` replaces them"
        )
        return 1
    return 0


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300] or type(exc).__name__
