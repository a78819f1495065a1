"""boto3 sessions and clients for the target endpoint, and polling with a deadline."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from .errors import DeployError

DEFAULT_ENDPOINT = "http://127.0.0.1:4566"
DEFAULT_REGION = "us-east-1"
DUMMY_CREDENTIALS = ("test", "test")

_CONFIG = Config(
    connect_timeout=5,
    read_timeout=60,
    retries={"max_attempts": 5, "mode": "standard"},
)


def default_endpoint() -> str:
    """``AWS_ENDPOINT_URL`` if set, else LocalStack's default gateway."""
    return os.environ.get("AWS_ENDPOINT_URL") or DEFAULT_ENDPOINT


def default_region() -> str:
    """``AWS_DEFAULT_REGION`` (or ``AWS_REGION``) if set, else us-east-1."""
    return os.environ.get("AWS_DEFAULT_REGION") or os.environ.get("AWS_REGION") or DEFAULT_REGION


def make_session(region: str) -> boto3.Session:
    """A session for ``region``: the environment's credentials, else dummy ``test``/``test``.

    Credentials are taken from the environment only when it names them
    (``AWS_ACCESS_KEY_ID`` or ``AWS_PROFILE``); otherwise the dummy ones are
    given explicitly, so boto3 never probes instance metadata for any.
    """
    if os.environ.get("AWS_ACCESS_KEY_ID") or os.environ.get("AWS_PROFILE"):
        return boto3.Session(region_name=region)
    key, secret = DUMMY_CREDENTIALS
    return boto3.Session(aws_access_key_id=key, aws_secret_access_key=secret, region_name=region)


class Clients:
    """The service clients of one deploy, all pointed at the same endpoint."""

    def __init__(self, session: boto3.Session, endpoint_url: str, region: str) -> None:
        self.endpoint_url = endpoint_url
        self.region = region

        def client(service: str) -> Any:
            return session.client(
                service, region_name=region, endpoint_url=endpoint_url, config=_CONFIG
            )

        self.sts = client("sts")
        self.iam = client("iam")
        self.lambda_ = client("lambda")
        self.sqs = client("sqs")
        self.sns = client("sns")
        self.sfn = client("stepfunctions")


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def wait_for(
    check: Callable[[], tuple[bool, str]],
    *,
    what: str,
    timeout: float,
    interval: float = 0.5,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """Call ``check`` until it returns ``(True, state)``; give up after ``timeout`` seconds.

    ``check`` returns whether the wait is over and a description of the
    current state, used in the error when the deadline passes.

    Raises:
        DeployError: the deadline passed (naming ``what`` and the last state).
    """
    deadline = clock() + timeout
    while True:
        done, state = check()
        if done:
            return state
        remaining = deadline - clock()
        if remaining <= 0:
            raise DeployError(f"timed out after {timeout:g} s waiting for {what} (last: {state})")
        sleep(min(interval, remaining))


def retry_while[T](
    action: Callable[[], T],
    is_transient: Callable[[ClientError], bool],
    *,
    what: str,
    timeout: float,
    interval: float = 2.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run ``action``, retrying while it fails with a transient ClientError, until a deadline.

    Used where AWS needs time to propagate something (a new IAM role); the
    last error is raised when the deadline passes.
    """
    deadline = clock() + timeout
    while True:
        try:
            return action()
        except ClientError as exc:
            if not is_transient(exc) or clock() + interval > deadline:
                raise
            sleep(interval)
