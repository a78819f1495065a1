"""The executor shows the function's code folder as /var/task (executor/task_root.py)."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import TimeoutError as FutureTimeout

import pytest

from sfnlocal.in_localstack.executor.runtime_api import Invocation
from sfnlocal.in_localstack.executor.task_root import TaskRoot

CODE = "/tmp/lambda/awslambda-us-east-1-tasks/fn-1234/code"


def test_error_body_frames_name_var_task():
    frame = f'  File "{CODE}/app.py", line 2, in handler\n    raise X\n'
    body = json.dumps({"errorMessage": "x", "stackTrace": [frame]}).encode()
    rewritten = json.loads(TaskRoot(CODE).body(body))
    assert rewritten["stackTrace"] == [
        '  File "/var/task/app.py", line 2, in handler\n    raise X\n'
    ]


@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_a_non_ascii_code_folder_is_rewritten_in_either_json_encoding(ensure_ascii):
    code = "/home/josé/state/fn/code"
    body = json.dumps({"stackTrace": [f'File "{code}/app.py"']}, ensure_ascii=ensure_ascii)
    rewritten = json.loads(TaskRoot(code).body(body.encode()))
    assert rewritten == {"stackTrace": ['File "/var/task/app.py"']}


def test_log_lines_and_only_the_folder_itself():
    root = TaskRoot(CODE + "/")
    assert (
        root.text(f'  File "{CODE}/lib/util.py", line 9')
        == '  File "/var/task/lib/util.py", line 9'
    )
    assert root.text(f"{CODE}-other/app.py") == f"{CODE}-other/app.py"


def test_the_timeout_runs_from_delivery_not_from_submission():
    invocation = Invocation("id", "arn", b"{}", timeout_seconds=3.0)

    # takes the invocation late, answers within the timeout from then (1.4 s to spare
    # on each side, for a busy machine)
    def busy_runtime():
        time.sleep(1.6)
        invocation.deliver()
        time.sleep(1.6)
        invocation.result.set_result((False, b"ok"))

    threading.Thread(target=busy_runtime).start()
    assert invocation.outcome() == (False, b"ok")  # 3.2 s after submission


def test_a_slow_answer_after_delivery_times_out():
    invocation = Invocation("id", "arn", b"{}", timeout_seconds=0.1)
    invocation.deliver()
    with pytest.raises(FutureTimeout):
        invocation.outcome()


def test_an_invocation_never_taken_times_out():
    with pytest.raises(FutureTimeout):
        Invocation("id", "arn", b"{}", timeout_seconds=0.1).outcome()
