"""The `sfnlocal` command line against the stack, as a developer uses it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from sfnlocal.engine.ports import free_port
from sfnlocal.waiting import wait_for
from sfnlocal.workflow import approvals

pytestmark = pytest.mark.integration

COMMAND_TIMEOUT = 120


@pytest.fixture(scope="module")
def sfnlocal(stack, tmp_path_factory):
    """Runs `sfnlocal ARGS...` against the test stack; returns the finished process."""
    cwd = tmp_path_factory.mktemp("cli")

    def run(*args: str, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "sfnlocal.cli.main", *args],
            env={**os.environ, "COLUMNS": "250", **stack.env, **(env or {})},
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            **kwargs,
        )

    run.cwd = cwd
    return run


@pytest.fixture
def manual_mode(sfnlocal) -> Iterator[None]:
    """The approver's trigger disabled for the test, then enabled again."""
    assert sfnlocal("approvals", "mode", "manual").returncode == 0
    yield
    switched = sfnlocal("approvals", "mode", "auto")
    assert switched.returncode == 0, switched.stderr


def waiting_for_approval(sfnlocal, name: str) -> None:
    wait_for(
        lambda: name in sfnlocal("approvals", "list").stdout,
        30,
        f"'sfnlocal approvals list' to show {name}",
        0.3,
    )


def test_run_follows_every_state_and_prints_the_report(sfnlocal):
    # WHEN a developer runs an execution with a chosen price
    result = sfnlocal("run", "--price", "20")
    # THEN it follows each state live, ends SUCCEEDED and prints the SNS report
    assert result.returncode == 0, result.stderr
    for state in ["Check Stock Price", "Request Human Approval", "Buy Stock", "Report Result"]:
        assert state in result.stdout
    assert "waiting for approval" in result.stdout
    assert "Sell Stock" not in result.stdout
    assert "SUCCEEDED" in result.stdout
    report = json.loads(result.stdout.split("Report on ")[1].split(": ", 1)[1])
    assert report["Input"]["price"] == "20" and report["Input"]["type"] == "buy"


def test_run_refuses_a_bad_price_before_starting(sfnlocal, workflow):
    def executions() -> int:
        listed = workflow.sfn.list_executions(stateMachineArn=workflow.state_machine_arn)
        return len(listed["executions"])

    before = executions()
    result = sfnlocal("run", "--price", "120")
    assert result.returncode == 1
    assert "stock_price must be an integer from 0 to 99" in result.stderr
    assert executions() == before


