"""The documents (ASL, IAM, function.json): loading, validation and placeholder substitution."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sfnlocal.deploy.deployer import FUNCTION_PLACEHOLDERS, prepare
from sfnlocal.sample.documents import (
    Choice,
    Document,
    EventSource,
    find_repo_root,
    load_documents,
)
from sfnlocal.sample.errors import DocumentError
from sfnlocal.sample.placeholders import PlaceholderError, find_placeholders, substitute
from tests.conftest import REPO_ROOT
from tests.unit.documents import edit_json

# The seed's state machine definition, verbatim (the AWS sample's account-specific ARNs).
SEED_ASL = json.loads(
    r"""
{ "StartAt": "Check Stock Price", "States": { "Check Stock Price": { "Type": "Task", "Resource": "arn:aws:lambda:us-west-1:111122223333:function:StepFunctionsSample-HelloLam-CheckStockPriceLambda-444455556666", "Next": "Generate Buy/Sell recommendation" }, "Generate Buy/Sell recommendation": { "Type": "Task", "Resource": "arn:aws:lambda:us-west-1:111122223333:function:StepFunctionsSample-Hello-GenerateBuySellRecommend-123456789012", "ResultPath": "$.recommended_type", "Next": "Request Human Approval" }, "Request Human Approval": { "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": { "QueueUrl": "https://sqs.us-west-1.amazonaws.com/111122223333/StepFunctionsSample-HelloLambda4444-5555-6666-RequestHumanApprovalSqs-777788889999", "MessageBody": { "Input.$": "$", "TaskToken.$": "$$.Task.Token" } }, "ResultPath": null, "Next": "Buy or Sell?" }, "Buy or Sell?": { "Type": "Choice", "Choices": [ { "Variable": "$.recommended_type", "StringEquals": "buy", "Next": "Buy Stock" }, { "Variable": "$.recommended_type", "StringEquals": "sell", "Next": "Sell Stock" } ] }, "Buy Stock": { "Type": "Task", "Resource": "arn:aws:lambda:us-west-1:111122223333:function:StepFunctionsSample-HelloLambda-BuyStockLambda-000000000000", "Next": "Report Result" }, "Sell Stock": { "Type": "Task", "Resource": "arn:aws:lambda:us-west-1:111122223333:function:StepFunctionsSample-HelloLambda-SellStockLambda-111111111111", "Next": "Report Result" }, "Report Result": { "Type": "Task", "Resource": "arn:aws:states:::sns:publish", "Parameters": { "TopicArn": "arn:aws:sns:us-west-1:111122223333:StepFunctionsSample-HelloLambda1111-2222-3333-ReportResultSnsTopic-222222222222", "Message": { "Input.$": "$" } }, "End": true } } }
"""  # noqa: E501
)
SEED_VALUES = {
    "CheckStockPriceFunctionArn": SEED_ASL["States"]["Check Stock Price"]["Resource"],
    "GenerateBuySellRecommendationFunctionArn": SEED_ASL["States"][
        "Generate Buy/Sell recommendation"
    ]["Resource"],
    "BuyStockFunctionArn": SEED_ASL["States"]["Buy Stock"]["Resource"],
    "SellStockFunctionArn": SEED_ASL["States"]["Sell Stock"]["Resource"],
    "RequestHumanApprovalQueueUrl": SEED_ASL["States"]["Request Human Approval"]["Parameters"][
        "QueueUrl"
    ],
    "ReportResultTopicArn": SEED_ASL["States"]["Report Result"]["Parameters"]["TopicArn"],
}
SEED_QUEUE_ARN = (
    "arn:aws:sqs:us-west-1:111122223333:"
    "StepFunctionsSample-HelloLambda4444-5555-6666-RequestHumanApprovalSqs-111111111111"
)


# --- the repository's own documents -------------------------------------------------------


def test_the_repository_documents_load():
    # GIVEN the repository WHEN its documents are loaded
    documents = load_documents(REPO_ROOT)
    # THEN there are the five functions (the approver in two alternatives), the six state
    # machine policies and the trust policies
    assert [f.name for f in documents.functions] == [
        "ApproveRequest",
        "ApproveRequest",
        "BuyStock",
        "CheckStockPrice",
        "GenerateBuySellRecommendation",
        "SellStock",
    ]
    assert [Path(p.path).name for p in documents.state_machine_policies] == [
        "invoke-buy-stock.json",
        "invoke-check-stock-price.json",
        "invoke-generate-buy-sell-recommendation.json",
        "invoke-sell-stock.json",
        "publish-report.json",
        "send-approval-request.json",
    ]
    approver = documents.function("ApproveRequest")
    assert approver.asl_placeholder is None
    assert [p.path for p in approver.policies] == ["iam/lambda/approve-request.json"]
    assert approver.event_source == EventSource("approval", 10, True, 0)
    assert all(
        f.runtime == "python3.13" and f.handler == "app.handler"
        for f in documents.functions
        if f.key != "approve_request_node"
    )


def test_every_placeholder_in_the_repository_is_resolvable():
    # GIVEN the repository WHEN a deploy is prepared (no network) THEN nothing is unknown
    plan = prepare(REPO_ROOT, "sfnlocal")
    documents = plan.documents
    values = {name: f"<{name}>" for name in plan.placeholder_names() | FUNCTION_PLACEHOLDERS}
    # AND every document renders without a placeholder left
    for document in [*documents.global_documents(), documents.lambda_logging]:
        rendered = json.dumps(document.render(values))
        assert "${" not in rendered, document.path
    for spec in documents.functions:
        for document in spec.policies:
            assert "${" not in json.dumps(document.render(values)), document.path


def test_the_asl_is_the_seeds_with_placeholders():
    # GIVEN the repository's ASL WHEN its placeholders get the seed's account-specific values
    asl = load_documents(REPO_ROOT).state_machine
    # THEN it is exactly the seed's definition
    assert set(asl.placeholders) == set(SEED_VALUES)
    assert asl.render(SEED_VALUES) == SEED_ASL
    assert "111122223333" not in json.dumps(asl.content)


def test_the_state_machine_policies_are_the_seeds_with_placeholders():
    # GIVEN the seed's six least-privilege policies (with a Version added)
    seed_policies = {
        "invoke-check-stock-price": ("lambda:InvokeFunction", "CheckStockPriceFunctionArn"),
        "invoke-generate-buy-sell-recommendation": (
            "lambda:InvokeFunction",
            "GenerateBuySellRecommendationFunctionArn",
        ),
        "invoke-buy-stock": ("lambda:InvokeFunction", "BuyStockFunctionArn"),
        "invoke-sell-stock": ("lambda:InvokeFunction", "SellStockFunctionArn"),
        "send-approval-request": ("sqs:SendMessage*", "RequestHumanApprovalQueueArn"),
        "publish-report": ("sns:Publish", "ReportResultTopicArn"),
    }
    values = {**SEED_VALUES, "RequestHumanApprovalQueueArn": SEED_QUEUE_ARN}
    documents = load_documents(REPO_ROOT)
    # WHEN each is rendered THEN it allows exactly one action on exactly one resource
    for document in documents.state_machine_policies:
        action, placeholder = seed_policies[Path(document.path).stem]
        assert document.render(values) == {
            "Version": "2012-10-17",
            "Statement": [{"Action": [action], "Resource": values[placeholder], "Effect": "Allow"}],
        }


def test_the_approver_may_complete_tasks_and_consume_the_queue():
    approver = load_documents(REPO_ROOT).function("ApproveRequest")
    (policy,) = approver.policies
    rendered = policy.render({"StateMachineArn": "SM", "RequestHumanApprovalQueueArn": "Q"})
    allowed = {(a, s["Resource"]) for s in rendered["Statement"] for a in s["Action"]}
    assert allowed == {
        # task tokens are no resources: SendTaskSuccess takes only "*"
        ("states:SendTaskSuccess", "*"),
        ("sqs:ReceiveMessage", "Q"),
        ("sqs:DeleteMessage", "Q"),
        ("sqs:GetQueueAttributes", "Q"),
        ("sqs:ChangeMessageVisibility", "Q"),
    }


def test_find_repo_root_walks_up(tmp_path: Path):
    assert find_repo_root(REPO_ROOT / "lambdas" / "shared") == REPO_ROOT
    with pytest.raises(DocumentError, match="statemachine/stock_trading.asl.json"):
        find_repo_root(tmp_path)


def test_without_a_start_the_root_is_sfnlocal_root_else_this_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SFNLOCAL_ROOT", raising=False)
    assert find_repo_root() == REPO_ROOT
    monkeypatch.setenv("SFNLOCAL_ROOT", str(tmp_path))
    assert find_repo_root() == tmp_path.resolve()


# --- substitution -------------------------------------------------------------------------


def test_substitution_replaces_whole_and_embedded_placeholders_in_keys_and_values():
    # GIVEN a document with placeholders as whole strings, inside strings and in a key
    document = {"A": "${One}", "B": ["arn:${Two}:x:${One}"], "${Two}": 3, "C": None}
    # WHEN substituted
    result = substitute(document, {"One": "1", "Two": "2"})
    # THEN every placeholder is replaced, other values untouched, the input unchanged
    assert result == {"A": "1", "B": ["arn:2:x:1"], "2": 3, "C": None}
    assert document["A"] == "${One}"


def test_values_with_json_special_characters_stay_strings():
    assert substitute({"A": "${V}"}, {"V": 'quote " and \\ back'}) == {"A": 'quote " and \\ back'}


def test_iam_policy_variables_are_left_alone():
    document = {"Resource": "arn:aws:s3:::bucket/${aws:username}/*", "Other": "${*}"}
    assert find_placeholders(document) == {}
    assert substitute(document, {}) == document


def test_an_unresolved_placeholder_is_named():
    with pytest.raises(PlaceholderError, match=r"unresolved placeholders \$\{A\}, \$\{B\}"):
        substitute({"x": "${A}-${B}-${C}"}, {"C": "c"})


@pytest.mark.parametrize("text", ["${Not valid}", "${1abc}", "${}", "${Open"])
def test_a_malformed_placeholder_is_reported_with_its_location(text: str):
    with pytest.raises(PlaceholderError, match=r"at \$\.Statement\[0\]"):
        find_placeholders({"Statement": [text]})


def test_rendering_with_a_missing_value_names_the_file():
    document = Document("iam/x.json", {"R": "${Missing}"}, {"Missing": ["$.R"]})
    with pytest.raises(DocumentError, match=r"iam/x.json: unresolved placeholder \$\{Missing\}"):
        document.render({})


# --- errors, each naming its file, all reported before anything is deployed ---------------


def test_a_json_error_is_reported_with_the_file_and_position(repo: Path):
    # GIVEN an IAM document that is not valid JSON
    path = repo / "iam" / "state-machine" / "publish-report.json"
    path.write_text('{"Version": "2012-10-17",\n  "Statement": [ }')
    # WHEN the documents are loaded THEN the error names the file, line and column
    with pytest.raises(DocumentError) as raised:
        load_documents(repo)
    (problem,) = raised.value.problems
    assert problem.path == "iam/state-machine/publish-report.json"
    assert "invalid JSON at line 2 column" in problem.message
    assert "iam/state-machine/publish-report.json: invalid JSON" in str(raised.value)


def test_a_duplicate_key_is_a_json_error(repo: Path):
    (repo / "lambdas" / "buy_stock" / "function.json").write_text(
        '{"name": "BuyStock", "name": "Other"}'
    )
    with pytest.raises(DocumentError, match=r"buy_stock/function.json: invalid JSON: duplicate"):
        load_documents(repo)


def test_an_unknown_placeholder_is_reported_with_the_file(repo: Path):
    # GIVEN a policy that uses a placeholder the deploy does not know
    edit_json(
        repo / "iam" / "state-machine" / "publish-report.json",
        lambda d: d["Statement"][0].update(Resource="${ReportTopicArn}"),
    )
    # WHEN a deploy is prepared THEN it fails naming the file and the placeholder
    with pytest.raises(DocumentError) as raised:
        prepare(repo, "sfnlocal")
    (problem,) = raised.value.problems
    assert problem.path == "iam/state-machine/publish-report.json"
    assert "unknown placeholder ${ReportTopicArn} at $.Statement[0].Resource" in problem.message
    assert "ReportResultTopicArn" in problem.message  # the known ones are listed


def test_function_placeholders_are_known_only_in_function_policies(repo: Path):
    # GIVEN the state machine's trust policy using ${FunctionName}
    edit_json(
        repo / "iam" / "trust" / "states.json",
        lambda d: d["Statement"][0].update(Sid="${FunctionName}"),
    )
    # WHEN prepared THEN it is unknown there (while logging.json may use it)
    with pytest.raises(DocumentError, match=r"iam/trust/states.json: unknown placeholder"):
        prepare(repo, "sfnlocal")


def test_every_problem_is_reported_at_once(repo: Path):
    # GIVEN several broken documents
    (repo / "statemachine" / "stock_trading.asl.json").write_text("{")
    edit_json(repo / "lambdas" / "buy_stock" / "function.json", lambda d: d.update(timeout=0))
    edit_json(
        repo / "lambdas" / "approve_request" / "function.json",
        lambda d: d.update(policies=["lambda/missing.json"], colour="blue"),
    )
    edit_json(
        repo / "lambdas" / "sell_stock" / "function.json",
        lambda d: d.update(handler="app.main", event_source={"queue": "elsewhere"}),
    )
    # WHEN loaded THEN each problem is listed with its file
    with pytest.raises(DocumentError) as raised:
        load_documents(repo)
    problems = [str(p) for p in raised.value.problems]
    expected = [
        "statemachine/stock_trading.asl.json: invalid JSON",
        "lambdas/buy_stock/function.json: 'timeout' must be an integer from 1 to 900",
        "lambdas/approve_request/function.json: unknown key 'colour'",
        "lambdas/approve_request/function.json: policy 'lambda/missing.json'",
        "lambdas/sell_stock/function.json: handler 'app.main': no function 'main'",
    ]
    for start in expected:
        assert any(p.startswith(start) for p in problems), (start, problems)


def test_an_unknown_queue_is_reported(repo: Path):
    edit_json(
        repo / "lambdas" / "approve_request" / "function.json",
        lambda d: d["event_source"].update(queue="orders"),
    )
    with pytest.raises(DocumentError, match="unknown queue 'orders'; known: approval"):
        load_documents(repo)


@pytest.mark.parametrize(
    ("event_source", "message"),
    [
        ({"queue": "approval", "batch_size": 0}, "'batch_size' must be 1 to 10000"),
        ({"queue": "approval", "batch_size": 50}, "above 10 needs"),
        ({"queue": "approval", "report_batch_item_failures": "yes"}, "must be true or false"),
        ({"batch_size": 5}, "'queue'"),
        ({"queue": "approval", "bacth_size": 5}, "unknown key 'bacth_size'"),
    ],
)
def test_an_invalid_event_source_is_reported(repo: Path, event_source, message):
    edit_json(
        repo / "lambdas" / "approve_request" / "function.json",
        lambda d: d.update(event_source=event_source),
    )
    with pytest.raises(
        DocumentError, match=rf"approve_request/function.json: event_source: .*{message}"
    ):
        load_documents(repo)


def test_a_policy_outside_iam_is_refused(repo: Path):
    edit_json(
        repo / "lambdas" / "approve_request" / "function.json",
        lambda d: d.update(policies=["../statemachine/stock_trading.asl.json"]),
    )
    with pytest.raises(DocumentError, match="is outside iam/"):
        load_documents(repo)


def test_an_asl_placeholder_that_the_asl_does_not_use_is_reported(repo: Path):
    edit_json(
        repo / "lambdas" / "buy_stock" / "function.json",
        lambda d: d.update(asl_placeholder="BuyStockArn"),
    )
    with pytest.raises(DocumentError) as raised:
        prepare(repo, "sfnlocal")
    messages = [str(p) for p in raised.value.problems]
    assert any(
        m.startswith("lambdas/buy_stock/function.json: asl_placeholder ${BuyStockArn} is not used")
        for m in messages
    )
    # and the ASL's own ${BuyStockFunctionArn} has become unknown
    assert any(
        m.startswith("statemachine/stock_trading.asl.json: unknown placeholder") for m in messages
    )


def test_a_broken_state_machine_structure_is_reported(repo: Path):
    edit_json(
        repo / "statemachine" / "stock_trading.asl.json",
        lambda d: d["States"]["Buy Stock"].update(Next="Report Results"),
    )
    with pytest.raises(DocumentError, match="'Buy Stock' goes to 'Report Results'"):
        load_documents(repo)


def test_an_iam_document_without_version_is_reported(repo: Path):
    edit_json(repo / "iam" / "lambda" / "logging.json", lambda d: d.pop("Version"))
    with pytest.raises(DocumentError, match=r"iam/lambda/logging.json: \"Version\" must be"):
        load_documents(repo)


def test_an_invalid_prefix_is_refused_before_anything_else():
    from sfnlocal.deploy.errors import DeployError

    with pytest.raises(DeployError, match="prefix"):
        prepare(REPO_ROOT, "bad prefix!")


# --- alternatives of a function (function.json "choice") ----------------------------------


def test_the_approver_has_two_alternatives_chosen_by_approver():
    documents = load_documents(REPO_ROOT)
    # GIVEN the repository THEN the approver is the Python one by default, the seed's on demand
    assert documents.choices() == {"APPROVER": (["python", "node"], "python")}
    python, node = [f for f in documents.functions if f.name == "ApproveRequest"]
    assert python.choice == Choice("APPROVER", "python", default=True)
    assert (node.key, node.runtime, node.handler) == (
        "approve_request_node",
        "nodejs20.x",
        "app.lambdaHandler",
    )
    assert node.choice == Choice("APPROVER", "node")
    # AND both are wired to the approval queue with the same IAM document
    assert node.event_source.queue == python.event_source.queue == "approval"
    assert [p.path for p in node.policies] == [p.path for p in python.policies]


@pytest.mark.parametrize(
    ("environment", "runtime"),
    [({}, "python3.13"), ({"APPROVER": ""}, "python3.13"), ({"APPROVER": "node"}, "nodejs20.x")],
)
def test_select_keeps_exactly_one_approver(environment, runtime):
    # WHEN the documents are selected by the environment
    selected = load_documents(REPO_ROOT).select(environment)
    # THEN exactly one approver is left: the one chosen (else the default)
    approvers = [f for f in selected.functions if f.name == "ApproveRequest"]
    assert [a.runtime for a in approvers] == [runtime]
    assert len(selected.functions) == 5


def test_an_unknown_choice_value_is_refused_naming_the_values():
    with pytest.raises(DocumentError, match=r"APPROVER=rust is not a choice: .*node, python"):
        load_documents(REPO_ROOT).select({"APPROVER": "rust"})


def test_two_folders_with_one_name_need_a_choice(repo: Path):
    edit_json(
        repo / "lambdas" / "approve_request_node" / "function.json", lambda d: d.pop("choice")
    )
    with pytest.raises(DocumentError, match="without a 'choice' that tells them apart"):
        load_documents(repo)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        # two defaults of one choice
        (
            {"choice": {"variable": "APPROVER", "value": "node", "default": True}},
            "exactly one of its alternatives must be",
        ),
        # a handler its file does not mention
        ({"handler": "app.handler"}, r"handler 'app.handler': app.js does not mention"),
        # a handler whose file is missing
        ({"handler": "index.lambdaHandler"}, r"none of index.js, index.mjs, index.cjs found"),
    ],
    ids=["two-defaults", "handler-not-in-file", "handler-file-missing"],
)
def test_the_node_approver_folder_is_checked(repo: Path, change: dict, problem: str):
    edit_json(
        repo / "lambdas" / "approve_request_node" / "function.json", lambda d: d.update(change)
    )
    with pytest.raises(DocumentError, match=problem):
        load_documents(repo)


def test_a_runtime_of_another_language_is_refused(repo: Path):
    edit_json(
        repo / "lambdas" / "buy_stock" / "function.json", lambda d: d.update(runtime="java21")
    )
    with pytest.raises(DocumentError, match="must be a Python or Node.js runtime"):
        load_documents(repo)
