import hashlib

import pandas as pd

from <%- packageName %>.plumbing.registry import DATASETS

from mocks import MockDataset

NAME = "<%- name %>"
TARGET = "<%- target %>"


def write_mock_table(path, target=TARGET):
    X, y = MockDataset(n_rows=12).load()
    X.assign(**{target: y}).to_csv(path, index=False)
    return X, y


def test_loads_features_and_target_from_the_file(tmp_path):
    path = tmp_path / "table.csv"
    X, y = write_mock_table(path)
    dataset = DATASETS.build(NAME, {"path": str(path)})
    features, target = dataset.load()
    pd.testing.assert_frame_equal(features, X, check_dtype=False)
    assert target.tolist() == y.tolist()


def test_fingerprint_is_the_file_hash_and_follows_every_byte(tmp_path):
    path = tmp_path / "table.csv"
    write_mock_table(path)
    first = DATASETS.build(NAME, {"path": str(path)}).fingerprint()
    assert first == hashlib.sha256(path.read_bytes()).hexdigest()
    path.write_text(path.read_text().replace("\n5.0,", "\n6.0,", 1))
    assert DATASETS.build(NAME, {"path": str(path)}).fingerprint() != first


def test_missing_file_is_written_from_the_example_data(tmp_path):
    dataset = DATASETS.build(NAME, {"path": str(tmp_path / "new.csv")})
    features, target = dataset.load()
    assert len(features) == len(target) == 569
    assert target.name == "<%- target %>"
