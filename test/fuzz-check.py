"""Compile every Python file of a generated project and import its package.

Usage: python fuzz-check.py <project-root> <package-name>; prints nothing and exits 0 when fine.
"""

import importlib
import py_compile
import sys
from pathlib import Path

root, package = Path(sys.argv[1]), sys.argv[2]
for path in sorted(root.rglob("*.py")):
    py_compile.compile(str(path), doraise=True)
sys.path.insert(0, str(root / "src"))
module = importlib.import_module(package)
assert Path(module.__file__).resolve().is_relative_to((root / "src").resolve()), module.__file__
