"""Batch prediction: a run's packaged model applied to a CSV or Parquet file."""

from pathlib import Path

import pandas as pd

from <%- packageName %>.model_package import read_table, write_table
from <%- packageName %>.trackers.base import Tracker


def predict_file(
    tracker: Tracker, run_id: str, input_path: str | Path, output_path: str | Path
) -> pd.DataFrame:
    """Write the predictions of run ``run_id``'s model for ``input_path`` to ``output_path``.

    The output has one row per input row, in order: ``prediction`` and, for classifiers
    with ``predict_proba``, ``score_<label>`` per class (as in the run's ``predictions.csv``).
    Input columns or types that differ from training raise ``SchemaError`` before predicting.
    """
    packaged = tracker.load_model(run_id)
    result = packaged.predict_frame(read_table(input_path))
    write_table(result, output_path)
    return result
