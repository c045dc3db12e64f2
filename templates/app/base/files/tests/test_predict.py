"""Packaged models and batch prediction from a tracked run."""

import json

import pandas as pd
import pytest
from sklearn.dummy import DummyClassifier

from <%- packageName %>.errors import SchemaError
from <%- packageName %>.experiment import model_device, run_experiment
from <%- packageName %>.plumbing.cli import main
from <%- packageName %>.plumbing.model_package import PackagedModel
from <%- packageName %>.plumbing.predict import predict_table
from <%- packageName %>.plumbing.registry import DATASETS, MODELS, SPLITS, TRACKERS

from conftest import example_data_file, fast_config

LOCAL = ("--set", "tracker.name=local", "--set", "tracker.params={}")


@pytest.fixture
def tracked_run(example_run):
    """A run of the default experiment and the test rows it predicted."""
    config = fast_config()
    run_id = example_run
    X, y = DATASETS.build(config.dataset.name, config.dataset.params).load()
    (fold,) = SPLITS.build(config.split.name, config.split.params).folds(X, y, config.seed)
    return run_id, X.iloc[fold.test]


def test_run_stores_model_and_manifest(tracked_run):
    run_id, X_test = tracked_run
    tracker = TRACKERS.build("local")
    manifest = json.loads(tracker.read_artifact(run_id, "model/manifest.json"))
    assert manifest["task"] == "classification" and manifest["format"] == "joblib"
    assert [c["name"] for c in manifest["inputs"]] == list(X_test.columns)
    assert "scikit-learn" in manifest["packages"] and manifest["classes"] == [0, 1]
    assert manifest["target"] == "target"
    packaged = tracker.load_model(run_id)
    assert packaged.predict_frame(X_test)["prediction"].notna().all()


def test_batch_prediction_matches_the_runs_predictions(tracked_run, project, capsys):
    run_id, X_test = tracked_run
    X_test.to_csv(project / "rows.csv", index=False)
    argv = ["predict", "--run", run_id, "--input", "rows.csv", "--output", "out/pred.csv", *LOCAL]
    assert main(argv) == 0
    predicted = pd.read_csv(project / "out/pred.csv")
    logged = pd.read_csv(
        project / f"runs/{fast_config().experiment}/{run_id}/artifacts/predictions.csv"
    )
    logged = logged.set_index("id").loc[X_test.index]
    assert predicted["prediction"].tolist() == logged["prediction"].tolist()
    assert predicted["score_1"].to_numpy() == pytest.approx(logged["score_1"].to_numpy())


def test_the_datas_own_file_is_predicted_as_it_is(tracked_run, project, capsys):
    run_id, _ = tracked_run
    data_file = example_data_file().relative_to(project)
    argv = ["predict", "--run", run_id, "--input", str(data_file), "--output", "out.csv", *LOCAL]
    assert main(argv) == 0, capsys.readouterr().err
    data = pd.read_csv(data_file)
    predicted = pd.read_csv(project / "out.csv")
    assert list(predicted.columns) == ["prediction", "score_0", "score_1"]
    assert len(predicted) == len(data)
    packaged = TRACKERS.build("local").load_model(run_id)
    expected = packaged.predict_frame(data.drop(columns=["target"]))
    assert predicted["prediction"].tolist() == expected["prediction"].tolist()


def test_id_columns_are_carried_beside_the_predictions(tracked_run, project):
    run_id, X_test = tracked_run
    rows = X_test.assign(target=0)
    rows.insert(0, "customer_id", [f"c{i}" for i in range(len(rows))])
    rows["batch"] = 7
    packaged = TRACKERS.build("local").load_model(run_id)
    result = predict_table(packaged, rows.sample(frac=1, random_state=0))
    assert list(result.columns) == ["customer_id", "batch", "prediction", "score_0", "score_1"]
    expected = packaged.predict_frame(X_test).set_axis(rows["customer_id"])
    by_id = result.set_index("customer_id")
    assert by_id["prediction"].to_dict() == expected["prediction"].to_dict()
    assert (by_id["batch"] == 7).all()


