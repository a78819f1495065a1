"""The one factory of AWS clients for a stack: endpoint, region, test credentials.

Every part of the host tooling (deploy, workflow, CLI, tests, benchmark) and
the deploy inside the container gets its clients here. TestState and
StartSyncExecution are sent by every SDK to the host ``sync-<endpoint host>``,
which does not resolve for ``127.0.0.1``; the clients made here turn that host
prefix off (botocore's ``inject_host_prefix=False``), as
``AWS_DISABLE_HOST_PREFIX_INJECTION=true`` does for boto3 and the AWS CLI.

Why not ``localstack-client``'s ``Session`` underneath (the README says so
too): it lets ``$AWS_ENDPOINT_URL`` override the host it is given, so a
test's stack on a port of its own would silently be swapped for whatever the
shell exported, and it keeps the ``sync-`` prefix. It is installed for users'
own scripts, where reading the environment is what they want.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import boto3
from botocore.config import Config

DEFAULT_ENDPOINT = "http://127.0.0.1:4566"
DEFAULT_REGION = "us-east-1"
TEST_CREDENTIALS = ("test", "test")
"""The dummy access key and secret LocalStack accepts."""

HOST_PREFIX_VARIABLE = "AWS_DISABLE_HOST_PREFIX_INJECTION"
"""What boto3 and the AWS CLI read to send TestState/StartSyncExecution to the endpoint itself."""

_CONFIG = Config(
    connect_timeout=5,
    read_timeout=60,
    retries={"max_attempts": 5, "mode": "standard"},
    inject_host_prefix=False,
)


def credentials_environment(region: str = DEFAULT_REGION) -> dict[str, str]:
    """The variables that give a child process the dummy credentials and ``region``."""
    key, secret = TEST_CREDENTIALS
    return {"AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": secret, "AWS_DEFAULT_REGION": region}


def default_endpoint() -> str:
    """``AWS_ENDPOINT_URL`` if set, else LocalStack's default gateway."""
    return os.environ.get("AWS_ENDPOINT_URL") or DEFAULT_ENDPOINT


def default_region() -> str:
    """``AWS_DEFAULT_REGION`` (or ``AWS_REGION``) if set, else us-east-1."""
    return os.environ.get("AWS_DEFAULT_REGION") or os.environ.get("AWS_REGION") or DEFAULT_REGION


def shell_environment(endpoint: str, region: str) -> dict[str, str]:
    """What a shell exports so that its own tools talk to the stack (``sfnlocal env``).

    ``AWS_ENDPOINT_URL``: boto3, both AWS CLIs, the AWS SDK for JavaScript v3,
    ``awslocal`` and localstack-client; ``AWS_REGION`` is the JS SDK's name for
    the region; the host-prefix switch sends TestState and StartSyncExecution
    to the endpoint itself rather than to ``sync-<host>``.
    """
    key, secret = TEST_CREDENTIALS
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region,
        "AWS_ACCESS_KEY_ID": key,
        "AWS_SECRET_ACCESS_KEY": secret,
        HOST_PREFIX_VARIABLE: "true",
    }


def make_session(region: str | None = None) -> boto3.Session:
    """A session for ``region``: the environment's credentials, else dummy ``test``/``test``.

    Credentials are taken from the environment only when it names them
    (``AWS_ACCESS_KEY_ID`` or ``AWS_PROFILE``); otherwise the dummy ones are
    given explicitly, so boto3 never probes instance metadata for any.
    """
    region = region or default_region()
    if os.environ.get("AWS_ACCESS_KEY_ID") or os.environ.get("AWS_PROFILE"):
        return boto3.Session(region_name=region)
    key, secret = TEST_CREDENTIALS
    return boto3.Session(aws_access_key_id=key, aws_secret_access_key=secret, region_name=region)


@dataclass(frozen=True)
class StackClients:
    """Clients of one stack: ``StackClients(endpoint).sfn``, ``.client("logs")``."""

    endpoint: str = field(default_factory=default_endpoint)
    region: str = field(default_factory=default_region)
    session: boto3.Session | None = field(default=None, compare=False, repr=False)

    def client(self, service: str, **config: Any) -> Any:
        session = self.session or make_session(self.region)
        return session.client(
            service,
            region_name=self.region,
            endpoint_url=self.endpoint,
            config=_CONFIG.merge(Config(**config)) if config else _CONFIG,
        )

    @cached_property
    def sts(self) -> Any:
        return self.client("sts")

    @cached_property
    def iam(self) -> Any:
        return self.client("iam")

    @cached_property
    def lambda_(self) -> Any:
        return self.client("lambda")

    @cached_property
    def sqs(self) -> Any:
        return self.client("sqs")

    @cached_property
    def sns(self) -> Any:
        return self.client("sns")

    @cached_property
    def sfn(self) -> Any:
        return self.client("stepfunctions")

    @cached_property
    def logs(self) -> Any:
        return self.client("logs")

    @cached_property
    def cloudwatch(self) -> Any:
        return self.client("cloudwatch")
