"""Loading the project's ``.env`` file into the process environment."""

from pathlib import Path

from dotenv import load_dotenv

from <%- packageName %>.errors import ConfigError
from <%- packageName %>.plumbing.paths import project_root


def load_env_file(root: Path | None = None) -> Path | None:
    """Load ``<root>/.env`` (default: the project root) and return its path, or None if absent.

    Variables already set in the environment win: a value exported in the shell or by CI is
    never replaced by the file's (``override=False``). An unreadable file is a ``ConfigError``.
    """
    path = (root or project_root()) / ".env"
    if not path.is_file():
        return None
    try:
        with path.open(encoding="utf-8") as stream:
            load_dotenv(stream=stream, override=False)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path} ({exc}): fix the file or remove it") from exc
    return path
