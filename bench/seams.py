"""Seams against plumbing: the lines of a generated project a data scientist reads to change it.

Run with any Python 3.11+ (standard library only), on a generated project:

    python bench/seams.py my-experiments [--pytest]

It prints, for the project's package ``src/<package>/``:
- for each change a data scientist makes (dataset, model, split, metric, evaluator), the files
  they read to make it (``SEAMS`` below) and their lines;
- the seam lines (every file some change reads) and the plumbing lines (every other file),
  split into the files behind the package's boundary (``plumbing/``, issue 19) and the others
  left at the top beside the seams (``experiment.py``, ``errors.py``, ``trackers/``...), whose
  names it lists: the "top" line is what a reader sees before the boundary;
- the number of tests ``pytest --collect-only`` finds and, with ``--pytest``, the wall time of
  ``pytest -q`` (through the project's ``.venv``) and the CPU time it used.

Before the split became a block it lived in ``Dataset.split`` (``datasets/base.py``), the
config's ``SplitConfig`` (``config.py``) and the runner's call (``experiment.py``): changing it
meant reading those three files, so a project without ``splits/`` counts them for "split".
Lines are physical lines, blank ones and docstrings included (what a reader scrolls through).
"""

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

SEAMS = {
    "dataset": ["datasets/*.py"],
    "model": ["models/*.py"],
    "split": ["splits/*.py"],
    "metric": ["evaluators/metrics.py", "evaluators/classification.py"],
    "evaluator": ["evaluators/*.py"],
}
SPLIT_BEFORE_BLOCK = ["datasets/base.py", "config.py", "experiment.py"]


def lines(path: Path) -> int:
    """Return the number of physical lines of ``path``."""
    return len(path.read_text(encoding="utf-8").splitlines())


def package_dir(project: Path) -> Path:
    """Return ``src/<package>``: the one folder under ``src`` with an ``__init__.py``."""
    found = [path.parent for path in sorted(project.glob("src/*/__init__.py"))]
    if len(found) != 1:
        sys.exit(f"error: {project} has no single src/<package>/__init__.py")
    return found[0]


def seam_files(package: Path) -> dict[str, list[Path]]:
    """Return the files each change reads."""
    seams = {}
    for change, patterns in SEAMS.items():
        if change == "split" and not (package / "splits").is_dir():
            patterns = SPLIT_BEFORE_BLOCK
        files = {path for pattern in patterns for path in package.glob(pattern)}
        seams[change] = sorted(path for path in files if path.name != "__init__.py")
    return seams


def count_tests(project: Path, python: Path) -> int:
    """Return how many tests ``pytest --collect-only -q`` lists."""
    result = subprocess.run(
        [str(python), "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    )
    return sum(1 for line in result.stdout.splitlines() if "::" in line)


def main() -> None:
    """Print the figures described in the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path, help="a generated project's folder")
    parser.add_argument("--pytest", action="store_true", help="also time `pytest -q`")
    args = parser.parse_args()
    project = args.project.resolve()
    package = package_dir(project)
    seams = seam_files(package)
    print(f"{'change':<10} {'lines':>6}  files (under src/{package.name}/)")
    for change, files in seams.items():
        names = ", ".join(str(path.relative_to(package)) for path in files)
        print(f"{change:<10} {sum(map(lines, files)):>6}  {names}")
    every = sorted(package.rglob("*.py"))
    seam = {path for files in seams.values() for path in files}
    print(
        f"{'seam':<10} {sum(map(lines, seam)):>6}  {len(seam)} files some change reads"
    )
    plumbing = [path for path in every if path not in seam]
    print(
        f"{'plumbing':<10} {sum(map(lines, plumbing)):>6}  the other {len(plumbing)} files"
    )
    behind = [
        path for path in plumbing if path.relative_to(package).parts[0] == "plumbing"
    ]
    beside = [path for path in plumbing if path not in behind]
    print(
        f"{'  behind':<10} {sum(map(lines, behind)):>6}  {len(behind)} files in plumbing/"
    )
    names = ", ".join(str(path.relative_to(package)) for path in beside)
    print(
        f"{'  beside':<10} {sum(map(lines, beside)):>6}  {len(beside)} files: {names}"
    )
    top = sorted(seam | set(beside))
    print(
        f"{'top':<10} {sum(map(lines, top)):>6}  {len(top)} files outside plumbing/ (seams + beside)"
    )
    print(f"{'src':<10} {sum(map(lines, every)):>6}  all of src/{package.name}/")
    python = project / ".venv" / "bin" / "python"
    if not python.is_file():
        print(f"no {python}: tests not counted")
        return
    print(f"{'tests':<10} {count_tests(project, python):>6}  collected by pytest")
    if args.pytest:
        started, cpu = time.perf_counter(), _children_cpu()
        subprocess.run(
            [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
            cwd=project,
            check=True,
            capture_output=True,
        )
        wall, used = time.perf_counter() - started, _children_cpu() - cpu
        print(
            f"{'pytest -q':<10} {wall:>6.1f}  seconds wall, {used:.1f} s CPU (user + system)"
        )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    main()