def test_executions_history_and_graph_describe_a_finished_execution(sfnlocal, workflow):
    # GIVEN a finished sell execution
    execution = workflow.run({"stock_price": 80})
    name = execution.arn.rsplit(":", 1)[-1]
    # WHEN the developer lists executions
    listed = sfnlocal("executions", "--limit", "50")
    row = next(line for line in listed.stdout.splitlines() if name in line)
    # THEN its status, path and price are there
    assert "SUCCEEDED" in row and "sell" in row and " 80 " in row
    # AND its history is a table of its events
    history = sfnlocal("history", name)
    assert history.returncode == 0
    assert "ExecutionStarted" in history.stdout and "ExecutionSucceeded" in history.stdout
    assert "Sell Stock" in history.stdout
    # AND its graph shows the path taken, in the terminal and as SVG and PNG images
    graph = sfnlocal("graph", name)
    assert graph.returncode == 0
    assert "[succeeded] Sell Stock" in graph.stdout
    assert "[not reached] Buy Stock" in graph.stdout
    svg = (sfnlocal.cwd / f"{name}.svg").read_text()
    assert svg.startswith("<svg") and "Sell Stock" in svg and "not reached" in svg
    assert (sfnlocal.cwd / f"{name}.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_results_prints_each_report_as_it_arrives(sfnlocal, stack, workflow):
    follower = subprocess.Popen(
        [sys.executable, "-m", "sfnlocal.cli.main", "results", "--count", "1", "--timeout", "60"],
        env={**os.environ, "COLUMNS": "250", **stack.env},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert "Following" in follower.stdout.readline()
        workflow.run({"stock_price": 33})
        out, _ = follower.communicate(timeout=60)
    finally:
        follower.kill()
    report = json.loads(out.strip().split(" ", 1)[1])
    assert report["Input"]["price"] == "33" and report["Input"]["type"] == "buy"


def test_manual_approval_approve_lets_the_execution_trade(sfnlocal, workflow, manual_mode):
    # GIVEN manual approval mode and an execution waiting at the approval step
    arn = workflow.start({"stock_price": 70})
    name = arn.rsplit(":", 1)[-1]
    waiting_for_approval(sfnlocal, name)
    assert workflow.sfn.describe_execution(executionArn=arn)["status"] == "RUNNING"
    # WHEN a person approves it
    approved = sfnlocal("approvals", "approve", name)
    # THEN it goes on to sell and succeeds
    assert approved.returncode == 0, approved.stderr
    execution = workflow.wait(arn)
    assert execution.status == "SUCCEEDED"
    assert "Sell Stock" in execution.states_entered()


def test_manual_approval_reject_fails_the_execution_with_the_reason(
    sfnlocal, workflow, manual_mode
):
    arn = workflow.start({"stock_price": 10})
    name = arn.rsplit(":", 1)[-1]
    waiting_for_approval(sfnlocal, name)
    rejected = sfnlocal("approvals", "reject", name, "--reason", "too risky today")
    assert rejected.returncode == 0, rejected.stderr
    execution = workflow.wait(arn)
    assert execution.status == "FAILED"
    assert (execution.error, execution.cause) == ("Rejected", "too risky today")


def test_requests_answered_by_hand_are_not_answered_again_in_auto_mode(
    sfnlocal, stack, workflow, manual_mode
):
    arn = workflow.start({"stock_price": 60})
    name = arn.rsplit(":", 1)[-1]
    waiting_for_approval(sfnlocal, name)
    assert sfnlocal("approvals", "approve", name).returncode == 0
    assert workflow.wait(arn).status == "SUCCEEDED"
    switched = sfnlocal("approvals", "mode", "auto")
    assert "cleared 1 request" in switched.stdout
    sqs = stack.client("sqs")
    attributes = sqs.get_queue_attributes(
        QueueUrl=stack.outputs.queue_url, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]
    assert attributes["ApproximateNumberOfMessages"] == "0"


def test_a_request_still_waiting_survives_the_clearing_of_answered_ones(
    sfnlocal, stack, workflow, manual_mode
):
    # GIVEN, in manual mode, one execution waiting (its request first on the queue) and
    # then eleven requests answered by hand (their messages still on the queue, more than
    # one receive's worth)
    conn = stack.connection

    def wait_until_pending(arns: list[str]) -> None:
        names = {arn.rsplit(":", 1)[-1] for arn in arns}
        wait_for(
            lambda: names <= {p.execution_name for p in approvals.pending(conn)},
            60,
            f"{len(names)} executions to wait for approval",
            0.3,
        )

    waiting = workflow.start({"stock_price": 70})
    wait_until_pending([waiting])
    answered = [workflow.start({"stock_price": 10}) for _ in range(11)]
    wait_until_pending(answered)
    for arn in answered:
        approvals.reject(conn, arn.rsplit(":", 1)[-1], "answered by hand")
    # WHEN the answered requests are cleared, as each switch back to auto mode does
    # (three times here: a user who goes back and forth)
    cleared = [approvals.clear_answered_requests(conn) for _ in range(3)]
    # THEN the answered ones went at once, and the waiting request is still on the queue,
    # visible and never received: not aged towards the dead-letter queue (the queue's
    # maxReceiveCount is 3), not hidden for a visibility timeout
    assert cleared == [11, 0, 0]
    queued = conn.sqs.receive_message(
        QueueUrl=conn.outputs.queue_url,
        MaxNumberOfMessages=10,
        VisibilityTimeout=0,
        AttributeNames=["ApproximateReceiveCount"],
    ).get("Messages", [])
    assert [m["Attributes"]["ApproximateReceiveCount"] for m in queued] == ["1"]  # this one
    # AND once the approval mode is auto again, the approver answers it
    switched = sfnlocal("approvals", "mode", "auto")
    assert switched.returncode == 0, switched.stderr
    execution = workflow.wait(waiting)
    assert execution.status == "SUCCEEDED"
    assert "Sell Stock" in execution.states_entered()


def test_unknown_execution_is_a_one_line_error(sfnlocal):
    result = sfnlocal("history", "no-such-execution")
    assert result.returncode == 1
    assert "no execution 'no-such-execution'" in result.stderr
    assert "fix:" in result.stderr


def test_approving_an_execution_that_is_not_waiting_says_so(sfnlocal, workflow):
    execution = workflow.run({"stock_price": 20})
    result = sfnlocal("approvals", "approve", execution.arn)
    assert result.returncode == 1
    assert "is not waiting for approval (status SUCCEEDED)" in result.stderr


def test_commands_without_a_stack_say_how_to_start_one(sfnlocal, tmp_path):
    result = sfnlocal(
        "executions",
        env={"LOCALSTACK_PORT": str(free_port()), "SFNLOCAL_STATE_DIR": str(tmp_path)},
    )
    assert result.returncode == 1
    assert "no stack is running" in result.stderr
    assert "make up" in result.stderr
