"""Databricks job entry point: the project's command line, run from the project root.

It runs ``python -m <%- packageName %> <args>``.

A ``spark_python_task`` runs a file, not a module: this file moves to the project root
(so configs and relative paths resolve as locally) and calls the command line.
"""

import os
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    """Run the project's command line with ``argv`` from the project root."""
    root = Path(__file__).resolve().parents[1]
    os.chdir(root)
    if str(root / "src") not in sys.path:
        sys.path.insert(0, str(root / "src"))  # when the wheel is not installed
    from <%- packageName %>.plumbing.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
