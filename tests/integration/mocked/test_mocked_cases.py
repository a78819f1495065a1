"""The paths real functions rarely take, through the sample's mocked test cases.

Each test runs ``<stateMachineArn>#<TestCase>`` of statemachine/stock_trading.mocks.json
(AWS's MockConfigFile format): the states the test case names answer with its
mocked responses, the others run for real. The expected errors and causes are
read from that file: the test proves the execution failed with the mocked
response, at the state that had it, and went no further.
"""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from sfnlocal.engine.settings import EngineSettings
from tests.support.mocked import SAMPLE_MOCKS, mocked_response, run_test_case

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module", autouse=True)
def _the_stack_reads_the_samples_mock_file(stack) -> None:
    """A stack `make up` started with SFN_MOCK_CONFIG=<yours> has not the sample's cases."""
    if stack.kind != "running":
        return  # the tests' own stacks read the sample's file
    reads = EngineSettings().recorded_mock_config()
    if reads and reads != SAMPLE_MOCKS.resolve():
        pytest.skip(
            f"the running stack reads the mock file {reads}, not the sample's "
            f"{SAMPLE_MOCKS.name}: 'make down && make up' to run these tests"
        )


TO_APPROVAL = ["Check Stock Price", "Generate Buy/Sell recommendation", "Request Human Approval"]


def assert_failed_with(execution, response_name: str) -> None:
    thrown = mocked_response(response_name)["Throw"]
    assert (execution.status, execution.error, execution.cause) == (
        "FAILED",
        thrown["Error"],
        thrown["Cause"],
    )
    [failed] = execution.events("ExecutionFailed")
    assert failed["executionFailedEventDetails"]["error"] == thrown["Error"]


def test_a_lambda_error_at_check_stock_price_fails_the_execution_there(workflow):
    execution = run_test_case(workflow, "CheckStockPriceLambdaError", {"stock_price": 20})
    assert_failed_with(execution, "LambdaServiceException")
    assert execution.states_entered() == ["Check Stock Price"]


def test_buy_stock_timing_out_fails_with_sandbox_timedout(workflow):
    execution = run_test_case(workflow, "BuyStockTimesOut")
    assert_failed_with(execution, "SandboxTimedOut")
    assert execution.states_entered() == [*TO_APPROVAL, "Buy or Sell?", "Buy Stock"]
    # the mocked price and recommendation reached Buy Stock
    assert execution.state_output("Request Human Approval") == {
        "stock_price": 20,
        "recommended_type": "buy",
    }


def test_an_approval_answered_with_send_task_failure_fails_the_execution(workflow):
    execution = run_test_case(workflow, "ApprovalRejected")
    assert_failed_with(execution, "Rejected")
    assert execution.states_entered() == TO_APPROVAL


def test_an_approval_that_never_comes_times_out_with_states_timeout(workflow):
    # (the sample's approval step has no TimeoutSeconds: `make check` warns of it)
    execution = run_test_case(workflow, "ApprovalTimesOut")
    assert_failed_with(execution, "ApprovalTimeout")
    assert execution.error == "States.Timeout"
    assert execution.states_entered() == TO_APPROVAL


def test_the_report_failing_to_publish_fails_the_execution_after_the_trade(workflow):
    execution = run_test_case(workflow, "ReportPublishFails")
    assert_failed_with(execution, "TopicNotFound")
    assert execution.states_entered() == [
        *TO_APPROVAL,
        "Buy or Sell?",
        "Buy Stock",
        "Report Result",
    ]  # noqa: E501
    bought = mocked_response("BoughtAt20")["Return"]["Payload"]
    assert execution.state_output("Buy Stock") == bought


def test_a_recommendation_no_choice_rule_matches_fails_with_no_choice_matched(workflow):
    # GIVEN a recommendation that is neither "buy" nor "sell"
    execution = run_test_case(workflow, "NoRecommendationMatches")
    # THEN the Choice (it has no Default) fails the execution as AWS does
    assert execution.status == "FAILED"
    assert execution.error == "States.NoChoiceMatched", (execution.error, execution.cause)
    assert isinstance(execution.cause, str)  # AWS's wording of the cause is not specified
    assert execution.states_entered() == [*TO_APPROVAL, "Buy or Sell?"]
    entered = execution.events("ChoiceStateEntered")[0]["stateEnteredEventDetails"]
    assert json.loads(entered["input"])["recommended_type"] == "hold"


def test_every_task_mocked_runs_the_whole_path_without_a_function(workflow):
    # GIVEN a test case that mocks every Task (no Lambda, no queue, no topic)
    execution = run_test_case(workflow, "SellWithoutLambdas", {"stock_price": 20})
    # THEN it sells at the mocked price and its output is the mocked Publish response
    assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
    assert execution.states_entered() == [
        *TO_APPROVAL,
        "Buy or Sell?",
        "Sell Stock",
        "Report Result",
    ]  # noqa: E501
    assert execution.state_output("Check Stock Price") == {"stock_price": 80}
    assert execution.output == mocked_response("Published")["Return"]
    # AND the approval step answered with the mocked callback output
    submitted = execution.events("TaskSubmitted")
    assert [json.loads(e["taskSubmittedEventDetails"]["output"]) for e in submitted] == ["approved"]


def test_a_test_case_the_file_does_not_have_is_refused_at_start(stack, workflow):
    # (the error code is LocalStack's InternalError, which clients retry: no retries here)
    sfn = stack.outputs.clients().client("stepfunctions", retries={"max_attempts": 1})
    with pytest.raises(ClientError) as raised:
        sfn.start_execution(stateMachineArn=f"{workflow.state_machine_arn}#NoSuchCase")
    assert "test case 'NoSuchCase'" in raised.value.response["Error"]["Message"]
