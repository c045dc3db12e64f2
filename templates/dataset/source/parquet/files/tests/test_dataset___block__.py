import hashlib

import pandas as pd

from <%- packageName %>.plumbing.registry import DATASETS

from mocks import MockDataset

NAME = "<%- name %>"
TARGET = "<%- target %>"


def write_mock_table(path, target=TARGET):
    X, y = MockDataset(n_rows=12).load()
    X.assign(**{target: y}).to_parquet(path, index=False)
    return X, y


def test_loads_features_and_target_from_the_file(tmp_path):
    path = tmp_path / "table.parquet"
    X, y = write_mock_table(path)
    features, target = DATASETS.build(NAME, {"path": str(path)}).load()
    pd.testing.assert_frame_equal(features, X, check_dtype=False)
    assert target.tolist() == y.tolist()


def test_fingerprint_is_the_file_hash_and_follows_the_data(tmp_path):
    path = tmp_path / "table.parquet"
    X, y = write_mock_table(path)
    first = DATASETS.build(NAME, {"path": str(path)}).fingerprint()
    assert first == hashlib.sha256(path.read_bytes()).hexdigest()
    X.loc[0, "x"] = 99.0
    X.assign(**{TARGET: y}).to_parquet(path, index=False)
    assert DATASETS.build(NAME, {"path": str(path)}).fingerprint() != first


def test_missing_file_is_written_from_the_example_data(tmp_path):
    features, target = DATASETS.build(NAME, {"path": str(tmp_path / "new.parquet")}).load()
    assert len(features) == len(target) == 569
