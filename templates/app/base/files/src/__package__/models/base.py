"""The ``Model`` contract: scikit-learn's estimator interface."""

from abc import ABC, abstractmethod
from typing import Any, Self


class Model(ABC):
    """Anything that follows the scikit-learn estimator contract.

    Contract:
        - ``fit(X, y)`` returns ``self``; ``predict(X)`` returns one prediction per row;
          classifiers may add ``predict_proba(X)`` (columns follow ``classes_``).
        - ``get_params(deep=True)`` / ``set_params(**params)`` round-trip the constructor
          arguments, so ``sklearn.base.clone`` works.

    The check is structural: ``isinstance(obj, Model)`` is true for any object with callable
    ``fit``, ``predict``, ``get_params`` and ``set_params`` (a plain scikit-learn
    ``Pipeline`` qualifies). Models are registered as factories, ``name -> f(**params)``.
    """

    _required = ("fit", "predict", "get_params", "set_params")

    @classmethod
    def __subclasshook__(cls, candidate: type) -> bool:
        if cls is not Model:
            return NotImplemented
        return all(callable(getattr(candidate, method, None)) for method in cls._required)

    @abstractmethod
    def fit(self, X: Any, y: Any) -> Self:
        """Learn from features ``X`` and target ``y``; return ``self``."""

    @abstractmethod
    def predict(self, X: Any) -> Any:
        """Return one prediction per row of ``X``."""

    @abstractmethod
    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Return the constructor parameters."""

    @abstractmethod
    def set_params(self, **params: Any) -> Self:
        """Set constructor parameters; return ``self``."""


def seed_model(model: Any, seed: int) -> None:
    """Set every unset ``random_state`` parameter of ``model`` (and its steps) to ``seed``."""
    params = model.get_params(deep=True)
    unset = {
        key: seed
        for key, value in params.items()
        if (key == "random_state" or key.endswith("__random_state")) and value is None
    }
    if unset:
        model.set_params(**unset)
