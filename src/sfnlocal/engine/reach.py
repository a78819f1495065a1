"""Can a command reach this project's stack? If not, one line that says why, and the fix.

Before a command talks to the stack, :func:`require_stack` tells apart the
cases a user meets: nothing listens on the port, something listens that is not
LocalStack, a LocalStack that is not this project's stack (its services are
missing), and this stack still starting or with a failed deploy. Each one is a
:class:`~sfnlocal.errors.UserError`. :func:`aws_error` turns what botocore
raises later (the stack stopped in the middle of a command, say) into one too.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from enum import StrEnum

from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError

from sfnlocal.engine.readiness import probe
from sfnlocal.engine.settings import GATEWAY_PORT, SERVICES, EngineSettings
from sfnlocal.errors import UserError

PROBE_TIMEOUT = 3.0
RUNNING_SERVICE_STATES = ("available", "running")


class Answer(StrEnum):
    NOTHING = "nothing answers"
    NOT_LOCALSTACK = "not LocalStack"
    LOCALSTACK = "LocalStack"


@dataclass(frozen=True)
class Identity:
    answer: Answer
    detail: str = ""
    version: str = "?"
    services: dict[str, str] = field(default_factory=dict)


def identify(endpoint: str, timeout: float = PROBE_TIMEOUT) -> Identity:
    """What answers at ``endpoint``: one GET of LocalStack's ``/_localstack/health``."""
    url = f"{endpoint}/_localstack/health"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (a URL we build)
            body = response.read()
    except urllib.error.HTTPError as error:
        return Identity(Answer.NOT_LOCALSTACK, f"GET /_localstack/health answers HTTP {error.code}")
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            return Identity(Answer.NOTHING, f"no answer within {timeout:.0f} s")
        if isinstance(error.reason, ConnectionRefusedError):
            return Identity(Answer.NOTHING, "connection refused")
        return Identity(Answer.NOTHING, str(error.reason))
    except TimeoutError:
        return Identity(Answer.NOTHING, f"no answer within {timeout:.0f} s")
    except (http.client.HTTPException, ConnectionError) as error:
        return Identity(Answer.NOT_LOCALSTACK, f"it does not speak HTTP ({type(error).__name__})")
    try:
        health = json.loads(body)
    except ValueError:
        health = None
    if not isinstance(health, dict) or not isinstance(health.get("services"), dict):
        return Identity(
            Answer.NOT_LOCALSTACK, "GET /_localstack/health is not LocalStack's health report"
        )
    return Identity(Answer.LOCALSTACK, "", str(health.get("version", "?")), health["services"])


def _where_to_look(settings: EngineSettings) -> str:
    """The fix's hint when the endpoint addressed is not this checkout's stack."""
    if elsewhere := settings.recorded_elsewhere():
        how = "--endpoint" if settings.endpoint_url else "LOCALSTACK_PORT"
        return (
            f"this checkout's {elsewhere.kind} stack runs at {elsewhere.endpoint} "
            f"(see 'make status'): drop {how} to use it"
        )
    if settings.endpoint_url:
        return "check the --endpoint URL, or start a stack with 'make up'"
    if settings.port != GATEWAY_PORT:
        return f"start one with 'LOCALSTACK_PORT={settings.port} make up'"
    return "start one with 'make up'"


def require_stack(settings: EngineSettings, ready: bool = True) -> None:
    """Raises UserError unless this project's stack answers at ``settings.endpoint``.

    ``ready``: also unless its deploy (the init hook) has finished, and succeeded.
    """
    endpoint = settings.endpoint
    identity = identify(endpoint)
    if identity.answer is Answer.NOTHING:
        raise UserError(
            f"no stack is running at {endpoint} ({identity.detail})", fix=_where_to_look(settings)
        )
    if identity.answer is Answer.NOT_LOCALSTACK:
        raise UserError(
            f"something answers at {endpoint}, but it is not LocalStack ({identity.detail})",
            fix=_where_to_look(settings)
            if settings.recorded_elsewhere() or settings.endpoint_url
            else f"another server holds port {settings.port}: start this stack on a free one "
            "with 'LOCALSTACK_PORT=<port> make up'",
        )
    missing = [
        name
        for name in SERVICES.split(",")
        if identity.services.get(name) not in RUNNING_SERVICE_STATES
    ]
    if missing:
        raise UserError(
            f"the LocalStack {identity.version} at {endpoint} is not this project's stack: "
            f"it does not run {', '.join(missing)}",
            fix=_where_to_look(settings),
        )
    if not ready:
        return
    readiness = probe(endpoint)
    if readiness.failed_scripts:
        raise UserError(
            f"the stack at {endpoint} is up, but its deploy failed "
            f"(init script {', '.join(readiness.failed_scripts)})",
            fix="read 'make logs', fix the document it names, then 'make deploy'",
        )
    if not readiness.init_completed:
        raise UserError(
            f"the stack at {endpoint} is still starting ({readiness.detail or 'init not done'})",
            fix="wait until 'make status' says it is ready",
        )


def aws_error(error: BotoCoreError | ClientError, endpoint: str | None = None) -> UserError:
    """What botocore raised, as one line and a fix."""
    where = f" at {endpoint}" if endpoint else ""
    if isinstance(error, BotoConnectionError | HTTPClientError):
        return UserError(
            f"lost the connection to the stack{where}: {error}",
            fix="is it still running? 'make status' says ('make up' starts it)",
        )
    if isinstance(error, ClientError):
        info = error.response.get("Error", {})
        operation = getattr(error, "operation_name", "the call")
        return UserError(
            f"the stack{where} refused {operation}: {info.get('Code', '?')}: "
            f"{info.get('Message', '')}".rstrip(": "),
            fix="'sfnlocal --debug <command>' shows where; 'make logs' shows the stack's side",
        )
    return UserError(
        f"talking to the stack{where} failed: {error}",
        fix="'sfnlocal --debug <command>' shows where; 'make status' checks the stack",
    )
