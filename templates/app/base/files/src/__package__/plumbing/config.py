"""Experiment configs: YAML files, ``extends`` chains, ``--set`` overrides, validation.

A config may name a base file with ``extends: other.yaml`` (relative to its own folder);
mappings are merged key by key, except that a block choosing a different ``name`` replaces
the base block entirely (its ``params`` belong to the other block). The same holds for
``--set``: ``--set split.name=kfold`` drops the base split's ``params``, and block names are
set before any other key, so ``--set split.params.k=3 --set split.name=kfold`` works too.

``split: {test_size: 0.25}`` (configs and recorded runs from before the split was a block)
reads as ``split: {name: holdout, params: {test_size: 0.25}}``, the same rows as before.
"""

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from <%- packageName %>.errors import ConfigError
from <%- packageName %>.plumbing.paths import project_root

MAX_SEED = 2**32 - 1  # numpy and scikit-learn accept seeds in [0, 2**32 - 1]


@dataclass(frozen=True)
class BlockConfig:
    """A building block chosen by registry name, with its constructor parameters."""

    name: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class BootstrapConfig:
    """Percentile bootstrap settings; ``n_resamples: 0`` disables intervals."""

    n_resamples: int = 1000
    confidence: float = 0.95


@dataclass(frozen=True)
class EvaluatorConfig(BlockConfig):
    """The evaluator block plus the slices, bootstrap and figures of the evaluation flow."""

    slice_by: tuple[str, ...] = ()
    bootstrap: BootstrapConfig = field(default_factory=BootstrapConfig)
    figures: bool = True


@dataclass(frozen=True)
class ExperimentConfig:
    """A fully resolved experiment; ``to_dict()`` is what gets logged as ``config.yaml``."""

    experiment: str
    dataset: BlockConfig
    model: BlockConfig
    evaluator: EvaluatorConfig
    tracker: BlockConfig = field(default_factory=lambda: BlockConfig("local"))
    seed: int = 0
    split: BlockConfig = field(default_factory=lambda: BlockConfig("holdout"))

    def to_dict(self) -> dict[str, Any]:
        """Return the config as plain YAML-ready data, in file order."""
        data = asdict(self)
        data["evaluator"]["slice_by"] = list(self.evaluator.slice_by)
        order = ("experiment", "seed", "dataset", "split", "model", "evaluator", "tracker")
        return {key: data[key] for key in order}

    def to_yaml(self) -> str:
        """Return the config as YAML text."""
        return yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True)


def load_config(path: str | Path, overrides: Iterable[str] = ()) -> ExperimentConfig:
    """Read ``path`` (following ``extends``), apply ``key=value`` overrides, and validate."""
    path = find_config(path)
    raw = _read_with_bases(path, seen=())
    for override in sorted(overrides, key=lambda text: not _names_block(text)):
        apply_override(raw, override)
    return parse_config(raw, source=str(path))


def find_config(path: str | Path) -> Path:
    """Resolve a config path against the cwd, then the project root."""
    path = Path(path).expanduser()
    for candidate in (path, project_root() / path):
        if candidate.is_file():
            return candidate.resolve()
    raise ConfigError(f"config file not found: {path}")


