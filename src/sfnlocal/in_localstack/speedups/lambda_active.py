"""CreateFunction and UpdateFunctionCode/Configuration answer once the version is ready.

LocalStack prepares a new function version in the background and answers at
once with ``State: Pending`` (or ``LastUpdateStatus: InProgress``); preparing
it (unzipping the code) takes a few milliseconds. A deploy then waits with
boto3's waiter, which sleeps a whole second after a Pending answer: one second
per function and per update, five of them in the sample's deploy.
(LocalStack's ``LAMBDA_SYNCHRONOUS_CREATE`` does this for CreateFunction only,
polling every 0.5 s.)

This makes the request wait for the preparation, up to ``WAIT_SECONDS``, so
the waiter's first look sees Active. Calls from LocalStack's own task threads
(publishing a version) do not wait: their pool runs the preparation.
"""

from __future__ import annotations

import contextlib
import threading

from sfnlocal.in_localstack.patching import Target

CREATE_FUNCTION_VERSION = Target(
    "localstack.services.lambda_.invocation.lambda_service",
    "LambdaService.create_function_version",
    "(self, function_version: localstack.services.lambda_.invocation.lambda_models.FunctionVersion)"
    " -> concurrent.futures._base.Future[None]",
    hot_path=False,  # the original runs first; waiting for it cannot fail
)
WAIT_SECONDS = 10.0
TASK_THREAD_PREFIX = "lambda-service-task"


def create_function_version(original, self, function_version):
    future = original(self, function_version)
    if not threading.current_thread().name.startswith(TASK_THREAD_PREFIX):
        # A failure or a slow start shows in the version's state, as before.
        with contextlib.suppress(Exception):
            future.result(timeout=WAIT_SECONDS)
    return future


def install() -> None:
    CREATE_FUNCTION_VERSION.patch(create_function_version)
