"""Task-token calls answer with their documented errors while executions start beside
them (LocalStack alone: InternalError "OrderedDict mutated during iteration")."""

from __future__ import annotations

import json
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.exceptions import ClientError

from tests.support.resources import create_state_machine

pytestmark = pytest.mark.integration

EXECUTIONS = 300
STARTERS = 6
TOKEN_CALLERS = 4
RUNS_A_WHILE = {
    "StartAt": "Wait",
    "States": {"Wait": {"Type": "Wait", "Seconds": 2, "Next": "Done"}, "Done": {"Type": "Succeed"}},
}
DOCUMENTED = {"InvalidToken", "TaskDoesNotExist", "TaskTimedOut"}


def test_send_task_failure_and_list_executions_never_fail_while_executions_start(stack):
    # No retries: the client's standard mode would retry an InternalError out of sight.
    sfn = stack.outputs.clients().client(
        "stepfunctions", retries={"total_max_attempts": 1}, max_pool_connections=20
    )
    # GIVEN a state machine whose executions run for a while
    arn = create_state_machine(sfn, RUNS_A_WHILE)
    starting = threading.Event()
    starting.set()
    answers: Counter = Counter()
    lock = threading.Lock()

    def call_with_unknown_tokens() -> None:
        while starting.is_set():
            try:
                sfn.send_task_failure(taskToken="not-a-token-of-any-execution", error="E")
                code = "accepted"
            except ClientError as error:
                code = error.response["Error"]["Code"]
            try:
                sfn.list_executions(stateMachineArn=arn, maxResults=5)
                listed = "listed"
            except ClientError as error:
                listed = error.response["Error"]["Code"]
            with lock:
                answers[code] += 1
                answers[listed] += 1

    def start(index: int) -> None:
        sfn.start_execution(stateMachineArn=arn, input=json.dumps({"n": index}))

    # WHEN executions start from several threads while others send unknown task tokens
    # and list the executions
    with ThreadPoolExecutor(TOKEN_CALLERS) as callers:
        calling = [callers.submit(call_with_unknown_tokens) for _ in range(TOKEN_CALLERS)]
        try:
            with ThreadPoolExecutor(STARTERS) as starters:
                list(starters.map(start, range(EXECUTIONS)))
        finally:
            starting.clear()
        for future in calling:
            future.result()

    # THEN every token call got a documented error, and every listing answered
    token_answers = {code: n for code, n in answers.items() if code != "listed"}
    assert set(token_answers) <= DOCUMENTED, answers
    assert answers["listed"] == sum(token_answers.values()) > 0, answers
