import numpy as np
from sklearn.base import clone

from <%- packageName %>.models.base import Model
from <%- packageName %>.plumbing.registry import MODELS

from mocks import MockDataset

NAME = "<%- name %>"


def test_fits_the_mock_data_on_the_picked_device():
    X, y = MockDataset(n_rows=40).load()
    model = MODELS.build(NAME, {"epochs": 200, "learning_rate": 0.01, "random_state": 0})
    assert isinstance(model, Model)
    assert model.fit(X, y) is model
    assert model.device_ in {"cpu"} or model.device_.startswith("cuda")
    predictions = np.asarray(model.predict(X))
    assert predictions.shape == (len(X),)
<% if (task === 'classification') { -%>
    assert (predictions == y.to_numpy()).mean() >= 0.9
    np.testing.assert_allclose(model.predict_proba(X).sum(axis=1), 1.0, rtol=1e-5)
<% } -%>
    assert clone(model).get_params() == model.get_params()
