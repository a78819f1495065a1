"""Hand LocalStack's calls to its own services to the gateway in process, not over HTTP.

Each Task state of the sample is a botocore call from inside the engine (Lambda
Invoke, SQS SendMessage, SNS Publish), and so are the event source poller's
ReceiveMessage and each Lambda log's PutLogEvents. Each went out over loopback
HTTP and back in through hypercorn, h11, the ASGI adapter and a thread hand-off
before the gateway's handler chain saw it: about half of every Task state's
time on these machines (BENCHMARKS.md, fourth round).

LocalStack's own ``IN_MEMORY_CLIENT`` setting gives its internal clients
``GatewayShortCircuit``: the request goes to the same handler chain (parsing,
authorization, the service, serializing) on the caller's thread. It only works
with ``botocore_in_memory_endpoint_patch`` applied (the request keeps its
operation and parameters), which LocalStack applies at start only when the
setting was on at import; this applies it, then turns the setting on, both or
neither. Calls from outside the engine (users, the Lambda runtimes) still come
over HTTP, as on AWS.
"""

from __future__ import annotations

import logging

from sfnlocal.in_localstack.patching import Target, problems

LOG = logging.getLogger(__name__)

SETTING = Target("localstack.config", "IN_MEMORY_CLIENT", "builtins.bool", kind="value")
# Not patched here: LocalStack's own patch, applied once its target is checked.
ENDPOINT_PATCH = Target(
    "localstack.aws.client",
    "botocore_in_memory_endpoint_patch",
    "localstack.utils.patch.Patch",
    kind="value",
)


def install() -> None:
    if found := problems(ENDPOINT_PATCH, SETTING):
        LOG.warning("sfnlocal: internal clients stay on HTTP: %s", "; ".join(found))
        return
    import localstack.aws.client as client  # imported, and checked, by problems() above

    client.botocore_in_memory_endpoint_patch.apply()  # a no-op when LocalStack applied it
    SETTING.patch(lambda _current: True)
