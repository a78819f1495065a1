"""The Runtime API server the executor gives each runtime process, spoken to as
awslambdaric speaks to it (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html)."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from sfnlocal.in_localstack.executor.runtime_api import API_PREFIX, Invocation, RuntimeApiServer

ANSWER_TIMEOUT = 10


@pytest.fixture
def server() -> Iterator[RuntimeApiServer]:
    api = RuntimeApiServer()
    yield api
    api.close()


def request(api: RuntimeApiServer, path: str, body: bytes | None = None):
    """(status, headers, body) of one request, as the runtime makes it."""
    req = urllib.request.Request(
        f"http://{api.address}{API_PREFIX}{path}", data=body, method="POST" if body else "GET"
    )
    try:
        with urllib.request.urlopen(req, timeout=ANSWER_TIMEOUT) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


TIMEOUT_SECONDS = 3.0


def invocation(request_id: str = "req-1") -> Invocation:
    return Invocation(
        request_id=request_id,
        function_arn="arn:aws:lambda:us-east-1:000000000000:function:f",
        payload=b'{"price": 42}',
        timeout_seconds=TIMEOUT_SECONDS,
        trace_id="Root=1-abc",
    )


def test_the_runtime_gets_the_invocation_with_its_headers_and_answers_it(server):
    # GIVEN an invocation waiting for the runtime
    waiting = invocation()
    server.submit(waiting)

    # WHEN the runtime asks for the next one and posts its response
    asked = time.time()
    status, headers, body = request(server, "/invocation/next")
    took = time.time()
    answered = request(server, "/invocation/req-1/response", b'{"ok": true}')

    # THEN it got the payload and the Lambda headers, and the invocation has its result
    assert (status, body) == (200, b'{"price": 42}')
    assert headers["Lambda-Runtime-Aws-Request-Id"] == "req-1"
    # the function's timeout runs from the delivery, as on AWS
    deadline = int(headers["Lambda-Runtime-Deadline-Ms"])
    assert (asked + TIMEOUT_SECONDS) * 1000 - 1 <= deadline <= (took + TIMEOUT_SECONDS) * 1000 + 1
    assert headers["Lambda-Runtime-Invoked-Function-Arn"].endswith(":function:f")
    assert headers["Lambda-Runtime-Trace-Id"] == "Root=1-abc"
    assert answered[0] == 202
    assert waiting.result.result(ANSWER_TIMEOUT) == (False, b'{"ok": true}')
    assert server.ready.is_set()


def test_an_error_the_runtime_posts_resolves_the_invocation_as_an_error(server):
    waiting = invocation()
    server.submit(waiting)
    request(server, "/invocation/next")

    error = json.dumps({"errorType": "ValueError", "errorMessage": "bad price"}).encode()
    assert request(server, "/invocation/req-1/error", error)[0] == 202

    assert waiting.result.result(ANSWER_TIMEOUT) == (True, error)


def test_an_init_error_is_kept_for_the_first_invocation(server):
    error = b'{"errorType": "Runtime.ImportModuleError"}'

    assert request(server, "/init/error", error)[0] == 202

    assert server.init_failed.is_set()
    assert server.init_error == error


def test_an_answer_for_an_unknown_request_is_refused(server):
    status, _, body = request(server, "/invocation/nobody/response", b"{}")

    assert status == 400
    assert json.loads(body) == {"errorMessage": "unknown request id nobody"}


def test_unknown_paths_are_not_found(server):
    assert request(server, "/invocation/req-1/other", b"{}")[0] == 404
    assert request(server, "/elsewhere")[0] == 404


def test_when_the_runtime_dies_every_unanswered_invocation_fails(server):
    # GIVEN two invocations handed over but not answered
    first, second = invocation("req-1"), invocation("req-2")
    server.submit(first)
    server.submit(second)

    # WHEN the executor reports the runtime's death
    server.fail_in_flight(b'{"errorType": "Runtime.ExitError"}')

    # THEN both resolve as errors with that body
    assert first.result.result(0) == (True, b'{"errorType": "Runtime.ExitError"}')
    assert second.result.result(0) == (True, b'{"errorType": "Runtime.ExitError"}')


def test_a_late_answer_after_the_runtime_died_is_refused(server):
    waiting = invocation()
    server.submit(waiting)
    server.fail_in_flight(b"{}")

    assert request(server, "/invocation/req-1/response", b'{"late": 1}')[0] == 400
    assert waiting.result.result(0) == (True, b"{}")
