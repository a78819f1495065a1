"""Skip Step Functions' EventBridge notifications when EventBridge is off.

At StartExecution (in the request itself) and at every status change, the
interpreter sends an "Execution Status Change" event to EventBridge. With
``events`` not in ``SERVICES`` (as here) nothing can receive it: the call goes
through the gateway, fails with "Service 'events' is not enabled", and is
logged at ERROR with the whole event. That costs a few milliseconds of each
StartExecution and fills the log. When EventBridge is enabled, nothing changes.
"""

from __future__ import annotations

from sfnlocal.in_localstack.patching import Target

PUBLISH_STATUS_CHANGE = Target(
    "localstack.services.stepfunctions.backend.execution",
    "Execution.publish_execution_status_change_event",
    "(self)",
    hot_path=True,
)


def publish_execution_status_change_event(original, self):
    from localstack.utils.bootstrap import is_api_enabled

    if is_api_enabled("events"):
        original(self)


def install() -> None:
    PUBLISH_STATUS_CHANGE.patch(publish_execution_status_change_event)
