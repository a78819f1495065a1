"""Every invocation's log reaches CloudWatch Logs once, also when many are waiting to be
shipped at the same time (the engine merges the waiting logs of one stream)."""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from sfnlocal.waiting import wait_for
from tests.support.stacks import StackUnderTest
from tests.support.trust import log_lines

pytestmark = pytest.mark.integration

INVOCATIONS = 40
LOGS_TIMEOUT = 60
REQUEST_ID = re.compile(r"^(START|END|REPORT) RequestId: ([0-9a-f-]+)")


def test_a_burst_of_invocations_logs_each_one_start_end_and_report(stack: StackUnderTest):
    # GIVEN the stack's CheckStockPrice function
    lambda_client = stack.client("lambda")
    function = stack.outputs.functions["CheckStockPrice"].name
    since_ms = int(time.time() * 1000) - 1000

    # WHEN it is invoked 40 times, 8 at once
    def invoke(_: int) -> str:
        response = lambda_client.invoke(FunctionName=function, Payload=json.dumps({}))
        assert "FunctionError" not in response, response["Payload"].read()
        return response["ResponseMetadata"]["RequestId"]

    with ThreadPoolExecutor(8) as pool:
        request_ids = set(pool.map(invoke, range(INVOCATIONS)))
    assert len(request_ids) == INVOCATIONS

    # THEN its log group gets a START, an END and a REPORT line for each, once
    def lines_of_these() -> Counter:
        seen = Counter()
        for line in log_lines(stack.client("logs"), f"/aws/lambda/{function}", since_ms):
            if (match := REQUEST_ID.match(line)) and match[2] in request_ids:
                seen[match[1], match[2]] += 1
        return seen

    seen = wait_for(
        lines_of_these,
        LOGS_TIMEOUT,
        f"the logs of {INVOCATIONS} invocations of {function}",
        interval=0.5,
        done=lambda seen: len(seen) >= 3 * INVOCATIONS,
        describe=lambda seen: f"{len(seen)} of {3 * INVOCATIONS} lines",
    )
    assert seen == Counter(
        {(kind, request_id): 1 for kind in ("START", "END", "REPORT") for request_id in request_ids}
    )
