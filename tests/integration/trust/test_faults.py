"""Faults in a Lambda environment: what the caller sees, and that the stack keeps serving.

Each test deploys a slow function of its own through the stack's Lambda API (the
sample's functions answer in milliseconds: nothing to interrupt there).
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from sfnlocal.waiting import wait_for
from tests.support.trust import (
    SLOW_FUNCTION,
    execution_end,
    in_handler,
    marker_path,
    runtime_pids,
)

pytestmark = pytest.mark.integration

KILLED_ERROR = {
    "errorType": "Runtime.ExitError",
    "errorMessage": "Error: Runtime exited with error: signal: kill",
}
PROMPTLY = 5.0
"""Seconds within which a killed invocation must answer (its handler would sleep 60)."""


def _kill_runtime_of(function_name: str, stack_processes, marker: str) -> int:
    """SIGKILL the execution environment (awslambdaric process) of a function, once its
    handler runs (it wrote ``marker``)."""

    def running_the_handler() -> list[int]:
        pids = runtime_pids(function_name, stack_processes.pids())
        return [pid for pid in pids if in_handler(pid, marker)]

    pids = wait_for(
        running_the_handler,
        60,
        f"an awslambdaric process of {function_name}, among the stack's, in its handler",
        interval=0.2,  # each look reads the whole of /proc
    )
    assert len(pids) == 1, pids
    os.kill(pids[0], signal.SIGKILL)
    Path(marker).unlink(missing_ok=True)  # on the host, for an embedded stack
    return pids[0]


def _assert_sample_still_runs(workflow) -> None:
    execution = workflow.run({"stock_price": 42})
    assert execution.status == "SUCCEEDED", (execution.error, execution.cause)


def test_killed_mid_invocation_the_invoke_fails_at_once_and_the_next_succeeds(
    stack, stack_processes, extra, workflow
):
    # GIVEN a function whose invocation sleeps a minute
    lambda_ = stack.client("lambda")
    name = extra.function(SLOW_FUNCTION, timeout=120)
    answer: dict = {}
    marker = marker_path()

    def invoke() -> None:
        started = time.monotonic()
        response = lambda_.invoke(
            FunctionName=name, Payload=json.dumps({"sleep": 60, "marker": marker})
        )
        answer.update(
            error=response.get("FunctionError"),
            payload=json.loads(response["Payload"].read()),
            seconds=time.monotonic() - started,
        )

    caller = threading.Thread(target=invoke)
    caller.start()
    # WHEN its execution environment (an awslambdaric process) is killed mid-invocation
    killed = _kill_runtime_of(name, stack_processes, marker)
    killed_at = time.monotonic()
    caller.join(PROMPTLY + 30)
    # THEN the invoke answers at once, with Lambda's error for a runtime that exited
    assert answer, "the invoke did not return"
    assert time.monotonic() - killed_at < PROMPTLY + 1
    assert answer["error"] == "Unhandled"
    assert answer["payload"] == KILLED_ERROR
    # AND the next invoke starts a fresh environment and succeeds
    response = lambda_.invoke(FunctionName=name, Payload=json.dumps({"sleep": 0}))
    assert "FunctionError" not in response
    assert json.loads(response["Payload"].read()) == {"slept": 0}
    assert killed not in runtime_pids(name, stack_processes.pids())
    # AND the sample runs as before
    _assert_sample_still_runs(workflow)


def test_killed_mid_execution_the_execution_fails_naming_the_exit(
    stack, stack_processes, extra, workflow
):
    # GIVEN a state machine whose Lambda task sleeps a minute
    sfn = stack.client("stepfunctions")
    name = extra.function(SLOW_FUNCTION, timeout=120)
    state_machine = extra.state_machine(name)
    marker = marker_path()
    execution_arn = sfn.start_execution(
        stateMachineArn=state_machine, input=json.dumps({"sleep": 60, "marker": marker})
    )["executionArn"]
    # WHEN the function's process is killed mid-invocation
    _kill_runtime_of(name, stack_processes, marker)
    killed_at = time.monotonic()
    # THEN the execution fails promptly, its error and cause naming the runtime's exit
    description = execution_end(sfn, execution_arn, PROMPTLY + 10)
    assert time.monotonic() - killed_at < PROMPTLY + 1
    assert description["status"] == "FAILED"
    assert description["error"] == "Runtime.ExitError"
    assert json.loads(description["cause"]) == KILLED_ERROR
    # AND a new execution of it succeeds
    again = sfn.start_execution(stateMachineArn=state_machine, input=json.dumps({"sleep": 0}))
    done = execution_end(sfn, again["executionArn"], 30)
    assert done["status"] == "SUCCEEDED", done
    _assert_sample_still_runs(workflow)


def test_a_function_that_times_out_fails_the_execution_naming_the_timeout(stack, extra, workflow):
    # GIVEN a state machine whose Lambda task outlives the function's 1 s timeout,
    # its function warm (a cold start on a busy machine is no part of the timeout)
    sfn = stack.client("stepfunctions")
    state_machine = extra.state_machine(extra.function(SLOW_FUNCTION, timeout=1))
    warm = sfn.start_execution(stateMachineArn=state_machine, input=json.dumps({"sleep": 0}))
    assert execution_end(sfn, warm["executionArn"], 30)["status"] == "SUCCEEDED"
    started = time.monotonic()
    execution_arn = sfn.start_execution(
        stateMachineArn=state_machine, input=json.dumps({"sleep": 30})
    )["executionArn"]
    # THEN the execution fails after about the timeout, as on AWS: Sandbox.Timedout
    description = execution_end(sfn, execution_arn, 20)
    assert time.monotonic() - started < 1 + PROMPTLY
    assert description["status"] == "FAILED"
    assert description["error"] == "Sandbox.Timedout"
    cause = json.loads(description["cause"])
    assert cause["errorType"] == "Sandbox.Timedout"
    assert cause["errorMessage"].endswith("Task timed out after 1.00 seconds")
    # AND the function serves the next execution (a fresh environment)
    again = sfn.start_execution(stateMachineArn=state_machine, input=json.dumps({"sleep": 0}))
    done = execution_end(sfn, again["executionArn"], 30)
    assert done["status"] == "SUCCEEDED", done
    assert json.loads(done["output"]) == {"slept": 0}
    _assert_sample_still_runs(workflow)
