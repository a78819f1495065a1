"""Reuse Step Functions' service clients instead of making two per task.

For every Task state LocalStack's interpreter calls ``boto_client_for``, which
assumes the state machine's role (an STS AssumeRole request through the
gateway) and, since every AssumeRole returns new credentials, builds a new
botocore client (LocalStack's client cache is keyed by the credentials): 10 to
40 ms of CPU per task under the GIL, before the task's own request.

This keeps the client of each (service, region, role) for ``CLIENT_TTL_SECONDS``
(well under the assumed role's one-hour lifetime), then assumes the role
again. A changed role ARN (an updated state machine) gets a client of its own.
The shared client's connection pool is sized for many executions at once.
"""

from __future__ import annotations

import threading
import time

from sfnlocal.in_localstack.patching import Target

MODULE = "localstack.services.stepfunctions.asl.utils.boto_client"
BOTO_CLIENT_FOR = Target(
    MODULE,
    "boto_client_for",
    "(service: str, region: str, state_credentials: localstack.services.stepfunctions.asl."
    "component.state.state_execution.state_task.credentials.StateCredentials)"
    " -> botocore.client.BaseClient",
    hot_path=True,
)
CLIENT_CONFIG = Target(MODULE, "_BOTO_CLIENT_CONFIG", "botocore.config.Config", kind="value")
CLIENT_TTL_SECONDS = 600.0
MAX_POOL_CONNECTIONS = 100


def larger_pool(config):
    from botocore.config import Config

    return config.merge(Config(max_pool_connections=MAX_POOL_CONNECTIONS))


def caching_boto_client_for(ttl: float = CLIENT_TTL_SECONDS, clock=time.monotonic):
    """The wrapper of ``boto_client_for``: one client per (service, region, role) for ``ttl``."""
    lock = threading.Lock()
    clients: dict[tuple[str, str, str], tuple[object, float]] = {}

    def boto_client_for(original, service: str, region: str, state_credentials):
        key = (service, region, state_credentials.role_arn)
        now = clock()
        with lock:
            cached = clients.get(key)
        if cached is not None and cached[1] > now:
            return cached[0]
        client = original(service=service, region=region, state_credentials=state_credentials)
        with lock:
            clients[key] = (client, now + ttl)
        return client

    return boto_client_for


def install() -> None:
    CLIENT_CONFIG.patch(larger_pool)
    BOTO_CLIENT_FOR.patch(caching_boto_client_for())
