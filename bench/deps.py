"""What each package of an installed node_modules tree brings with it: the packages that are only
reachable from the root through it (its "dominated" subtree), with their disk usage. Node's module
resolution is followed: a dependency is looked up in the nearest node_modules upwards."""

from __future__ import annotations

import json
from pathlib import Path

from lib import du_kib


def installed_packages(modules: Path) -> dict[Path, dict]:
    """Every installed package folder below `modules` → its package.json."""
    found: dict[Path, dict] = {}
    for manifest in modules.rglob("package.json"):
        folder = manifest.parent
        parent = folder.parent
        if parent.name == "node_modules" or (parent.name.startswith("@") and parent.parent.name == "node_modules"):
            try:
                found[folder] = json.loads(manifest.read_text())
            except (OSError, ValueError):
                continue
    return found


def resolve(name: str, start: Path, packages: dict[Path, dict], top: Path) -> Path | None:
    folder = start
    while True:
        candidate = folder / "node_modules" / name
        if candidate in packages:
            return candidate
        if folder == top.parent or folder == folder.parent:
            return None
        folder = folder.parent


def dominated_subtrees(project: Path, root_manifest: dict) -> list[tuple[str, int, int]]:
    """(package, packages only reachable through it including itself, their KiB), largest first."""
    modules = project / "node_modules"
    packages = installed_packages(modules)
    edges: dict[Path, list[Path]] = {}
    for folder, manifest in packages.items():
        names = {**manifest.get("dependencies", {}), **manifest.get("optionalDependencies", {})}
        edges[folder] = [p for n in names if (p := resolve(n, folder, packages, project)) is not None]
    roots = [p for n in root_manifest.get("dependencies", {}) if (p := resolve(n, project, packages, project)) is not None]

    def reachable(without: Path | None) -> set[Path]:
        seen: set[Path] = set()
        stack = [r for r in roots if r != without]
        while stack:
            folder = stack.pop()
            if folder in seen:
                continue
            seen.add(folder)
            stack.extend(p for p in edges.get(folder, []) if p != without)
        return seen

    everything = reachable(None)
    sizes = {folder: du_kib_own(folder) for folder in everything}
    result = []
    for folder in everything:
        only_through = everything - reachable(folder)
        result.append((packages[folder].get("name", folder.name), len(only_through), sum(sizes[f] for f in only_through)))
    return sorted(result, key=lambda item: -item[2])


def du_kib_own(folder: Path) -> int:
    """KiB of a package folder without its nested node_modules (those are packages of their own)."""
    nested = folder / "node_modules"
    total = du_kib(folder)
    return total - du_kib(nested) if nested.is_dir() else total
