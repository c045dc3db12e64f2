"""The floor: one tracked run written by hand, with MLflow's own calls (bench/run's `floor`).

Run with the generated project's Python, from its root. It loads the same data as the default
experiment (scikit-learn's bundled breast cancer set), fits the same pipeline, and logs params,
metrics and the model to an SQLite store of its own (`floor.db`, the same kind of store as the
project's `mlflow.db`), as a person would without the generated project. Its wall time is what
the project's suite, `run` and time to green are compared with.
"""

import mlflow
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

X, y = load_breast_cancer(return_X_y=True, as_frame=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=42, stratify=y)
params = {"C": 1.0, "max_iter": 1000}
model = Pipeline([("scale", StandardScaler()), ("model", LogisticRegression(**params))]).fit(X_train, y_train)

mlflow.set_tracking_uri("sqlite:///floor.db")
mlflow.set_experiment("floor")
with mlflow.start_run():
    mlflow.log_params(params)
    scores = model.predict_proba(X_test)[:, 1]
    mlflow.log_metrics({"test/accuracy": accuracy_score(y_test, model.predict(X_test)), "test/roc_auc": roc_auc_score(y_test, scores)})
    mlflow.sklearn.log_model(model, name="model", input_example=X_test.head(5))
print("floor run logged")
