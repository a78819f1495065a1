"""Single states of the deployed state machine through the TestState API: no execution, no Lambda.

The Choice at the recommendation's boundary (the function recommends "buy" up to
50 and "sell" from 51) and with a recommendation no rule matches; the approval
step's message and its ``ResultPath: null``; the report's message. With
``inspectionLevel`` DEBUG, TestState shows the data at each step of a state's
input and output processing (``afterParameters``, ``result``, ``afterResultPath``).
"""

from __future__ import annotations

import pytest

from tests.support.single_state import SingleState, mock_result

pytestmark = pytest.mark.integration

CHOICE = "Buy or Sell?"
APPROVAL = "Request Human Approval"
REPORT = "Report Result"


@pytest.fixture(scope="module")
def states(stack) -> SingleState:
    return SingleState(stack.client("stepfunctions"), stack.outputs.state_machine_arn)


@pytest.mark.parametrize(
    ("state_input", "next_state"),
    [
        ({"stock_price": 50, "recommended_type": "buy"}, "Buy Stock"),
        ({"stock_price": 51, "recommended_type": "sell"}, "Sell Stock"),
    ],
)
def test_the_choice_goes_to_the_trade_the_recommendation_names(states, state_input, next_state):
    tested = states.run(CHOICE, state_input)
    assert (tested.status, tested.next_state) == ("SUCCEEDED", next_state)
    assert tested.output == state_input  # a Choice passes its input on unchanged


def test_a_recommendation_no_rule_matches_fails_with_no_choice_matched(states):
    # GIVEN the Choice has no Default  WHEN the recommendation is neither buy nor sell
    tested = states.run(CHOICE, {"stock_price": 50, "recommended_type": "hold"})
    # THEN the state fails as AWS fails it, and goes nowhere
    assert (tested.status, tested.error) == ("FAILED", "States.NoChoiceMatched"), tested.cause
    assert tested.next_state is None


def test_the_approval_message_carries_the_input_and_a_task_token(stack, states):
    state_input = {"stock_price": 20, "recommended_type": "buy"}
    # (LocalStack takes only a JSON object as TestState's mocked result)
    tested = states.run(
        APPROVAL, state_input, mock=mock_result({"approval": "approved"}), inspection_level="DEBUG"
    )
    assert tested.status == "SUCCEEDED", (tested.error, tested.cause)
    sent = tested.inspection["afterParameters"]
    assert set(sent) == {"QueueUrl", "MessageBody"}
    assert sent["QueueUrl"] == stack.outputs.queue_url
    assert set(sent["MessageBody"]) == {"Input", "TaskToken"}
    assert sent["MessageBody"]["Input"] == state_input
    assert isinstance(sent["MessageBody"]["TaskToken"], str) and sent["MessageBody"]["TaskToken"]


def test_the_approval_result_is_discarded_by_result_path_null(states):
    # GIVEN the approval step, whose ResultPath is null
    assert "ResultPath" in states.state(APPROVAL) and states.state(APPROVAL)["ResultPath"] is None
    state_input = {"stock_price": 80, "recommended_type": "sell"}
    # WHEN the approval answers
    tested = states.run(
        APPROVAL, state_input, mock=mock_result({"approval": "approved"}), inspection_level="DEBUG"
    )
    # THEN its result is seen, then dropped: the state's output is its input
    assert tested.inspection["result"] == {"approval": "approved"}
    assert tested.inspection["afterResultPath"] == state_input
    assert (tested.output, tested.next_state) == (state_input, CHOICE)


def test_a_rejected_approval_fails_the_state_with_the_rejection(states):
    tested = states.run(
        APPROVAL,
        {"stock_price": 20, "recommended_type": "buy"},
        mock={"errorOutput": {"error": "Rejected", "cause": "rejected by a person"}},
    )
    assert (tested.status, tested.error, tested.cause) == (
        "FAILED",
        "Rejected",
        "rejected by a person",
    )


def test_the_report_publishes_the_trade_under_input_on_the_topic(stack, states):
    trade = {
        "id": "0f5c2e7a9b3d4c1e8f6a2b4d6c8e0a1b",
        "price": "20",
        "type": "buy",
        "qty": "5",
        "timestamp": "2026-03-24T12:00:00.000Z",
    }
    published = {"MessageId": "5d2e6b4a-8c1f-4e3a-9b7d-2f0c6a8e4b1d"}
    tested = states.run(REPORT, trade, mock=mock_result(published), inspection_level="DEBUG")
    assert tested.status == "SUCCEEDED", (tested.error, tested.cause)
    assert tested.inspection["afterParameters"] == {
        "TopicArn": stack.outputs.topic_arn,
        "Message": {"Input": trade},
    }
    # AND the execution's output is the Publish response (the last state, no ResultPath)
    assert tested.output == published and tested.next_state is None
