import pytest

from <%- packageName %>.plumbing.registry import EVALUATORS

NAME = "<%- name %>"


def test_worked_example_of_the_business_value():
    # truth 1 0 1 1 0, predicted 1 1 0 1 0: two hits, one false alarm, one miss
    evaluator = EVALUATORS.build(
        "<%- name %>",
        {"gain_true_positive": 10.0, "cost_false_positive": 2.0, "cost_false_negative": 5.0},
    )
    evaluation = evaluator.evaluate([1, 0, 1, 1, 0], [1, 1, 0, 1, 0])
    # (10 * 2 - 2 * 1 - 5 * 1) / 5 samples = 2.6 per decision
    assert evaluation.metrics["business_value"] == pytest.approx(2.6)
    assert evaluation.metrics["accuracy"] == pytest.approx(3 / 5)
    assert evaluation.table["correct"].tolist() == [1, 0, 0, 1, 1]


def test_business_value_is_a_headline_metric():
    assert EVALUATORS.build(NAME, {}).headline[0] == "business_value"
