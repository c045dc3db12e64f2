import pytest

from <%- packageName %>.errors import ConfigError
from <%- packageName %>.plumbing.registry import DATASETS

from mocks import MockDataset

NAME = "<%- name %>"
TARGET = "<%- target %>"


def mock_table():
    """A loader returning one DataFrame that holds the target column."""
    X, y = MockDataset(n_rows=10).load()
    return X.assign(**{TARGET: y})


def test_loads_what_the_function_returns():
    dataset = DATASETS.build(NAME, {"loader": f"{__name__}:mock_table"})
    features, target = dataset.load()
    assert list(features.columns) == ["x", "group"]
    assert target.tolist() == MockDataset(n_rows=10).load()[1].tolist()
    assert len(dataset.fingerprint()) == 64


def test_a_loader_that_cannot_be_imported_is_one_clear_error():
    with pytest.raises(ConfigError, match="cannot import loader"):
        DATASETS.build(NAME, {"loader": "no_such_module:load"}).load()
