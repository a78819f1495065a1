"""Path coverage from execution histories: states, Choice branches, Catch transitions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sfnlocal.workflow.choice_rules import NO_MATCH, Undecidable, matching_rule, value_at
from sfnlocal.workflow.coverage import path_coverage

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE = json.loads((REPO_ROOT / "statemachine/stock_trading.asl.json").read_text())
BEFORE_CHOICE = ["Check Stock Price", "Generate Buy/Sell recommendation", "Request Human Approval"]


class History:
    """A history as Step Functions writes it: each event linked to the one before."""

    def __init__(self) -> None:
        self.events: list[dict] = []
        self.add("ExecutionStarted", executionStartedEventDetails={"input": "{}"})

    def add(self, kind: str, **details) -> History:
        previous = self.events[-1]["id"] if self.events else 0
        self.events.append(
            {"id": len(self.events) + 1, "previousEventId": previous, "type": kind, **details}
        )  # noqa: E501
        return self

    def state(self, name: str, data: object = None, kind: str = "Task", fail: str | None = None):
        self.add(
            f"{kind}StateEntered",
            stateEnteredEventDetails={"name": name, "input": json.dumps(data)},
        )
        if fail:
            self.add("TaskFailed", taskFailedEventDetails={"error": fail, "cause": ""})
            return self
        return self.add(
            f"{kind}StateExited",
            stateExitedEventDetails={"name": name, "output": json.dumps(data)},
        )

    def failed(self, error: str) -> list[dict]:
        self.add("ExecutionFailed", executionFailedEventDetails={"error": error, "cause": ""})
        return self.events

    def succeeded(self) -> list[dict]:
        return self.add("ExecutionSucceeded").events


def trade(recommendation: str) -> list[dict]:
    history = History()
    for name in BEFORE_CHOICE:
        history.state(name, {"stock_price": 20})
    data = {"stock_price": 20, "recommended_type": recommendation}
    history.state("Buy or Sell?", data, kind="Choice")
    history.state(f"{recommendation.title()} Stock", data).state("Report Result", {})
    return history.succeeded()


def no_match(error: str) -> list[dict]:
    history = History()
    for name in BEFORE_CHOICE:
        history.state(name, {"stock_price": 20})
    history.add(
        "ChoiceStateEntered",
        stateEnteredEventDetails={"name": "Buy or Sell?", "input": '{"recommended_type": "hold"}'},
    )
    return history.failed(error)


def test_a_buy_alone_leaves_the_sell_branch_and_no_match_missing():
    coverage = path_coverage(SAMPLE, [trade("buy")])
    assert (coverage.states.covered, coverage.states.total) == (6, 7)
    assert coverage.states.missing == ["Sell Stock"]
    assert coverage.choice_branches.missing == [
        "Buy or Sell?: Choices[1] → Sell Stock",
        "Buy or Sell?: no match → fails with States.NoChoiceMatched",
    ]
    assert not coverage.complete


def test_buy_sell_and_a_no_match_cover_the_sample():
    histories = [trade("buy"), trade("sell"), no_match("States.NoChoiceMatched")]
    coverage = path_coverage(SAMPLE, histories)
    assert coverage.complete
    assert coverage.choice_branches.to_json()["covered"] == 3
    assert coverage.failures == {("Buy or Sell?", "States.NoChoiceMatched"): 1}


def test_no_match_is_told_by_the_rules_when_the_engine_names_the_error_otherwise():
    # LocalStack 2026.3.0 fails a Choice that matched nothing with States.Runtime
    coverage = path_coverage(SAMPLE, [no_match("States.Runtime")])
    assert (
        coverage.choice_branches.taken["Buy or Sell?: no match → fails with States.NoChoiceMatched"]
        == 1
    )  # noqa: E501


def test_a_failure_is_counted_by_the_state_it_failed_in():
    history = History().state("Check Stock Price", {}, fail="Lambda.ServiceException")
    coverage = path_coverage(SAMPLE, [history.failed("Lambda.ServiceException")])
    assert coverage.failures == {("Check Stock Price", "Lambda.ServiceException"): 1}
    assert coverage.states.covered == 1


def test_the_json_has_covered_total_and_missing_by_name():
    data = path_coverage(SAMPLE, [trade("buy")]).to_json()
    for key in ("states", "choice_branches"):
        assert {"covered", "total", "missing"} <= set(data[key])
    assert data["states"]["missing"] == ["Sell Stock"]
    assert data["executions"] == 1 and data["complete"] is False


ROUTER = {
    "StartAt": "Route",
    "States": {
        "Route": {
            "Type": "Choice",
            "Choices": [
                {"Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big"},
                {
                    "And": [
                        {"Variable": "$.kind", "IsPresent": True},
                        {"Variable": "$.kind", "StringMatches": "vip*"},
                    ],
                    "Next": "Big",
                },
            ],
            "Default": "Big",
        },
        "Big": {
            "Type": "Task",
            "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f",
            "Catch": [
                {"ErrorEquals": ["States.Timeout"], "Next": "Late"},
                {"ErrorEquals": ["States.ALL"], "Next": "Broken"},
            ],
            "End": True,
        },
        "Late": {"Type": "Succeed"},
        "Broken": {"Type": "Fail"},
    },
}


def routed(data: dict, big_fails: str | None = None) -> list[dict]:
    history = History().state("Route", data, kind="Choice")
    if big_fails is None:
        return history.state("Big", data).succeeded()
    history.state("Big", data, fail=big_fails)
    history.add("TaskStateExited", stateExitedEventDetails={"name": "Big", "output": "{}"})
    target = "Late" if big_fails == "States.Timeout" else "Broken"
    kind = "Succeed" if target == "Late" else "Fail"
    history.add(f"{kind}StateEntered", stateEnteredEventDetails={"name": target, "input": "{}"})
    return history.succeeded()


def test_rules_that_go_to_the_same_state_are_told_apart_by_the_input():
    coverage = path_coverage(ROUTER, [routed({"n": 20}), routed({"n": 1, "kind": "vip-gold"})])
    assert coverage.choice_branches.taken == {
        "Route: Choices[0] → Big": 1,
        "Route: Choices[1] → Big": 1,
        "Route: Default → Big": 0,
    }
    coverage = path_coverage(ROUTER, [routed({"n": 1})])
    assert coverage.choice_branches.missing == [
        "Route: Choices[0] → Big",
        "Route: Choices[1] → Big",
    ]  # noqa: E501


def test_rules_that_cannot_be_evaluated_are_not_guessed():
    undecidable = json.loads(json.dumps(ROUTER))
    undecidable["States"]["Route"]["Choices"][0]["Variable"] = "$$.Execution.Input.n"
    coverage = path_coverage(undecidable, [routed({"n": 20})])
    assert coverage.choice_branches.covered == 0
    assert coverage.unattributed == 1


def test_a_catch_taken_is_an_error_transition_covered():
    coverage = path_coverage(ROUTER, [routed({"n": 20}, big_fails="States.Timeout")])
    assert coverage.error_transitions.taken == {
        "Big: Catch[0] ['States.Timeout'] → Late": 1,
        "Big: Catch[1] ['States.ALL'] → Broken": 0,
    }
    coverage = path_coverage(ROUTER, [routed({"n": 20}, big_fails="Lambda.Unknown")])
    assert coverage.error_transitions.missing == ["Big: Catch[0] ['States.Timeout'] → Late"]
    assert coverage.states.taken["Broken"] == 1


@pytest.mark.parametrize(
    ("rule", "data", "expected"),
    [
        ({"Variable": "$.t", "StringEquals": "buy"}, {"t": "buy"}, 0),
        ({"Variable": "$.t", "StringEquals": "buy"}, {"t": 1}, NO_MATCH),
        ({"Variable": "$.n", "NumericLessThanEquals": 50}, {"n": 50}, 0),
        ({"Variable": "$.n", "NumericLessThanEquals": 50}, {"n": 51}, NO_MATCH),
        ({"Variable": "$.n", "NumericEqualsPath": "$.m"}, {"n": 2, "m": 2}, 0),
        ({"Variable": "$.b", "BooleanEquals": True}, {"b": 1}, NO_MATCH),
        ({"Variable": "$.x", "IsNull": True}, {"x": None}, 0),
        ({"Variable": "$.x", "IsPresent": False}, {}, 0),
        ({"Variable": "$.a[1]", "StringEquals": "z"}, {"a": ["y", "z"]}, 0),
        ({"Variable": "$['a b']", "IsString": True}, {"a b": "s"}, 0),
        ({"Variable": "$.s", "StringMatches": "log-*.txt"}, {"s": "log-1.txt"}, 0),
        ({"Variable": "$.s", "StringMatches": "a\\*"}, {"s": "ab"}, NO_MATCH),
        ({"Not": {"Variable": "$.n", "NumericGreaterThan": 1}}, {"n": 0}, 0),
        (
            {"Variable": "$.t", "TimestampLessThan": "2026-01-01T00:00:00Z"},
            {"t": "2025-12-31T23:59:59Z"},
            0,
        ),  # noqa: E501
    ],
)
def test_choice_rules_evaluate_as_step_functions_does(rule, data, expected):
    assert matching_rule([{**rule, "Next": "X"}], data) == expected


def test_paths_the_input_cannot_answer_are_undecidable():
    for path in ("$$.Execution.Id", "$var.x", "$.missing"):
        with pytest.raises(Undecidable):
            value_at({"present": 1}, path)
