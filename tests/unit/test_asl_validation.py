"""The state machine against the States Language, before any deploy (issue 7, part 1)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sfnlocal.checks.report import run_checks
from sfnlocal.deploy import deployer
from sfnlocal.deploy.deployer import deploy, prepare
from sfnlocal.sample.asl import asl_problems, iter_states, statelint_problems
from sfnlocal.sample.documents import ASL_PATH, load_documents
from sfnlocal.sample.errors import DocumentError
from sfnlocal.sample.resolved import Symbolic
from tests.conftest import REPO_ROOT
from tests.unit.documents import edit_json

ASL = "statemachine/stock_trading.asl.json"


def repo_asl() -> dict[str, Any]:
    return json.loads((REPO_ROOT / ASL).read_text())


def resolved(definition: dict[str, Any]) -> Any:
    """The definition with its placeholders resolved as the check resolves them."""
    documents = load_documents(REPO_ROOT)
    text = json.dumps(definition)
    for name, value in Symbolic(documents).values.items():
        text = text.replace(f"${{{name}}}", value)
    return json.loads(text)


def problems_of(repo: Path) -> list[str]:
    with pytest.raises(DocumentError) as raised:
        prepare(repo, "sfnlocal")
    return [str(problem) for problem in raised.value.problems]


# --- the repository's own state machine -------------------------------------------------


def test_the_repository_state_machine_is_valid():
    # GIVEN the repository's ASL WHEN validated, raw and with its placeholders resolved
    # THEN neither the built-in validator nor statelint finds anything
    assert asl_problems(repo_asl()) == []
    assert asl_problems(resolved(repo_asl())) == []
    assert statelint_problems(resolved(repo_asl())) == []


def test_the_repository_documents_pass_the_deploys_validation():
    # GIVEN the repository WHEN the deploy prepares THEN nothing is refused
    plan = prepare(REPO_ROOT, "sfnlocal")
    assert len(plan.documents.functions) == 5


def test_the_seed_state_machine_is_valid():
    # GIVEN the seed's definition (the test of the documents holds it verbatim)
    from tests.unit.test_documents import SEED_ASL

    # WHEN validated THEN it is valid for both validators
    assert asl_problems(SEED_ASL) == []
    assert statelint_problems(SEED_ASL) == []


# --- broken state machines: each problem names the file, the state and what is wrong -----

BROKEN: list[tuple[str, Callable[[dict[str, Any]], Any], str]] = [
    (
        "unknown Next",
        lambda d: d["States"]["Buy Stock"].update(Next="Report Results"),
        "state 'Buy Stock' goes to 'Report Results' (Next), which is not a state",
    ),
    (
        "missing End",
        lambda d: d["States"]["Report Result"].pop("End"),
        'state \'Report Result\': needs "Next" (the state that follows) or "End": true',
    ),
    (
        "bad Type",
        lambda d: d["States"]["Sell Stock"].update(Type="Tusk"),
        "state 'Sell Stock': \"Type\" must be one of Choice, Fail, Map, Parallel, Pass, "
        "Succeed, Task, Wait, got 'Tusk'",
    ),
    (
        "End false",
        lambda d: d["States"]["Report Result"].update(End=False),
        "state 'Report Result': \"End\" must be true, got False",
    ),
    (
        "both Next and End",
        lambda d: d["States"]["Buy Stock"].update(End=True),
        'state \'Buy Stock\': has both "Next" and "End"',
    ),
    (
        "a Task without Resource",
        lambda d: d["States"]["Buy Stock"].pop("Resource"),
        "state 'Buy Stock': \"Resource\" is required in a Task state",
    ),
    (
        "StartAt not a state",
        lambda d: d.update(StartAt="Check Price"),
        "the state machine: \"StartAt\" 'Check Price' is not a state",
    ),
    (
        "an unreachable state",
        lambda d: d["States"].update(Audit={"Type": "Succeed"}),
        "state 'Audit': is not reachable from StartAt 'Check Stock Price'",
    ),
    (
        "ResultPath not a reference path",
        lambda d: d["States"]["Generate Buy/Sell recommendation"].update(
            ResultPath="recommended_type"
        ),
        "state 'Generate Buy/Sell recommendation': \"ResultPath\" must be null or a reference "
        "path such as \"$.result\", got 'recommended_type'",
    ),
    (
        "ResultPath with a wildcard",
        lambda d: d["States"]["Buy Stock"].update(ResultPath="$.trades[*]"),
        "state 'Buy Stock': \"ResultPath\" must be null or a reference path",
    ),
    (
        "InputPath not a path",
        lambda d: d["States"]["Buy Stock"].update(InputPath="stock_price"),
        "state 'Buy Stock': \"InputPath\" must be null or a JSONPath",
    ),
    (
        "a Choice rule with two comparisons",
        lambda d: d["States"]["Buy or Sell?"]["Choices"][0].update(StringMatches="b*"),
        "state 'Buy or Sell?': Choices[0] needs exactly one comparison (StringEquals, "
        "NumericEquals, IsPresent...), has StringEquals, StringMatches",
    ),
    (
        "a Choice comparison of the wrong type",
        lambda d: d["States"]["Buy or Sell?"]["Choices"][1].update(StringEquals=1),
        "state 'Buy or Sell?': Choices[1].StringEquals must be a string, got 1",
    ),
    (
        "a Choice rule without Next",
        lambda d: d["States"]["Buy or Sell?"]["Choices"][1].pop("Next"),
        "state 'Buy or Sell?': Choices[1] needs \"Next\"",
    ),
    (
        "a Choice Variable that is not a path",
        lambda d: d["States"]["Buy or Sell?"]["Choices"][0].update(Variable="recommended_type"),
        "state 'Buy or Sell?': Choices[0]: \"Variable\" must be a reference path",
    ),
    (
        "a nested Choice rule with Next",
        lambda d: d["States"]["Buy or Sell?"]["Choices"].__setitem__(
            0,
            {
                "Not": {"Variable": "$.x", "IsPresent": True, "Next": "Buy Stock"},
                "Next": "Buy Stock",
            },
        ),
        "state 'Buy or Sell?': Choices[0].Not: \"Next\" is allowed only on a top-level",
    ),
    (
        "a Choice Default that is not a state",
        lambda d: d["States"]["Buy or Sell?"].update(Default="Hold"),
        "state 'Buy or Sell?' goes to 'Hold' (Default), which is not a state",
    ),
    (
        "Next on a Choice state",
        lambda d: d["States"]["Buy or Sell?"].update(Next="Buy Stock"),
        "state 'Buy or Sell?': field 'Next' is not allowed in a Choice state",
    ),
    (
        "an unknown field",
        lambda d: d["States"]["Buy Stock"].update(Retries=[]),
        "state 'Buy Stock': unknown field 'Retries'",
    ),
    (
        "a payload template path that is not a path",
        lambda d: d["States"]["Report Result"]["Parameters"]["Message"].update(
            {"Input.$": "input"}
        ),
        "state 'Report Result': Parameters.Message.Input.$ must be a JSONPath",
    ),
    (
        "States.ALL not last",
        lambda d: d["States"]["Buy Stock"].update(
            Retry=[{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["States.Timeout"]}]
        ),
        "state 'Buy Stock': Retry[0]: the one with \"States.ALL\" must come last",
    ),
    (
        "a BackoffRate below 1",
        lambda d: d["States"]["Buy Stock"].update(
            Retry=[{"ErrorEquals": ["States.Timeout"], "BackoffRate": 0.5}]
        ),
        "state 'Buy Stock': Retry[0].BackoffRate must be a number >= 1.0, got 0.5",
    ),
    (
        "a Catch to no state",
        lambda d: d["States"]["Buy Stock"].update(
            Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Failed"}]
        ),
        "state 'Buy Stock' goes to 'Failed' (Catch[0].Next), which is not a state",
    ),
    (
        "a Wait with two waits",
        lambda d: d["States"].update(
            Pause={"Type": "Wait", "Seconds": 1, "SecondsPath": "$.s", "Next": "Buy Stock"}
        ),
        "state 'Pause': a Wait state needs exactly one of Seconds, Timestamp, SecondsPath, "
        "TimestampPath, has Seconds, SecondsPath",
    ),
    (
        "HeartbeatSeconds not below TimeoutSeconds",
        lambda d: d["States"]["Request Human Approval"].update(
            TimeoutSeconds=60, HeartbeatSeconds=60
        ),
        "state 'Request Human Approval': \"HeartbeatSeconds\" must be smaller than",
    ),
    (
        "a Parallel branch with an unknown Next",
        lambda d: d["States"].__setitem__(
            "Buy Stock",
            {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "Buy", "States": {"Buy": {"Type": "Pass", "Next": "Nowhere"}}}
                ],
                "Next": "Report Result",
            },
        ),
        "state 'Buy' goes to 'Nowhere' (Next), which is not a state",
    ),
    (
        "a state name used twice across scopes",
        lambda d: d["States"].__setitem__(
            "Buy Stock",
            {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "Sell Stock", "States": {"Sell Stock": {"Type": "Succeed"}}}
                ],
                "Next": "Report Result",
            },
        ),
        "state 'Sell Stock': is defined twice",
    ),
    (
        "a Map state without a processor",
        lambda d: d["States"].__setitem__(
            "Buy Stock", {"Type": "Map", "ItemsPath": "$.orders", "Next": "Report Result"}
        ),
        'state \'Buy Stock\': a Map state needs exactly one of "ItemProcessor" and "Iterator"',
    ),
    (
        "a Fail state with Next",
        lambda d: d["States"].update(Failed={"Type": "Fail", "Error": "X", "Next": "Buy Stock"}),
        "state 'Failed': field 'Next' is not allowed in a Fail state",
    ),
]


@pytest.mark.parametrize(
    ("change", "expected"),
    [pytest.param(change, expected, id=name) for name, change, expected in BROKEN],
)
def test_a_broken_state_machine_is_refused_before_any_deploy(repo: Path, change, expected):
    # GIVEN a copy of the repository whose ASL is broken
    edit_json(repo / ASL, change)
    # WHEN the deploy prepares THEN it refuses, naming the file, the state and what is wrong
    problems = problems_of(repo)
    assert any(p.startswith(f"{ASL}: {expected}") for p in problems), problems


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(change, id=name)
        for name, change, _ in BROKEN
        if name in ("unknown Next", "missing End", "bad Type", "an unreachable state")
    ],
)
def test_statelint_agrees_with_the_validator(change):
    # GIVEN a broken ASL WHEN statelint lints it (placeholders resolved) THEN it finds a problem
    definition = repo_asl()
    change(definition)
    assert asl_problems(definition)
    assert statelint_problems(resolved(definition))


def test_every_problem_is_reported_at_once(repo: Path):
    # GIVEN an ASL with three problems in three states
    def change(d):
        d["States"]["Buy Stock"]["Next"] = "Nowhere"
        d["States"]["Sell Stock"]["Type"] = "Tusk"
        d["States"]["Report Result"].pop("End")

    edit_json(repo / ASL, change)
    # WHEN prepared THEN all three are reported
    problems = "\n".join(problems_of(repo))
    assert "'Buy Stock' goes to 'Nowhere'" in problems
    assert "'Sell Stock': \"Type\"" in problems
    assert "'Report Result': needs \"Next\"" in problems


def test_a_resource_that_resolves_to_no_arn_is_refused(repo: Path):
    # GIVEN a Task whose Resource placeholder holds a queue URL, not an ARN
    edit_json(
        repo / ASL,
        lambda d: d["States"]["Report Result"].update(Resource="${RequestHumanApprovalQueueUrl}"),
    )
    # WHEN prepared THEN the resolved definition is refused, showing the placeholder
    problems = problems_of(repo)
    assert any(
        p.startswith(f"{ASL}: state 'Report Result': \"Resource\" must be an ARN")
        and "${RequestHumanApprovalQueueUrl}" in p
        and "once resolved" in p
        for p in problems
    ), problems


def test_the_deploy_refuses_a_broken_state_machine_without_touching_the_stack(
    repo: Path, monkeypatch: pytest.MonkeyPatch
):
    # GIVEN a broken ASL, and a stack that must not be reached
    edit_json(repo / ASL, lambda d: d["States"]["Buy Stock"].update(Next="Report Results"))

    def no_network(*args, **kwargs):
        raise AssertionError("the deploy reached for the stack")

    monkeypatch.setattr(deployer, "make_session", no_network)
    monkeypatch.setattr(deployer, "StackClients", no_network)
    # WHEN deployed THEN it refuses with the documents' problems, before any call
    with pytest.raises(DocumentError, match="'Buy Stock' goes to 'Report Results'"):
        deploy("http://127.0.0.1:9", repo_root=repo)


def test_the_check_reports_a_broken_state_machine_and_skips_least_privilege(repo: Path):
    # GIVEN a broken ASL WHEN checked
    edit_json(repo / ASL, lambda d: d["States"]["Report Result"].pop("End"))
    report = run_checks(repo)
    # THEN the validation and statelint report it, least privilege is skipped, exit 1
    assert any("'Report Result': needs" in p.message for p in report.validation)
    assert report.statelint and any("Report Result" in p.message for p in report.statelint)
    assert report.skipped and not report.roles
    assert report.exit_code == 1


def test_jsonpath_and_jsonata_features_are_accepted():
    # GIVEN a definition using intrinsic functions, context paths, variables, Map and JSONata
    definition = {
        "StartAt": "Prepare",
        "States": {
            "Prepare": {
                "Type": "Pass",
                "Parameters": {
                    "id.$": "States.UUID()",
                    "start.$": "$$.Execution.StartTime",
                    "items.$": "$.orders[*].id",
                },
                "Assign": {"count": 0},
                "ResultPath": "$.prepared",
                "Next": "Each",
            },
            "Each": {
                "Type": "Map",
                "ItemsPath": "$.prepared.items",
                "MaxConcurrency": 2,
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "INLINE"},
                    "StartAt": "Item",
                    "States": {"Item": {"Type": "Pass", "End": True}},
                },
                "Next": "Decide",
            },
            "Decide": {
                "Type": "Choice",
                "Choices": [
                    {
                        "And": [
                            {"Variable": "$.prepared.id", "IsPresent": True},
                            {"Not": {"Variable": "$.prepared.id", "StringEquals": ""}},
                        ],
                        "Next": "Done",
                    },
                    {"Variable": "$count", "NumericGreaterThanPath": "$.limit", "Next": "Done"},
                ],
                "Default": "Later",
            },
            "Later": {
                "Type": "Wait",
                "QueryLanguage": "JSONata",
                "Seconds": "{% $states.input.delay %}",
                "Next": "Done",
            },
            "Done": {"Type": "Succeed"},
        },
    }
    # WHEN validated THEN it is valid
    # (statelint 3.1.0 would refuse "Assign" in a JSONPath state, which Step Functions allows)
    assert asl_problems(definition) == []
    # AND every state is listed, the nested one too
    assert [name for name, _ in iter_states(definition)] == [
        "Prepare",
        "Each",
        "Item",
        "Decide",
        "Later",
        "Done",
    ]


def test_the_asl_path_is_the_deploys():
    assert ASL == ASL_PATH


# --- the same state machine in JSONata --------------------------------------------------------

JSONATA_ASL = "statemachine/stock_trading.jsonata.asl.json"


def test_the_jsonata_document_has_the_seeds_states_names_and_transitions():
    # GIVEN the seed's state machine and the JSONata one
    seed, jsonata = repo_asl(), json.loads((REPO_ROOT / JSONATA_ASL).read_text())
    # THEN the JSONata one is JSONata throughout, with the same states, types and moves
    assert jsonata["QueryLanguage"] == "JSONata"
    assert jsonata["StartAt"] == seed["StartAt"]

    def shape(definition: dict[str, Any]) -> dict[str, Any]:
        return {
            name: (
                state["Type"],
                state.get("Resource"),
                state.get("Next"),
                state.get("End"),
                [rule["Next"] for rule in state.get("Choices", [])],
            )
            for name, state in definition["States"].items()
        }

    assert shape(jsonata) == shape(seed)


def test_the_jsonata_document_is_valid_as_the_deploy_and_statelint_see_it():
    documents = load_documents(REPO_ROOT, state_machine="jsonata")
    assert documents.state_machine.path == JSONATA_ASL
    definition = resolved(documents.state_machine.content)
    assert asl_problems(definition) == []
    assert statelint_problems(definition) == []


def test_a_jsonpath_field_in_the_jsonata_document_is_refused(tmp_path: Path):
    # GIVEN the JSONata document with a JSONPath-only field (ResultPath)
    definition = json.loads((REPO_ROOT / JSONATA_ASL).read_text())
    definition["States"]["Generate Buy/Sell recommendation"]["ResultPath"] = "$.recommended_type"
    # THEN the validation names the state and the field
    assert (
        "state 'Generate Buy/Sell recommendation': field 'ResultPath' is not allowed "
        "in a JSONata state"
    ) in asl_problems(definition)
