"""Config files, extends, overrides and validation."""

import dataclasses
import datetime
from pathlib import Path

import pytest
import yaml

from <%- packageName %>.errors import ConfigError
from <%- packageName %>.plumbing.config import (
    BlockConfig,
    apply_override,
    flatten,
    load_config,
    parse_config,
)
from <%- packageName %>.plumbing.paths import project_root, resolve_path

from conftest import fast_config


def test_regression_config_extends_the_default():
    config = load_config("configs/regression.yaml")
    base = load_config("configs/experiment.yaml")
    assert config.dataset.name == "diabetes" and config.dataset.params == {}  # block replaced
    assert config.tracker == base.tracker and config.seed == base.seed
    assert config.evaluator.slice_by == ("sex", "age")


def test_overrides_parse_yaml_values():
    config = fast_config(
        "experiment.yaml", "model.params.C=0.5", "evaluator.slice_by=[a, b]", "seed=7"
    )
    assert config.model.params["C"] == 0.5
    assert config.evaluator.slice_by == ("a", "b")
    assert config.seed == 7


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("model.name", "expected dotted.key=value"),
        ("=1", "expected dotted.key=value"),
        ("seed.x=1", "seed is a value"),
        ("seed=[", "invalid YAML"),
        ("seed=abc", "seed must be an int from 0 to 4294967295"),
        ("split.test_size=0.3", "split.test_size is now split.params.test_size"),
        ("modle.name=x", "unknown key modle"),
        ("model.nmae=x", "unknown key model.nmae"),
        ("evaluator.slice_by=3", "list of column names"),
    ],
)
def test_bad_overrides_are_one_line_config_errors(override, message):
    with pytest.raises(ConfigError, match=message) as error:
        fast_config("experiment.yaml", override)
    assert "\n" not in str(error.value)


def test_a_split_config_from_before_splits_were_blocks_reads_as_holdout():
    config = parse_config({**MINIMAL, "split": {"test_size": 0.3}})
    assert config.split == BlockConfig("holdout", {"test_size": 0.3})


def test_set_of_a_block_name_drops_the_other_blocks_params_in_any_order():
    config = fast_config("experiment.yaml", "model.params.alpha=2", "model.name=other")
    assert config.model == BlockConfig("other", {"alpha": 2})  # C and max_iter dropped
    same = fast_config("experiment.yaml", "model.name=logistic_regression", "model.params.C=3")
    assert same.model.params == {"C": 3, "max_iter": 1000}  # the same name keeps its params


def test_missing_file_and_missing_keys():
    with pytest.raises(ConfigError, match="config file not found"):
        load_config("configs/absent.yaml")
    with pytest.raises(ConfigError, match=r"missing model\.name"):
        parse_config(
            {"experiment": "e", "dataset": {"name": "d"}, "model": {}, "evaluator": {"name": "c"}}
        )


def test_to_dict_round_trips():
    config = fast_config()
    assert parse_config(config.to_dict()) == config


def test_flatten_uses_dotted_keys():
    assert flatten({"a": {"b": 1, "c": [1, 2]}, "d": {}}) == {
        "a.b": "1",
        "a.c": "[1, 2]",
        "d": "{}",
    }


def test_apply_override_creates_missing_mappings():
    raw = {}
    apply_override(raw, "model.params.alpha=0.1")
    assert raw == {"model": {"params": {"alpha": 0.1}}}


def test_paths_resolve_against_the_project_root(project, monkeypatch):
    notebooks = project / "notebooks"
    notebooks.mkdir()
    monkeypatch.chdir(notebooks)
    assert project_root() == project
    assert resolve_path("data/x.csv") == project / "data/x.csv"
    assert load_config("configs/experiment.yaml").experiment == "<%- distName %>"


MINIMAL = {"experiment": "e", "dataset": {"name": "d"}, "model": {"name": "m"}}
MINIMAL["evaluator"] = {"name": "c"}


