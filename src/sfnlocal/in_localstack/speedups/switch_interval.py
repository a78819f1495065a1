"""Hand the GIL over sooner in the engine process.

Everything of LocalStack runs in one Python process: the gateway's request
threads, the Step Functions interpreter, the Lambda service, the Runtime API
servers of the executor, SQS and SNS. One task of an execution passes from
thread to thread a dozen times (request thread, interpreter, invoke, Runtime
API, result), and each time the woken thread waits for the GIL until the
running one is made to drop it: up to ``sys.getswitchinterval()`` (5 ms by
default). A shorter interval trades a little throughput for latency.
``SFNLOCAL_SWITCH_INTERVAL`` (seconds) overrides it.
"""

from __future__ import annotations

import os
import sys

DEFAULT_SECONDS = 0.001


def install() -> None:
    sys.setswitchinterval(float(os.environ.get("SFNLOCAL_SWITCH_INTERVAL") or DEFAULT_SECONDS))
