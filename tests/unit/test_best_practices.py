"""make check's best-practice warnings: a callback without a timeout, a Choice without a Default."""

from __future__ import annotations

import json

from sfnlocal.checks.__main__ import main
from sfnlocal.checks.practices import advice
from sfnlocal.checks.report import report_json, run_checks
from tests.unit.documents import edit_json

ASL = "statemachine/stock_trading.asl.json"


def test_the_sample_gets_both_warnings_and_still_passes(repo, capsys):
    # GIVEN the sample's ASL, as the seed has it  WHEN checked
    report = run_checks(repo)
    # THEN two warnings, each naming its state and its fix, and the check passes
    assert [(a.state, a.path) for a in report.advice] == [
        ("Request Human Approval", ASL),
        ("Buy or Sell?", ASL),
    ]
    assert "neither TimeoutSeconds nor HeartbeatSeconds" in report.advice[0].message
    assert '"TimeoutSeconds"' in report.advice[0].fix and "States.Timeout" in report.advice[0].fix
    assert "States.NoChoiceMatched" in report.advice[1].message
    assert '"Default"' in report.advice[1].fix
    assert report.ok and report.exit_code == 0
    assert main(["--repo-root", str(repo)]) == 0
    printed = capsys.readouterr().out
    assert "best practices: 2 warnings" in printed
    assert 'fix: add "Default"' in printed


def test_strict_makes_the_warnings_fail_the_check(repo):
    report = run_checks(repo, strict=True)
    assert report.problem_count == 2 and report.exit_code == 1
    assert main(["--repo-root", str(repo), "--strict"]) == 1
    assert report_json(report)["best_practices"][0]["state"] == "Request Human Approval"


def test_the_fixes_the_warnings_give_silence_them(repo):
    # GIVEN the sample with the fixes the warnings name
    def fixed(asl: dict) -> None:
        states = asl["States"]
        states["Request Human Approval"]["TimeoutSeconds"] = 3600
        states["Request Human Approval"]["Catch"] = [
            {"ErrorEquals": ["States.Timeout"], "Next": "No Answer"}
        ]
        states["Buy or Sell?"]["Default"] = "No Answer"
        states["No Answer"] = {"Type": "Fail", "Error": "NoDecision"}

    edit_json(repo / ASL, fixed)
    # THEN the strict check passes
    report = run_checks(repo, strict=True)
    assert report.advice == [] and report.ok, report.validation


def test_a_heartbeat_alone_bounds_the_wait_too():
    definition = {
        "StartAt": "Wait",
        "States": {
            "Wait": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                "HeartbeatSeconds": 60,
                "End": True,
            }
        },
    }
    assert advice(definition, "x.json") == []
    del definition["States"]["Wait"]["HeartbeatSeconds"]
    assert [a.state for a in advice(definition, "x.json")] == ["Wait"]


def test_nested_states_are_checked():
    choice = {"Type": "Choice", "Choices": [{"Variable": "$.a", "IsNull": True, "Next": "E"}]}
    definition = {
        "StartAt": "P",
        "States": {
            "P": {
                "Type": "Parallel",
                "Branches": [{"StartAt": "C", "States": {"C": choice, "E": {"Type": "Succeed"}}}],
                "End": True,
            }
        },
    }
    assert [a.state for a in advice(json.loads(json.dumps(definition)), "x.json")] == ["C"]
