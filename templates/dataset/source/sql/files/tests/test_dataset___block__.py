import pandas as pd
import pytest
from sqlalchemy import create_engine

from <%- packageName %>.errors import ConfigError
from <%- packageName %>.plumbing.registry import DATASETS

from mocks import MockDataset

NAME = "<%- name %>"
TARGET = "<%- target %>"


def write_mock_table(path):
    X, y = MockDataset(n_rows=12).load()
    engine = create_engine(f"sqlite:///{path}")
    X.assign(**{TARGET: y}).to_sql("rows", engine, index=False, if_exists="replace")
    engine.dispose()
    return X, y


def build(url):
    return DATASETS.build(NAME, {"url": url, "query": "SELECT * FROM rows ORDER BY x"})


def test_loads_the_query_result(tmp_path):
    X, y = write_mock_table(tmp_path / "db.sqlite")
    features, target = build(f"sqlite:///{tmp_path / 'db.sqlite'}").load()
    pd.testing.assert_frame_equal(features, X, check_dtype=False)
    assert target.tolist() == y.tolist()


def test_fingerprint_follows_the_rows(tmp_path):
    path = tmp_path / "db.sqlite"
    write_mock_table(path)
    first = build(f"sqlite:///{path}").fingerprint()
    assert build(f"sqlite:///{path}").fingerprint() == first
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE rows SET x = 99 WHERE x = 0")
    engine.dispose()
    assert build(f"sqlite:///{path}").fingerprint() != first


def test_url_from_the_environment(tmp_path, monkeypatch):
    write_mock_table(tmp_path / "db.sqlite")
    monkeypatch.setenv("TEST_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    assert len(build("env:TEST_DATABASE_URL").load()[0]) == 12
    monkeypatch.delenv("TEST_DATABASE_URL")
    with pytest.raises(ConfigError, match="set TEST_DATABASE_URL"):
        build("env:TEST_DATABASE_URL").load()
