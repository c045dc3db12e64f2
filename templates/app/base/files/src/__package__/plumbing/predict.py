"""Batch prediction: a run's packaged model applied to a CSV or Parquet file."""

from pathlib import Path

import pandas as pd

from <%- packageName %>.errors import ConfigError, SchemaError
from <%- packageName %>.plumbing.model_package import PackagedModel
from <%- packageName %>.plumbing.tables import read_table, write_table
from <%- packageName %>.trackers.base import Tracker


def predict_table(packaged: PackagedModel, frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``packaged``'s predictions for ``frame``, one row per input row, in order.

    ``frame`` may be the data's own file: the target column the model was trained on (the
    manifest's ``target``) is dropped; every other column that is not a training input (an id,
    say) is carried into the output, in input order, before ``prediction`` and, for classifiers
    with ``predict_proba``, ``score_<label>`` per class. Raises ``SchemaError`` (one line) when a
    training column is missing or mistyped, or when a carried column has an output's name.
    """
    features = {column["name"] for column in packaged.manifest.get("inputs") or []}
    target = packaged.manifest.get("target")
    frame = frame.drop(columns=[column for column in frame.columns if str(column) == target])
    predicted = packaged.predict_frame(frame)
    carried = [column for column in frame.columns if str(column) not in features]
    clashes = [str(column) for column in carried if column in predicted.columns]
    if clashes:
        raise SchemaError(
            f"input column(s) {', '.join(map(repr, clashes))} would be overwritten by the"
            " predictions: rename or drop them"
        )
    result = frame[carried].copy()
    for column in predicted.columns:  # by position: the input's index may repeat labels
        result[column] = predicted[column].to_numpy()
    return result


def predict_file(
    tracker: Tracker, run_id: str, input_path: str | Path, output_path: str | Path
) -> pd.DataFrame:
    """Write the predictions of run ``run_id``'s model for ``input_path`` to ``output_path``.

    The output is ``predict_table``'s: the input's id columns, ``prediction`` and the class
    scores (as in the run's ``predictions.csv``), one row per input row. A missing or mistyped
    training column, an input without rows, or missing values the model rejects raise
    ``SchemaError``, and an output path that is the input raises ``ConfigError``, before
    anything is written.
    """
    if Path(output_path).resolve() == Path(input_path).resolve():
        raise ConfigError(
            f"--output {output_path} is the input file: write the predictions elsewhere"
        )
    frame = read_table(input_path)
    if len(frame) == 0:
        raise SchemaError(f"{input_path} has no rows to predict")
    result = predict_table(tracker.load_model(run_id), frame)
    write_table(result, output_path)
    return result
