"""Lambda functions and their SQS event source mappings, created or brought up to date."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError, WaiterError

from .aws import error_code, retry_while, wait_for
from .errors import DeployError
from .packaging import code_sha256
from .progress import Change, Progress

ROLE_PROPAGATION_TIMEOUT = 60.0
"""On AWS a new role can take seconds before Lambda may assume it."""


@dataclass(frozen=True)
class FunctionConfig:
    """What a deployed function should look like (besides its code)."""

    name: str
    role_arn: str
    handler: str
    runtime: str
    timeout: int
    memory_size: int
    description: str = ""
    environment: Mapping[str, str] = field(default_factory=dict)

    def as_api(self) -> dict[str, Any]:
        """The keyword arguments shared by CreateFunction and UpdateFunctionConfiguration."""
        return {
            "FunctionName": self.name,
            "Role": self.role_arn,
            "Handler": self.handler,
            "Runtime": self.runtime,
            "Timeout": self.timeout,
            "MemorySize": self.memory_size,
            "Description": self.description,
            "Environment": {"Variables": dict(self.environment)},
        }

    def differences(self, current: Mapping[str, Any]) -> list[str]:
        """The settings of ``current`` (GetFunctionConfiguration) that differ from this."""
        wanted = self.as_api()
        current_values = {
            "Role": current.get("Role"),
            "Handler": current.get("Handler"),
            "Runtime": current.get("Runtime"),
            "Timeout": current.get("Timeout"),
            "MemorySize": current.get("MemorySize"),
            "Description": current.get("Description", ""),
            "Environment": {"Variables": current.get("Environment", {}).get("Variables", {})},
        }
        return [key for key, value in current_values.items() if wanted[key] != value]


def _wait(lambda_client: Any, waiter_name: str, name: str, timeout: float) -> None:
    """Wait with a boto3 waiter (1 s polls up to ``timeout``); explain a failure."""
    try:
        lambda_client.get_waiter(waiter_name).wait(
            FunctionName=name, WaiterConfig={"Delay": 1, "MaxAttempts": max(1, int(timeout))}
        )
    except WaiterError as exc:
        config = lambda_client.get_function_configuration(FunctionName=name)
        raise DeployError(
            f"function {name} did not become ready ({waiter_name}): State={config.get('State')} "
            f"{config.get('StateReasonCode', '')} {config.get('StateReason', '')}; "
            f"LastUpdateStatus={config.get('LastUpdateStatus')} "
            f"{config.get('LastUpdateStatusReason', '')} ({exc})"
        ) from exc


def _role_not_ready(exc: ClientError) -> bool:
    message = str(exc.response.get("Error", {}).get("Message", ""))
    return error_code(exc) == "InvalidParameterValueException" and "role" in message.lower()


def ensure_function(
    lambda_client: Any,
    config: FunctionConfig,
    package: bytes,
    progress: Progress,
    *,
    wait_timeout: float = 300.0,
) -> str:
    """Make the function exist with this configuration and code, and be Active; return its ARN.

    The code is uploaded only when the package's SHA-256 differs from the
    function's CodeSha256; the configuration only when a setting differs.
    """
    try:
        current = lambda_client.get_function_configuration(FunctionName=config.name)
    except ClientError as exc:
        if error_code(exc) != "ResourceNotFoundException":
            raise
        created = retry_while(
            lambda: lambda_client.create_function(
                **config.as_api(), Code={"ZipFile": package}, Publish=False
            ),
            _role_not_ready,
            what=f"role of function {config.name}",
            timeout=ROLE_PROPAGATION_TIMEOUT,
        )
        _wait(lambda_client, "function_active_v2", config.name, wait_timeout)
        progress(Change.CREATED, "function", config.name)
        return created["FunctionArn"]

    if current.get("State") != "Active":
        _wait(lambda_client, "function_active_v2", config.name, wait_timeout)
    if current.get("LastUpdateStatus") == "InProgress":
        _wait(lambda_client, "function_updated_v2", config.name, wait_timeout)
    changes = []
    if current.get("CodeSha256") != code_sha256(package):
        lambda_client.update_function_code(FunctionName=config.name, ZipFile=package)
        _wait(lambda_client, "function_updated_v2", config.name, wait_timeout)
        changes.append("code")
    differences = config.differences(current)
    if differences:
        lambda_client.update_function_configuration(**config.as_api())
        _wait(lambda_client, "function_updated_v2", config.name, wait_timeout)
        changes.extend(differences)
    if changes:
        progress(Change.UPDATED, "function", config.name, ", ".join(changes))
    else:
        progress(Change.UNCHANGED, "function", config.name)
    return current["FunctionArn"]


@dataclass(frozen=True)
class QueueTrigger:
    """An SQS event source mapping as it should be."""

    function_name: str
    queue_arn: str
    batch_size: int
    maximum_batching_window_seconds: int
    report_batch_item_failures: bool
    # False leaves the queue's messages for a person (APPROVAL_MODE=manual).
    enabled: bool = True

    @property
    def response_types(self) -> list[str]:
        return ["ReportBatchItemFailures"] if self.report_batch_item_failures else []

    def settings(self) -> dict[str, Any]:
        return {
            "BatchSize": self.batch_size,
            "MaximumBatchingWindowInSeconds": self.maximum_batching_window_seconds,
            "FunctionResponseTypes": self.response_types,
        }


_ENABLED_OR_ON_THE_WAY = {"Enabled", "Enabling", "Creating", "Updating"}


def wait_for_trigger_state(
    lambda_client: Any, uuid: str, enabled: bool, label: str, timeout: float = 60.0
) -> None:
    wanted = "Enabled" if enabled else "Disabled"

    def reached() -> tuple[bool, str]:
        state = lambda_client.get_event_source_mapping(UUID=uuid).get("State", "?")
        return state == wanted, state

    wait_for(reached, what=f"event source mapping {label} to be {wanted}", timeout=timeout)


def ensure_queue_trigger(
    lambda_client: Any, trigger: QueueTrigger, progress: Progress, *, wait_timeout: float = 60.0
) -> str:
    """Make the queue trigger the function with these settings, and be Enabled; return its UUID."""
    mappings = []
    for page in lambda_client.get_paginator("list_event_source_mappings").paginate(
        EventSourceArn=trigger.queue_arn, FunctionName=trigger.function_name
    ):
        mappings.extend(page["EventSourceMappings"])
    label = f"{trigger.queue_arn.rsplit(':', 1)[-1]} -> {trigger.function_name}"
    if not mappings:
        uuid = lambda_client.create_event_source_mapping(
            EventSourceArn=trigger.queue_arn,
            FunctionName=trigger.function_name,
            Enabled=trigger.enabled,
            **trigger.settings(),
        )["UUID"]
        change, detail = Change.CREATED, ""
    else:
        current = mappings[0]
        uuid = current["UUID"]
        wanted = trigger.settings()
        stale = [
            key
            for key, value in wanted.items()
            if (current.get(key) or ([] if key == "FunctionResponseTypes" else 0)) != value
        ]
        switch = (current.get("State") in _ENABLED_OR_ON_THE_WAY) != trigger.enabled
        if stale or switch:
            lambda_client.update_event_source_mapping(UUID=uuid, Enabled=trigger.enabled, **wanted)
            state = "Enabled" if trigger.enabled else "Disabled"
            change, detail = Change.UPDATED, ", ".join(stale + ([state] if switch else []))
        else:
            change, detail = Change.UNCHANGED, ""

    wait_for_trigger_state(lambda_client, uuid, trigger.enabled, label, wait_timeout)
    progress(change, "event source mapping", label, detail)
    return uuid
