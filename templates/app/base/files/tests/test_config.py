"""Config files, extends, overrides and validation."""

import pytest

from <%- packageName %>.config import apply_override, flatten, load_config, parse_config
from <%- packageName %>.errors import ConfigError
from <%- packageName %>.paths import project_root, resolve_path

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
        ("seed=abc", "seed must be int"),
        ("split.test_size=2", "between 0 and 1"),
        ("modle.name=x", "unknown key modle"),
        ("model.nmae=x", "unknown key model.nmae"),
        ("evaluator.slice_by=3", "list of column names"),
    ],
)
def test_bad_overrides_are_one_line_config_errors(override, message):
    with pytest.raises(ConfigError, match=message) as error:
        fast_config("experiment.yaml", override)
    assert "\n" not in str(error.value)


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
