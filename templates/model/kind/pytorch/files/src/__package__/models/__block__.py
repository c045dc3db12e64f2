"""Model ``<%- name %>``: a PyTorch network behind ``Model``."""

from typing import Any, Self

import numpy as np
from sklearn.base import BaseEstimator

from <%- packageName %>.plumbing.registry import MODELS


def pick_device(device: str) -> str:
    """Return ``device``, or for ``"auto"`` CUDA when available, else CPU."""
    import torch

    if device != "auto":
        return device
    return "cuda" if torch.cuda.is_available() else "cpu"


@MODELS.register("<%- name %>")
class <%- className %>(BaseEstimator):
    """A small multilayer perceptron for <%- task %>, trained with Adam.

    ``torch`` is imported inside ``fit``/``predict`` only, so the project imports without it.
    Features are standardised with statistics learned in ``fit``. ``device="auto"`` picks
    CUDA when available, else CPU; pin it with ``model.params.device: cpu`` (or ``cuda:1``).
    The device used is kept in ``device_``. Contract as for any ``Model``: ``__init__`` only
    stores its arguments, ``fit`` returns ``self``, learned attributes end in ``_``.
    """

    def __init__(
        self,
        hidden_units: int = 64,
        epochs: int = 100,
        learning_rate: float = 1e-3,
        batch_size: int = 64,
        device: str = "auto",
        random_state: int | None = None,
    ) -> None:
        self.hidden_units = hidden_units
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.device = device
        self.random_state = random_state

    def _tensor(self, X: Any) -> Any:
        import torch

        values = (np.asarray(X, dtype=np.float32) - self.mean_) / self.scale_
        return torch.as_tensor(values, dtype=torch.float32, device=self.device_)

    def fit(self, X: Any, y: Any) -> Self:
        """Train the network on ``X`` and ``y``."""
        import torch
        from torch import nn

        if self.random_state is not None:
            torch.manual_seed(self.random_state)
        self.device_ = pick_device(self.device)
        features = np.asarray(X, dtype=np.float32)
        self.mean_ = features.mean(axis=0)
        self.scale_ = np.where(features.std(axis=0) > 0, features.std(axis=0), 1.0)
<% if (task === 'classification') { -%>
        self.classes_, codes = np.unique(np.asarray(y), return_inverse=True)
        target = torch.as_tensor(codes, dtype=torch.long, device=self.device_)
        outputs, loss_function = len(self.classes_), nn.CrossEntropyLoss()
<% } else { -%>
        target = torch.as_tensor(np.asarray(y, dtype=np.float32), device=self.device_)[:, None]
        outputs, loss_function = 1, nn.MSELoss()
<% } -%>
        self.module_ = nn.Sequential(
            nn.Linear(features.shape[1], self.hidden_units),
            nn.ReLU(),
            nn.Linear(self.hidden_units, outputs),
        ).to(self.device_)
        optimizer = torch.optim.Adam(self.module_.parameters(), lr=self.learning_rate)
        inputs = self._tensor(features)
        for _ in range(self.epochs):
            for batch in torch.randperm(len(inputs), device=self.device_).split(self.batch_size):
                optimizer.zero_grad()
                loss = loss_function(self.module_(inputs[batch]), target[batch])
                loss.backward()
                optimizer.step()
        return self

    def _forward(self, X: Any) -> np.ndarray:
        import torch

        with torch.no_grad():
            return self.module_(self._tensor(X)).cpu().numpy()
<% if (task === 'classification') { -%>

    def predict_proba(self, X: Any) -> np.ndarray:
        """Return class probabilities; columns follow ``classes_``."""
        logits = self._forward(X)
        exp = np.exp(logits - logits.max(axis=1, keepdims=True))
        return exp / exp.sum(axis=1, keepdims=True)

    def predict(self, X: Any) -> np.ndarray:
        """Return the most probable class for every row."""
        return self.classes_[self._forward(X).argmax(axis=1)]
<% } else { -%>

    def predict(self, X: Any) -> np.ndarray:
        return self._forward(X)[:, 0]
<% } -%>
