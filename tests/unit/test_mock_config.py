"""The mock configuration file (mocked test cases), checked before the stack uses it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sfnlocal.deploy.deployer import prepare
from sfnlocal.sample.errors import DocumentError
from sfnlocal.sample.mocks import MOCKS_PATH, mock_config_path
from tests.unit.documents import edit_json

MACHINE = "sfnlocal-StockTrading"


def problems_of(repo: Path, path: Path | None = None) -> list[str]:
    """The problems ``prepare()`` (the deploy's checks) finds, as "file: message" lines."""
    with pytest.raises(DocumentError) as raised:
        prepare(repo, "sfnlocal", mock_config=path)
    return [str(problem) for problem in raised.value.problems]


def cases(config: dict) -> dict:
    return config["StateMachines"][MACHINE]["TestCases"]


def mock_in_case(repo: Path, case: str, state: str, response: str) -> None:
    edit_json(repo / MOCKS_PATH, lambda config: cases(config)[case].update({state: response}))


def set_response(repo: Path, name: str, attempt: str, value: dict) -> None:
    edit_json(repo / MOCKS_PATH, lambda config: config["MockedResponses"][name].update({attempt: value}))  # fmt: skip  # noqa: E501


def update_return(repo: Path, name: str, **fields) -> None:
    edit_json(repo / MOCKS_PATH, lambda config: config["MockedResponses"][name]["0"]["Return"].update(fields))  # fmt: skip  # noqa: E501


def test_the_samples_mock_file_passes_every_check(repo):
    # GIVEN the repository's documents WHEN the deploy's checks run
    plan = prepare(repo, "sfnlocal")
    # THEN the sample's mock file is the one checked, with its test cases
    assert plan.mocks is not None
    assert plan.mocks.label == MOCKS_PATH
    assert {
        "CheckStockPriceLambdaError",
        "BuyStockTimesOut",
        "ApprovalRejected",
        "ApprovalTimesOut",
        "ReportPublishFails",
        "NoRecommendationMatches",
    } <= set(plan.mocks.test_cases(MACHINE))


def test_sfn_mock_config_names_the_file_to_check(repo, tmp_path, monkeypatch):
    mine = tmp_path / "mine.json"
    mine.write_text(json.dumps({"StateMachines": {}, "MockedResponses": {}}))
    monkeypatch.setenv("SFN_MOCK_CONFIG", str(mine))
    assert mock_config_path(repo) == mine.resolve()
    assert prepare(repo, "sfnlocal").mocks.path == mine.resolve()


def test_a_missing_file_named_by_sfn_mock_config_is_an_error(repo, tmp_path_factory):
    missing = tmp_path_factory.mktemp("elsewhere") / "nope.json"
    assert problems_of(repo, missing) == [f"{missing}: no such file (named by SFN_MOCK_CONFIG)"]


def test_malformed_json_names_the_line_and_says_what_localstack_would_do(repo):
    path = repo / MOCKS_PATH
    path.write_text(path.read_text().replace('"PriceIs20": {', '"PriceIs20" {', 1))
    [problem] = problems_of(repo)
    assert problem.startswith(f"{MOCKS_PATH}: invalid JSON at line ")
    assert "run every state for real" in problem


def test_a_duplicate_key_is_an_error(repo):
    path = repo / MOCKS_PATH
    path.write_text(path.read_text().replace('"MockedResponses": {', '"MockedResponses": {"PriceIs20": {}, ', 1))  # fmt: skip  # noqa: E501
    assert problems_of(repo) == [
        f"{MOCKS_PATH}: duplicate key 'PriceIs20': LocalStack would keep the last"
    ]


def test_a_state_the_state_machine_does_not_have_names_the_test_case(repo):
    mock_in_case(repo, "ApprovalRejected", "Buy Stok", "x")
    [problem] = problems_of(repo)
    assert problem.startswith(f"{MOCKS_PATH}: test case 'ApprovalRejected', state 'Buy Stok': ")
    assert "no such state" in problem and "'Buy Stock'" in problem


def test_a_state_machine_the_deploy_does_not_create_is_an_error(repo):
    edit_json(repo / MOCKS_PATH, lambda c: c["StateMachines"].update({"StockTrading": {}}))
    assert problems_of(repo) == [
        f"{MOCKS_PATH}: StateMachines.StockTrading: the deploy creates no state machine "
        f"'StockTrading'; the sample's is '{MACHINE}'"
    ]


def test_the_state_machine_name_follows_the_deploy_prefix(repo, tmp_path_factory):
    # GIVEN a file of the user's with the sample's test cases
    mine = tmp_path_factory.mktemp("mine") / "mocks.json"
    mine.write_text((repo / MOCKS_PATH).read_text())
    # WHEN deployed with another prefix  THEN its state machine is not the deploy's
    with pytest.raises(DocumentError) as raised:
        prepare(repo, "other", mock_config=mine)
    assert "the sample's is 'other-StockTrading'" in str(raised.value)


def test_the_samples_file_does_not_stop_a_deploy_with_another_prefix(repo):
    # (none of its test cases can run there: LocalStack refuses to start them)
    assert prepare(repo, "other").mocks is None


def test_only_task_states_can_be_mocked(repo):
    mock_in_case(repo, "ApprovalRejected", "Buy or Sell?", "Approved")
    assert problems_of(repo) == [
        f"{MOCKS_PATH}: test case 'ApprovalRejected', state 'Buy or Sell?' is a Choice state: "
        "only Task states are mocked"
    ]


def test_a_mocked_response_that_is_not_defined(repo):
    mock_in_case(repo, "ApprovalRejected", "Buy Stock", "Bought")
    assert problems_of(repo) == [
        f"{MOCKS_PATH}: test case 'ApprovalRejected', state 'Buy Stock': "
        "MockedResponses has no 'Bought'"
    ]


def test_a_lambda_return_must_be_the_invoke_response_not_the_bare_payload(repo):
    # GIVEN a Lambda task's mocked Return that is the function's result, not Invoke's response
    def bare(config: dict) -> None:
        config["MockedResponses"]["BoughtAt20"]["0"]["Return"] = {"id": "1", "price": "20"}

    edit_json(repo / MOCKS_PATH, bare)
    problems = problems_of(repo)
    # THEN each problem names the file, the test case, the state and the field
    who = (
        "test case 'ReportPublishFails', state 'Buy Stock' (a Lambda function: the Invoke response)"
    )
    assert problems[:2] == [
        f"{MOCKS_PATH}: {who}: MockedResponses.BoughtAt20.0.Return has no 'StatusCode': the real "
        'Invoke response always has it (for example {"StatusCode": 200, "Payload": ...})',
        f"{MOCKS_PATH}: {who}: MockedResponses.BoughtAt20.0.Return has no 'Payload': the real "
        'Invoke response always has it (for example {"StatusCode": 200, "Payload": ...})',
    ]
    assert f"{who}: MockedResponses.BoughtAt20.0.Return: unknown field 'id'" in problems[2]
    assert "StatusCode, FunctionError, LogResult, Payload" in problems[2]


def test_types_are_those_of_botocores_service_model(repo):
    update_return(repo, "RecommendBuy", StatusCode="200")
    [problem] = problems_of(repo)
    assert problem.endswith(
        "MockedResponses.RecommendBuy.0.Return.StatusCode must be an integer, got a string"
    )


def test_a_function_error_payload_is_the_functions_error(repo):
    update_return(repo, "RecommendBuy", FunctionError="Unhandled")
    [problem] = problems_of(repo)
    assert "Payload: with FunctionError the Payload is the function's error" in problem


def test_an_sns_publish_return_is_the_publish_response(repo):
    set_response(repo, "Published", "0", {"Return": {"MessageID": "m"}})
    problems = problems_of(repo)
    who = "test case 'SellWithoutLambdas', state 'Report Result' (sns:publish)"
    assert problems == [
        f"{MOCKS_PATH}: {who}: MockedResponses.Published.0.Return has no 'MessageId': the real "
        'Publish response always has it (for example {"MessageId": "..."})',
        f"{MOCKS_PATH}: {who}: MockedResponses.Published.0.Return: unknown field 'MessageID'; "
        "the Publish response has MessageId, SequenceNumber, SdkHttpMetadata, SdkResponseMetadata",
    ]


def test_an_sqs_send_message_return_is_the_send_message_response(repo):
    # GIVEN the approval step as a plain sqs:sendMessage (no task token)
    def plain(asl: dict) -> None:
        state = asl["States"]["Request Human Approval"]
        state["Resource"] = "arn:aws:states:::sqs:sendMessage"
        state["Parameters"]["MessageBody"] = {"Input.$": "$"}

    edit_json(repo / "statemachine/stock_trading.asl.json", plain)
    # THEN its mocked "approved" is not what SendMessage returns
    problems = problems_of(repo)
    assert problems and all("(sqs:sendMessage)" in p for p in problems)
    assert "MockedResponses.Approved.0.Return must be the SendMessage response" in problems[0]


def test_a_wait_for_task_token_return_is_any_json(repo):
    # the approval's "approved" is what SendTaskSuccess sends: any JSON
    plan = prepare(repo, "sfnlocal")
    assert plan.mocks.content["MockedResponses"]["Approved"]["0"]["Return"] == "approved"


@pytest.mark.parametrize(
    ("attempt", "expected"),
    [
        (
            {"Return": {"StatusCode": 200, "Payload": 1}, "Throw": {}},
            "exactly one of Return and Throw",
        ),  # noqa: E501
        ({}, "exactly one of Return and Throw"),
        ({"Throw": {"Error": "Rejected"}}, "has no Cause: LocalStack ignores the whole file"),
        (
            {"Throw": {"Error": "States.Timeot", "Cause": ""}},
            "not one of Step Functions' own errors",
        ),  # noqa: E501
        ({"Throw": {"Error": "", "Cause": ""}}, "Error must be the error's name"),
        ({"Return": None}, "Return is null"),
        ({"Retrun": 1}, "unknown field 'Retrun'"),
    ],
)
def test_each_attempt_is_one_return_or_one_throw(repo, attempt, expected):
    set_response(repo, "Rejected", "0", attempt)
    problems = problems_of(repo)
    assert any(
        p.startswith(f"{MOCKS_PATH}: MockedResponses.Rejected.0") and expected in p
        for p in problems
    ), problems  # noqa: E501


def test_attempts_follow_on_from_zero(repo):
    set_response(repo, "Rejected", "2-3", {"Throw": {"Error": "Rejected", "Cause": ""}})
    assert problems_of(repo) == [
        f'{MOCKS_PATH}: MockedResponses.Rejected: attempts must follow on from "0" without gaps '
        "or overlaps; '2-3' starts at 2, expected 1"
    ]


def test_the_top_level_fields_are_required(repo):
    (repo / MOCKS_PATH).write_text(json.dumps({"StateMachines": {}}))
    assert problems_of(repo) == [f"{MOCKS_PATH}: MockedResponses is required, an object"]


def test_every_problem_is_reported_at_once(repo):
    def two(config: dict) -> None:
        cases(config)["ApprovalRejected"]["Sell Stok"] = "SoldAt80"
        config["MockedResponses"]["Rejected"]["0"]["Throw"].pop("Cause")

    edit_json(repo / MOCKS_PATH, two)
    assert len(problems_of(repo)) == 2
