"""Locating the project root and resolving paths written in configs."""

from pathlib import Path


def project_root(start: Path | None = None) -> Path:
    """Return the closest folder at or above ``start`` (default: cwd) holding ``pyproject.toml``.

    Falls back to ``start`` itself, so scripts and notebooks work from any sub-folder.
    """
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    return here


def resolve_path(path: str | Path) -> Path:
    """Resolve a path from a config: absolute paths are kept, relative ones join the root."""
    path = Path(path).expanduser()
    return path if path.is_absolute() else project_root() / path
