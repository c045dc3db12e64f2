"""<%- distName %>: reproducible ML experiments built from small, swappable blocks."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("<%- distName %>")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"