def test_carried_columns_may_not_shadow_the_output(tracked_run):
    run_id, X_test = tracked_run
    packaged = TRACKERS.build("local").load_model(run_id)
    with pytest.raises(SchemaError, match="'prediction' would be overwritten"):
        predict_table(packaged, X_test.assign(prediction=1))


def test_missing_or_mistyped_features_are_refused_in_one_line(tracked_run, project, capsys):
    run_id, X_test = tracked_run
    bad = X_test.drop(columns=[X_test.columns[0]]).assign(id=1)
    bad[X_test.columns[1]] = "text"
    bad.to_csv(project / "bad.csv", index=False)
    argv = ["predict", "--run", run_id, "--input", "bad.csv", "--output", "out.csv", *LOCAL]
    assert main(argv) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1
    assert f"missing column(s) {X_test.columns[0]!r}" in error
    assert "trained on numbers" in error and "'id'" not in error
    assert not (project / "out.csv").exists()


def test_empty_input_and_missing_values_are_refused_in_one_line(tracked_run, project, capsys):
    run_id, X_test = tracked_run
    X_test.head(0).to_csv(project / "header.csv", index=False)
    (project / "zero.csv").write_bytes(b"")
    holes = X_test.head(8).reset_index(drop=True)
    column = X_test.columns[0]
    holes.loc[[2, 6], column] = float("nan")
    holes.to_csv(project / "holes.csv", index=False)
    expected = {
        "header.csv": "error: header.csv has no rows to predict",
        "zero.csv": "error: zero.csv has no rows to predict",
        "holes.csv": f"error: column {column!r} has 2 missing value(s) (rows 3, 7):"
        " fill or drop them",
    }
    for name, error in expected.items():
        argv = ["predict", "--run", run_id, "--input", name, "--output", "out.csv", *LOCAL]
        assert main(argv) == 2, name
        assert capsys.readouterr().err == error + "\n"
    assert not (project / "out.csv").exists()


def test_models_that_accept_missing_values_get_them():
    X = pd.DataFrame({"x": [1.0, float("nan"), 3.0]})
    model = DummyClassifier().fit(X.fillna(0), [0, 1, 1])
    packaged = PackagedModel(model, {"inputs": [{"name": "x", "dtype": "float64"}]})
    assert packaged.predict_frame(X)["prediction"].tolist() == [1, 1, 1]


def test_the_output_may_not_replace_the_input(tracked_run, project, capsys):
    run_id, X_test = tracked_run
    X_test.to_csv(project / "rows.csv", index=False)
    before = (project / "rows.csv").read_bytes()
    argv = ["predict", "--run", run_id, "--input", "rows.csv", "--output", "./rows.csv", *LOCAL]
    assert main(argv) == 2
    error = capsys.readouterr().err.strip()
    assert error == "error: --output ./rows.csv is the input file: write the predictions elsewhere"
    assert (project / "rows.csv").read_bytes() == before


def test_numeric_input_is_cast_and_order_does_not_matter(tracked_run):
    run_id, X_test = tracked_run
    packaged = TRACKERS.build("local").load_model(run_id)
    shuffled = X_test[list(reversed(X_test.columns))]
    expected = packaged.predict_frame(X_test)["prediction"].tolist()
    assert packaged.predict_frame(shuffled)["prediction"].tolist() == expected
    with pytest.raises(SchemaError):
        packaged.predict_frame(X_test.assign(**{X_test.columns[0]: "a"}))


def test_device_is_read_from_the_model_or_its_pipeline_steps():
    class OnDevice:
        device_ = "cpu"

    class Pipe:
        def __init__(self):
            self.steps = [("scale", object()), ("model", OnDevice())]

    assert model_device(OnDevice()) == "cpu"
    assert model_device(Pipe()) == "cpu"
    assert model_device(object()) is None


class OnCpu(DummyClassifier):
    """Records the device it was fitted on, like the PyTorch model kind."""

    def fit(self, X, y):
        super().fit(X, y)
        self.device_ = "cpu"
        return self


def test_run_is_tagged_with_the_fitted_models_device(registries):
    MODELS.register("on_cpu")(OnCpu)
    tracker = TRACKERS.build("local")
    run_id = run_experiment(fast_config("experiment.yaml", "model={name: on_cpu}"), tracker).run_id
    assert tracker.get_run(run_id).tags["device"] == "cpu"
