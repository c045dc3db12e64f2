import numpy as np
from sklearn.base import clone

from <%- packageName %>.models.base import Model
from <%- packageName %>.plumbing.registry import MODELS

from mocks import MockDataset

NAME = "<%- name %>"


def test_meets_the_contract_on_the_mock_data():
    X, y = MockDataset(n_rows=10).load()
    model = MODELS.build(NAME, {})
    assert isinstance(model, Model)
    assert model.fit(X, y) is model
    assert np.asarray(model.predict(X)).shape == (len(X),)
    assert clone(model).get_params() == model.get_params()
<% if (task === 'classification') { -%>


def test_worked_example_of_the_baseline():
    # labels 0,0,0,1 with smoothing 1: weights 4 and 2, so P(0) = 2/3 and the prediction is 0
    model = MODELS.build(NAME, {"smoothing": 1.0}).fit(np.zeros((4, 1)), [0, 0, 0, 1])
    assert model.predict(np.zeros((2, 1))).tolist() == [0, 0]
    np.testing.assert_allclose(model.predict_proba(np.zeros((1, 1))), [[2 / 3, 1 / 3]])
<% } else { -%>


def test_worked_example_of_the_baseline():
    # mean of 1, 2, 3, 6 is 3; shrinkage 0.5 halves it
    model = MODELS.build(NAME, {"shrinkage": 0.5}).fit(np.zeros((4, 1)), [1, 2, 3, 6])
    assert model.predict(np.zeros((2, 1))).tolist() == [1.5, 1.5]
<% } -%>