def parse_yaml(text: str, source: str) -> Any:
    """Parse YAML text; syntax errors become a one-line ``ConfigError``."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: invalid YAML: {' '.join(str(exc).split())}") from None


def apply_override(raw: dict[str, Any], override: str) -> None:
    """Apply ``dotted.key=value`` to ``raw`` in place; the value is parsed as YAML."""
    key, sep, text = override.partition("=")
    parts = key.strip().split(".")
    if not sep or not all(parts):
        raise ConfigError(f"bad --set {override!r}: expected dotted.key=value")
    target = raw
    for depth, part in enumerate(parts[:-1]):
        target = target.setdefault(part, {})
        if not isinstance(target, dict):
            raise ConfigError(f"bad --set {override!r}: {'.'.join(parts[: depth + 1])} is a value")
    value = parse_yaml(text, f"--set {key}")
    if len(parts) == 2 and parts[1] == "name" and target.get("name", value) != value:
        target.pop("params", None)  # the other block's params do not fit this one
    target[parts[-1]] = value


def parse_config(raw: Any, source: str = "config") -> ExperimentConfig:
    """Validate plain data into an ``ExperimentConfig``, filling defaults."""
    top = _mapping(raw, source, "the file")
    _known_keys(top, source, "", ExperimentConfig)
    evaluator = _mapping(top.get("evaluator"), source, "evaluator")
    evaluator_block = _block(
        evaluator, source, "evaluator", extra=("slice_by", "bootstrap", "figures")
    )
    bootstrap = _mapping(evaluator.get("bootstrap", {}), source, "evaluator.bootstrap")
    _known_keys(bootstrap, source, "evaluator.bootstrap.", BootstrapConfig)
    slice_by = evaluator.get("slice_by") or []
    if not isinstance(slice_by, list) or not all(isinstance(c, str) for c in slice_by):
        raise ConfigError(f"{source}: evaluator.slice_by must be a list of column names")
    figures = evaluator.get("figures", True)
    if not isinstance(figures, bool):
        raise ConfigError(f"{source}: evaluator.figures must be true or false, got {figures!r}")
    config = ExperimentConfig(
        experiment=_typed(top.get("experiment"), str, source, "experiment"),
        seed=_typed(top.get("seed", 0), int, source, "seed"),
        split=_split(top.get("split", {}), source),
        dataset=_block(top.get("dataset"), source, "dataset"),
        model=_block(top.get("model"), source, "model"),
        tracker=_block(top.get("tracker", {"name": "local"}), source, "tracker"),
        evaluator=EvaluatorConfig(
            name=evaluator_block.name,
            params=evaluator_block.params,
            slice_by=tuple(slice_by),
            bootstrap=BootstrapConfig(
                n_resamples=_typed(
                    bootstrap.get("n_resamples", 1000), int, source, "bootstrap.n_resamples"
                ),
                confidence=_fraction(
                    bootstrap.get("confidence", 0.95), source, "bootstrap.confidence"
                ),
            ),
            figures=figures,
        ),
    )
    if not config.experiment:
        raise ConfigError(f"{source}: experiment must not be empty")
    if not 0 <= config.seed <= MAX_SEED:
        raise ConfigError(f"{source}: seed must be an int from 0 to {MAX_SEED}, got {config.seed}")
    if config.evaluator.bootstrap.n_resamples < 0:
        raise ConfigError(f"{source}: bootstrap.n_resamples must be 0 or more")
    return config


def flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """Flatten nested mappings into ``dotted.key -> string`` (lists become JSON)."""
    flat: dict[str, str] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            flat.update(flatten(value, f"{name}."))
        elif isinstance(value, list | tuple | Mapping):
            flat[name] = json.dumps(
                value if isinstance(value, Mapping) else list(value), default=str
            )
        else:
            flat[name] = str(value)
    return flat


def _read_with_bases(path: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    if path in seen:
        raise ConfigError(f"{path}: extends loop through {' -> '.join(map(str, seen))}")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path} is not UTF-8 text (byte {exc.start}): save it as UTF-8"
        ) from None
    raw = _mapping(parse_yaml(text, str(path)) or {}, str(path), "the file")
    base_name = raw.pop("extends", None)
    if base_name is None:
        return raw
    base_path = path.parent / str(base_name)
    if not base_path.is_file():
        raise ConfigError(f"{path}: extends a missing file: {base_path}")
    return _merge(_read_with_bases(base_path.resolve(), (*seen, path)), raw)


def _merge(base: dict[str, Any], update: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in update.items():
        old = merged.get(key)
        if isinstance(old, dict) and isinstance(value, Mapping) and _same_block(old, value):
            merged[key] = _merge(old, value)
        else:
            merged[key] = value
    return merged


def _same_block(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    return "name" not in new or new["name"] == old.get("name")


def _mapping(value: Any, source: str, what: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{source}: {what} must be a mapping, got {value!r}")
    return dict(value)


def _known_keys(data: Mapping[str, Any], source: str, prefix: str, schema: type) -> None:
    known = {schema_field.name for schema_field in fields(schema)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(
            f"{source}: unknown key {prefix}{unknown[0]}; known: {', '.join(sorted(known))}"
        )


def _block(value: Any, source: str, what: str, extra: Iterable[str] = ()) -> BlockConfig:
    data = _mapping(value, source, what)
    unknown = sorted(set(data) - {"name", "params", *extra})
    if unknown:
        raise ConfigError(f"{source}: unknown key {what}.{unknown[0]}")
    name = _typed(data.get("name"), str, source, f"{what}.name")
    params = _mapping(data.get("params") or {}, source, f"{what}.params")
    return BlockConfig(name, params)


def _split(value: Any, source: str) -> BlockConfig:
    data = _mapping(value, source, "split")
    if "test_size" in data and not {"name", "params"} & set(data):
        return BlockConfig("holdout", {"test_size": data["test_size"]})  # the pre-block form
    if "test_size" in data:
        raise ConfigError(f"{source}: split.test_size is now split.params.test_size")
    return _block({"name": "holdout", **data}, source, "split")


def _names_block(override: str) -> bool:
    key = override.partition("=")[0].strip().split(".")
    return len(key) == 2 and key[1] == "name"


def _typed(value: Any, kind: type, source: str, what: str) -> Any:
    if value is None:
        raise ConfigError(f"{source}: missing {what}")
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ConfigError(f"{source}: {what} must be {kind.__name__}, got {value!r}")
    return value


def _fraction(value: Any, source: str, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1:
        raise ConfigError(f"{source}: {what} must be a number between 0 and 1, got {value!r}")
    return float(value)
