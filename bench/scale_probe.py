"""Scale probe: the costs beyond the fit that grow with the data, old way against new, in one run.

Run inside a generated project's environment, with its package name:

    cd my-experiments && .venv/bin/python ../generator-mlexp/bench/scale_probe.py my_experiments [rows]

It prints, for a table of ``rows`` (default 500,000) rows and 23 numeric columns:
- the bootstrap of the headline classification metrics over the test fifth (200 resamples),
  copying each resample (an evaluator without ``supports_weights``) against reweighting by counts;
- the table's fingerprint: SHA-256 of its CSV text against ``frame_sha256``;
- MLflow's schema inference over the whole table against a 1,000-row sample (MLflow trackers).
A script that prints figures, not a test.
"""

import hashlib
import importlib
import sys
import time

import numpy as np
import pandas as pd


def timed(label: str, work) -> object:
    started = time.perf_counter()
    result = work()
    print(f"{label:<52} {time.perf_counter() - started:8.2f} s")
    return result


def main() -> None:
    package = sys.argv[1]
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 500_000
    evaluation = importlib.import_module(f"{package}.plumbing.evaluation")
    base = importlib.import_module(f"{package}.evaluators.base")
    classification = importlib.import_module(f"{package}.evaluators.classification")
    datasets = importlib.import_module(f"{package}.datasets.base")

    class Copying(classification.ClassificationEvaluator):
        supports_weights = False

    rng = np.random.default_rng(0)
    n = rows // 5
    truth = rng.integers(0, 2, n)
    guess = np.where(rng.random(n) < 0.8, truth, 1 - truth)
    predictions = base.Predictions.of(truth, guess, rng.random(n))
    names = ["accuracy", "f1_macro", "roc_auc"]
    print(f"{rows} rows; bootstrap over the test fifth ({n}), 200 resamples")
    copied = timed("bootstrap, copying each resample", lambda: evaluation.bootstrap_ci(Copying(), predictions, names, 200, 0.95, 0))
    counted = timed("bootstrap, reweighting by counts", lambda: evaluation.bootstrap_ci(classification.ClassificationEvaluator(), predictions, names, 200, 0.95, 0))
    gap = max(abs(a - b) for name in names for a, b in zip(copied[name], counted[name]))
    print(f"{'largest difference between the intervals':<52} {gap:8.1e}")
    frame = pd.DataFrame(rng.random((rows, 23)))
    timed("fingerprint, SHA-256 of the CSV text", lambda: hashlib.sha256(frame.to_csv().encode()).hexdigest())
    timed("fingerprint, frame_sha256", lambda: datasets.frame_sha256(frame))
    try:
        from mlflow.data.pandas_dataset import from_pandas
    except ImportError:
        return
    timed("MLflow schema, whole table", lambda: from_pandas(frame, name="probe", digest="0").to_dict())
    timed("MLflow schema, 1,000-row sample", lambda: from_pandas(frame.iloc[:: rows // 1000], name="probe", digest="0").to_dict())


if __name__ == "__main__":
    main()
