"""Experiment configs: YAML files, ``extends`` chains, ``--set`` overrides, validation.

A config may name a base file with ``extends: other.yaml`` (relative to its own folder);
mappings are merged key by key, except that a block choosing a different ``name`` replaces
the base block entirely (its ``params`` belong to the other block). The same holds for
``--set``: ``--set split.name=kfold`` drops the base split's ``params``, and block names are
set before any other key, so ``--set split.params.k=3 --set split.name=kfold`` works too.

``split: {test_size: 0.25}`` (configs and recorded runs from before the split was a block)
reads as ``split: {name: holdout, params: {test_size: 0.25}}``, the same rows as before.

The config classes are frozen pydantic dataclasses: their fields are the schema (an unknown key
is an error), and ``parse_config`` turns pydantic's first error into one ``ConfigError`` line.
"""

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, field
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
)
from pydantic.dataclasses import dataclass

from <%- packageName %>.errors import ConfigError
from <%- packageName %>.plumbing.paths import project_root

# libyaml's safe loader and dumper when PyYAML has them (its wheels do): about 10x faster
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
MAX_SEED = 2**32 - 1  # numpy and scikit-learn accept seeds in [0, 2**32 - 1]
SCHEMA = ConfigDict(extra="forbid")  # an unknown key is an error


def _none_as_dict(value: Any) -> Any:
    """Read YAML's empty value (``params:`` with every entry commented out) as ``{}``."""
    return {} if value is None else value


def _none_as_tuple(value: Any) -> Any:
    """Read YAML's empty value (``slice_by:`` with every entry commented out) as ``()``."""
    return () if value is None else value


@dataclass(frozen=True, config=SCHEMA)
class BlockConfig:
    """A building block chosen by registry name, with its constructor parameters."""

    name: str
    params: Annotated[dict[str, Any], BeforeValidator(_none_as_dict)] = field(default_factory=dict)


@dataclass(frozen=True, config=SCHEMA)
class BootstrapConfig:
    """Percentile bootstrap settings; ``n_resamples: 0`` disables intervals."""

    n_resamples: int = Field(default=1000, strict=True, ge=0, description="an int >= 0")
    confidence: float = Field(
        default=0.95, strict=True, gt=0, lt=1, description="a number between 0 and 1"
    )


@dataclass(frozen=True, config=SCHEMA)
class EvaluatorConfig(BlockConfig):
    """The evaluator block plus the slices, bootstrap and figures of the evaluation flow."""

    slice_by: Annotated[tuple[str, ...], BeforeValidator(_none_as_tuple)] = Field(
        default=(), description="a list of column names"
    )
    bootstrap: BootstrapConfig = field(default_factory=BootstrapConfig)
    figures: bool = Field(default=True, strict=True)


@dataclass(frozen=True, config=SCHEMA)
class ExperimentConfig:
    """A fully resolved experiment; ``to_dict()`` is what gets logged as ``config.yaml``."""

    experiment: Annotated[str, Field(min_length=1)]
    dataset: BlockConfig
    model: BlockConfig
    evaluator: EvaluatorConfig
    tracker: BlockConfig = field(default_factory=lambda: BlockConfig("local"))
    seed: int = Field(
        default=0, strict=True, ge=0, le=MAX_SEED, description=f"an int from 0 to {MAX_SEED}"
    )
    split: BlockConfig = field(default_factory=lambda: BlockConfig("holdout"))

    @field_validator("split", mode="before")
    @classmethod
    def _split_block(cls, value: Any) -> Any:
        if not isinstance(value, Mapping):
            return value
        if "test_size" in value and not {"name", "params"} & set(value):
            return {"name": "holdout", "params": {"test_size": value["test_size"]}}  # old form
        if "test_size" in value:
            raise ValueError("split.test_size is now split.params.test_size")
        return {"name": "holdout", **value}

    def to_dict(self) -> dict[str, Any]:
        """Return the config as plain YAML-ready data, in file order."""
        data = asdict(self)
        data["evaluator"]["slice_by"] = list(self.evaluator.slice_by)
        order = ("experiment", "seed", "dataset", "split", "model", "evaluator", "tracker")
        return {key: data[key] for key in order}

    def to_yaml(self) -> str:
        """Return the config as YAML text."""
        return yaml.dump(self.to_dict(), Dumper=_DUMPER, sort_keys=False, allow_unicode=True)