def test_minimal_config_gets_the_documented_defaults():
    config = parse_config(MINIMAL)
    assert config.seed == 0 and config.split == BlockConfig("holdout", {})
    assert config.tracker == BlockConfig("local", {})
    assert config.dataset == BlockConfig("d", {}) and config.model == BlockConfig("m", {})
    assert config.evaluator.slice_by == () and config.evaluator.params == {}
    assert (config.evaluator.bootstrap.n_resamples, config.evaluator.bootstrap.confidence) == (
        1000,
        0.95,
    )
    evaluator = {
        "name": "c",
        "params": {"threshold": 0.3},
        "bootstrap": {"n_resamples": 0, "confidence": 0.5},
    }
    config = parse_config({**MINIMAL, "evaluator": evaluator})
    assert config.evaluator.params == {"threshold": 0.3}
    bootstrap = config.evaluator.bootstrap
    assert (bootstrap.n_resamples, bootstrap.confidence) == (0, 0.5)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"extra": 1}, "unknown key extra; known: dataset, evaluator, experiment, model, seed, "),
        ({"experiment": None}, "missing experiment"),
        ({"experiment": 3}, "experiment must be str, got 3"),
        ({"experiment": ""}, "experiment must be a non-empty str, got ''"),
        ({"seed": True}, "seed must be an int from 0 to 4294967295, got True"),
        ({"seed": -1}, "seed must be an int from 0 to 4294967295, got -1"),
        ({"seed": 2**32}, "seed must be an int from 0 to 4294967295, got 4294967296"),
        ({"split": 3}, "split must be a mapping, got 3"),
        ({"split": {"size": 0.2}}, "unknown key split.size; known: name, params"),
        ({"split": {"name": "kfold", "test_size": 0.2}}, "split.test_size is now split.params"),
        ({"split": {"name": 3}}, "split.name must be str, got 3"),
        ({"split": {1: "holdout"}}, "split.1: keys should be strings, got 1"),  # pydantic's words
        ({"dataset": "d"}, "dataset must be a mapping, got 'd'"),
        ({"dataset": {}}, "missing dataset.name"),
        ({"dataset": {"name": "d", "params": [1]}}, "dataset.params must be a mapping, got [1]"),
        ({"dataset": {"name": "d", "opts": {}}}, "unknown key dataset.opts"),
        ({"model": 3}, "model must be a mapping, got 3"),
        ({"tracker": "mlflow"}, "tracker must be a mapping, got 'mlflow'"),
        ({"evaluator": None}, "evaluator must be a mapping, got None"),
        ({"evaluator": {"name": 1}}, "evaluator.name must be str, got 1"),
        (
            {"evaluator": {"name": "c", "slices": []}},
            "unknown key evaluator.slices; known: bootstrap, figures, name, params, slice_by",
        ),
        (
            {"evaluator": {"name": "c", "slice_by": ["a", 3]}},
            "evaluator.slice_by.1 must be str, got 3",
        ),
        ({"evaluator": {"name": "c", "bootstrap": 5}}, "evaluator.bootstrap must be a mapping, "),
        ({"evaluator": {"name": "c", "figures": "yes"}}, "evaluator.figures must be true or false"),
        (
            {"evaluator": {"name": "c", "bootstrap": {"n": 1}}},
            "unknown key evaluator.bootstrap.n; known: confidence, n_resamples",
        ),
        (
            {"evaluator": {"name": "c", "bootstrap": {"n_resamples": 1.5}}},
            "evaluator.bootstrap.n_resamples must be an int >= 0, got 1.5",
        ),
        (
            {"evaluator": {"name": "c", "bootstrap": {"n_resamples": -1}}},
            "evaluator.bootstrap.n_resamples must be an int >= 0, got -1",
        ),
        (
            {"evaluator": {"name": "c", "bootstrap": {"confidence": 1.5}}},
            "evaluator.bootstrap.confidence must be a number between 0 and 1, got 1.5",
        ),
    ],
)
def test_invalid_configs_name_the_source_and_the_key(change, message):
    with pytest.raises(ConfigError) as error:
        parse_config({**MINIMAL, **change}, source="my.yaml")
    assert str(error.value).startswith(f"my.yaml: {message}")
    with pytest.raises(ConfigError, match=r"^config: the file must be a mapping, got None$"):
        parse_config(None)


