"""Skip Step Functions' EventBridge notifications when EventBridge is off.

At StartExecution (in the request itself) and at every status change, the
interpreter sends an "Execution Status Change" event to EventBridge. With
``events`` not in ``SERVICES`` (as here) nothing can receive it: the call goes
through the gateway, fails with "Service 'events' is not enabled", and is
logged at ERROR with the whole event. That costs a few milliseconds of each
StartExecution and fills the log. When EventBridge is enabled, nothing changes.
"""

from __future__ import annotations

from sfnlocal.in_localstack.lazy import after_import

MODULE = "localstack.services.stepfunctions.backend.execution"


def _patch(module) -> None:
    from localstack.utils.bootstrap import is_api_enabled
    from localstack.utils.patch import Patch

    def publish_execution_status_change_event(original, self):
        if is_api_enabled("events"):
            original(self)

    Patch.function(
        module.Execution.publish_execution_status_change_event,
        publish_execution_status_change_event,
    ).apply()


def install() -> None:
    after_import(MODULE, _patch)