_VALIDATOR = TypeAdapter(ExperimentConfig)
# what a pydantic error type expects, for the fields whose `description` does not say it
_EXPECTED = {
    "string_type": "str",
    "string_too_short": "a non-empty str",
    "bool_type": "true or false",
    "dict_type": "a mapping",
    "dataclass_type": "a mapping",
}


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
    """Parse YAML text; syntax errors become a one-line ``ConfigError``.

    Text libyaml refuses is parsed again in pure Python, whose message names the character
    and quotes the line.
    """
    try:
        return yaml.load(text, Loader=_LOADER)  # a safe loader: plain data only
    except yaml.YAMLError:
        pass
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
    """Validate plain data into an ``ExperimentConfig``, filling defaults.

    The first problem becomes a one-line ``ConfigError``: ``<source>: <dotted.key> must be ...``.
    """
    try:
        return _VALIDATOR.validate_python(raw)
    except ValidationError as exc:
        raise ConfigError(f"{source}: {_message(exc.errors()[0])}") from None


def flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """Flatten plain nested data (``to_dict()``'s) into ``dotted.key -> string``.

    Lists and empty mappings become JSON.
    """
    flat: dict[str, str] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            flat.update(flatten(value, f"{name}."))
        elif isinstance(value, list | tuple | dict):
            flat[name] = json.dumps(value, default=str)
        else:
            flat[name] = str(value)
    return flat


def _read_with_bases(path: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    if path in seen:
        raise ConfigError(f"{path}: extends loop through {' -> '.join(map(str, seen))}")
    try:
        text = path.read_bytes().decode()  # UTF-8, whatever the locale
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path} is not UTF-8 text (byte {exc.start}): save it as UTF-8"
        ) from None
    raw = parse_yaml(text, str(path)) or {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: the file must be a mapping, got {raw!r}")
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


def _names_block(override: str) -> bool:
    key = override.partition("=")[0].strip().split(".")
    return len(key) == 2 and key[1] == "name"


def _message(error: Mapping[str, Any]) -> str:
    """Word one pydantic error: which dotted key is wrong, how, and what it expects."""
    loc, kind, got = error["loc"], error["type"], error["input"]
    key = ".".join(map(str, loc)) or "the file"
    if kind == "value_error":  # a validator above; its message names the key
        return str(error["ctx"]["error"])
    if kind == "unexpected_keyword_argument":  # how pydantic dataclasses report an unknown key
        return f"unknown key {key}; known: {', '.join(sorted(_fields(loc[:-1])))}"
    found = _fields(loc[:-1]).get(loc[-1]) if loc else None
    expected = getattr(found, "description", None) or _EXPECTED.get(kind)
    if kind == "missing" or (got is None and expected != "a mapping"):
        return f"missing {key}"
    if expected is None:  # a constraint without a description: pydantic's own words
        return f"{key}: {error['msg'][0].lower()}{error['msg'][1:]}, got {got!r}"
    return f"{key} must be {expected}, got {got!r}"


def _fields(loc: tuple[Any, ...]) -> dict[str, Any]:
    """Return the fields of the config class at ``loc``; none below a plain value."""
    schema: Any = ExperimentConfig
    for part in loc:
        found = getattr(schema, "__pydantic_fields__", {}).get(part)
        schema = found.annotation if found else None
    return dict(getattr(schema, "__pydantic_fields__", {}))
