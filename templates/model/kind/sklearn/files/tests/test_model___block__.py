import numpy as np
from sklearn.base import clone

from <%- packageName %>.models.base import Model
from <%- packageName %>.plumbing.registry import MODELS

from mocks import MockDataset

NAME = "<%- name %>"


def test_fits_and_predicts_the_mock_data():
    X, y = MockDataset(n_rows=40).load()
    model = MODELS.build(NAME, {"max_iter": 20, "random_state": 0})
    assert isinstance(model, Model)
    assert model.fit(X, y) is model
    predictions = np.asarray(model.predict(X))
    assert predictions.shape == (len(X),)
<% if (task === 'classification') { -%>
    # the mock's label is x >= 20: a tree ensemble learns it exactly
    assert (predictions == y.to_numpy()).mean() == 1.0
    assert np.allclose(model.predict_proba(X).sum(axis=1), 1.0)
<% } else { -%>
    assert np.abs(predictions - y.to_numpy()).mean() < 0.5
<% } -%>


def test_clone_keeps_the_parameters():
    model = MODELS.build(NAME, {"max_iter": 20})
    assert clone(model).get_params()["model__max_iter"] == 20
