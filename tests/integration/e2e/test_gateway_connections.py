"""A client's calls to the stack share one connection, as HTTP/1.1 connections persist
by default (RFC 9112, section 9.3) and AWS's endpoints keep them open: the gateway does
not answer ``Connection: close`` (fixes/keep_alive.py on hypercorn; twisted, the
container's gateway and the embedded one's with speedups/twisted_gateway.py, never did)."""

from __future__ import annotations

import pytest
import urllib3

from tests.support.stacks import StackUnderTest

pytestmark = pytest.mark.integration

CALLS = 5
CALL_TIMEOUT = 30
# A Step Functions API call as botocore sends it (it adds no Connection header).
LIST_STATE_MACHINES = {
    "Content-Type": "application/x-amz-json-1.0",
    "X-Amz-Target": "AWSStepFunctions.ListStateMachines",
}


def test_a_clients_calls_share_one_connection(stack: StackUnderTest):
    # GIVEN a connection pool to the stack's endpoint (urllib3: what botocore sends through)
    pool = urllib3.connection_from_url(stack.endpoint, maxsize=1, timeout=CALL_TIMEOUT)

    # WHEN a client makes five API calls one after the other
    answers = [
        pool.request("POST", "/", body=b"{}", headers=LIST_STATE_MACHINES) for _ in range(CALLS)
    ]

    # THEN each was answered, none asked to close the connection, and one connection served all
    assert [answer.status for answer in answers] == [200] * CALLS
    assert [answer.headers.get("Connection", "").lower() for answer in answers] == [""] * CALLS
    assert pool.num_connections == 1
