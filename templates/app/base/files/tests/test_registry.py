"""Registration, discovery and selection of blocks by name."""

import sys

import pytest

from <%- packageName %>.errors import ConfigError
from <%- packageName %>.experiment import run_experiment
from <%- packageName %>.plumbing.registry import MODELS, Registry

from conftest import fast_config


def test_unknown_name_lists_known_ones():
    with pytest.raises(ConfigError, match=r"unknown model 'nope'; known: .*logistic_regression"):
        MODELS.build("nope")


def test_unexpected_keyword_is_a_config_error():
    with pytest.raises(ConfigError, match=r"model 'logistic_regression': bad parameters .*bogus"):
        MODELS.build("logistic_regression", {"bogus": 1})


def test_dataset_with_unexpected_keyword_is_a_config_error():
    from <%- packageName %>.plumbing.registry import DATASETS

    with pytest.raises(ConfigError, match=r"dataset 'diabetes': bad parameters"):
        DATASETS.build("diabetes", {"path": "x.csv"})


def test_new_module_in_package_is_discovered(tmp_path, monkeypatch):
    package = tmp_path / "plugins_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "knn.py").write_text(
        "from conftest_registry import REGISTRY\n"
        "@REGISTRY.register('knn')\n"
        "def knn(k=3):\n"
        "    return {'k': k}\n"
    )
    registry = Registry("model", "plugins_pkg")
    shim = type(sys)("conftest_registry")
    shim.REGISTRY = registry
    monkeypatch.setitem(sys.modules, "conftest_registry", shim)
    monkeypatch.syspath_prepend(str(tmp_path))

    assert registry.names() == ["knn"]
    assert registry.build("knn", {"k": 5}) == {"k": 5}


def test_registering_a_different_factory_under_a_taken_name_fails(registries):
    with pytest.raises(ValueError, match="already registered"):
        MODELS.register("logistic_regression")(lambda: None)


def test_example_model_removed_and_another_selected_by_config(registries):
    @MODELS.register("decision_tree")
    def decision_tree(**params):
        from sklearn.tree import DecisionTreeClassifier

        return DecisionTreeClassifier(**params)

    MODELS.unregister("logistic_regression")
    assert "logistic_regression" not in MODELS

    config = fast_config(
        "experiment.yaml", "model.name=decision_tree", "model.params={max_depth: 3}"
    )
    first, second = run_experiment(config), run_experiment(config)
    assert first.metrics["test/accuracy"] > 0.85
    assert first.metrics["test/accuracy"] == second.metrics["test/accuracy"]  # seeded tree

    with pytest.raises(ConfigError, match=r"known: .*decision_tree"):
        run_experiment(fast_config())
