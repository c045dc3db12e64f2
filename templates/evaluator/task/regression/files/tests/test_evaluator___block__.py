import pytest

from <%- packageName %>.plumbing.registry import EVALUATORS

NAME = "<%- name %>"


def test_worked_example_of_within_tolerance():
    # errors 0.5, 2.0, 1.0, 3.0: two of four are within a tolerance of 1
    evaluator = EVALUATORS.build(NAME, {"tolerance": 1.0})
    evaluation = evaluator.evaluate([10.0, 20.0, 30.0, 40.0], [10.5, 18.0, 31.0, 43.0])
    assert evaluation.metrics["within_tolerance"] == pytest.approx(0.5)
    assert evaluation.metrics["mae"] == pytest.approx((0.5 + 2.0 + 1.0 + 3.0) / 4)