def test_empty_params_and_slice_by_read_as_empty():
    model = {"name": "m", "params": None}  # `params:` with every entry commented out
    config = parse_config({**MINIMAL, "model": model, "evaluator": {"name": "c", "slice_by": None}})
    assert config.model == BlockConfig("m", {}) and config.evaluator.slice_by == ()


def test_configs_are_frozen():
    config = parse_config(MINIMAL)
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.seed = 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.evaluator.bootstrap.confidence = 0.5


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("model.name.x=1", "bad --set 'model.name.x=1': model.name is a value"),
        ("seed=[", "--set seed: invalid YAML: "),
    ],
)
def test_bad_override_messages_name_the_key(override, message):
    with pytest.raises(ConfigError) as error:
        fast_config("experiment.yaml", override)
    assert str(error.value).startswith(message)


def test_later_overrides_of_the_same_key_win():
    config = fast_config("experiment.yaml", "model.params={C: 1}", "model.params.C=3")
    assert config.model.params == {"C": 3}
    config = fast_config("experiment.yaml", "model.params.C=3", "model.params={C: 1}")
    assert config.model.params == {"C": 1}


def test_override_value_may_contain_equals_signs():
    raw = {}
    apply_override(raw, "model.params.formula=y=a+b")
    assert raw == {"model": {"params": {"formula": "y=a+b"}}}


def test_extends_merges_a_block_of_the_same_name(project):
    base = load_config("configs/experiment.yaml")
    assert base.model.params  # the merge below keeps them
    child = {"extends": "experiment.yaml", "model": {"name": base.model.name, "params": {"k": 5}}}
    (project / "configs/child.yaml").write_text(yaml.safe_dump(child))
    config = load_config("configs/child.yaml")
    assert config.model == BlockConfig(base.model.name, {**base.model.params, "k": 5})


def test_to_yaml_keeps_file_order_and_unicode():
    config = parse_config({**MINIMAL, "experiment": "café"})
    text = config.to_yaml()
    assert text.startswith("experiment: café\nseed: 0\ndataset:\n")
    top_level = [line.split(":")[0] for line in text.splitlines() if not line.startswith(" ")]
    assert top_level == ["experiment", "seed", "dataset", "split", "model", "evaluator", "tracker"]


def test_flatten_writes_non_json_values_as_strings():
    flat = flatten({"dates": [datetime.date(2024, 1, 31)], "when": datetime.date(2024, 2, 1)})
    assert flat == {"dates": '["2024-01-31"]', "when": "2024-02-01"}


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"a.yaml": "extends: a.yaml\n"}, "{a}: extends loop through {a}"),
        (
            {"a.yaml": "extends: b.yaml\n", "b.yaml": "extends: a.yaml\n"},
            "{a}: extends loop through {a} -> {b}",
        ),
        ({"a.yaml": "extends: gone.yaml\n"}, "{a}: extends a missing file: {gone}"),
        ({"a.yaml": "- 1\n"}, "{a}: the file must be a mapping, got [1]"),
        ({"a.yaml": "experiment: e\n"}, "{a}: missing dataset"),
        ({"a.yaml": "seed: [\n"}, "{a}: invalid YAML: while parsing a flow node expected the "),
    ],
)
def test_config_file_errors_name_the_file(project, files, message):
    folder = (project / "configs").resolve()
    for name, text in files.items():
        (folder / name).write_text(text)
    paths = {"a": folder / "a.yaml", "b": folder / "b.yaml", "gone": folder / "gone.yaml"}
    with pytest.raises(ConfigError) as error:
        load_config("configs/a.yaml")
    assert str(error.value).startswith(message.format(**paths))


def test_an_unreadable_config_is_a_config_error(project, monkeypatch):
    def refuse(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(Path, "read_bytes", refuse)  # chmod 000 does not stop root
    path = (project / "configs" / "experiment.yaml").resolve()
    with pytest.raises(ConfigError, match=r"^cannot read config (.+): Permission denied$") as error:
        load_config("configs/experiment.yaml")
    assert str(path) in str(error.value)


def test_a_config_that_is_not_utf8_is_a_config_error(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("experiment: caf\xe9\n".encode("latin-1"))
    with pytest.raises(ConfigError, match=r"is not UTF-8 text \(byte 15\): save it as UTF-8"):
        load_config(path)
