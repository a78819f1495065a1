"""CreateFunction and UpdateFunctionConfiguration refuse a runtime that cannot run here.

AWS behaviour: Lambda refuses, at CreateFunction and UpdateFunctionConfiguration,
a runtime it does not run (a deprecated runtime once creates and updates are
blocked), with ``InvalidParameterValueException`` naming the runtime, rather
than accepting the function and failing every invoke. Documented in the
runtime deprecation policy ("Block function create", "Block function update"),
https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html , and as that
error of https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html
("One of the parameters in the request is not valid").

LocalStack accepts every runtime AWS knows, reports the function ``Active``,
and the local process executor can then only fail each invoke
(``Runtime.InvalidRuntime``). With this fix a runtime that has no environment
under LAMBDA_PROCESS_RUNTIMES_DIR is refused at once, and the message names it
and the runtimes that run here. Only when that executor runs
(LAMBDA_RUNTIME_EXECUTOR=local-process); container-image functions (no
runtime) are left as they are.
"""

from __future__ import annotations

import logging
from typing import Any

from sfnlocal.in_localstack.patching import Target

LOG = logging.getLogger(__name__)

MODULE = "localstack.services.lambda_.provider"
EXECUTOR = "local-process"

CREATE = Target(
    MODULE,
    "LambdaProvider.create_function",
    "(self, context: localstack.aws.api.core.RequestContext, "
    "request: localstack.aws.api.lambda_.CreateFunctionRequest) "
    "-> localstack.aws.api.lambda_.FunctionConfiguration",
    # The wrapper raises the refusal on purpose: no falling back to the original.
    hot_path=False,
)
UPDATE = Target(
    MODULE,
    "LambdaProvider.update_function_configuration",
    "(self, context: localstack.aws.api.core.RequestContext, "
    "request: localstack.aws.api.lambda_.UpdateFunctionConfigurationRequest) "
    "-> localstack.aws.api.lambda_.FunctionConfiguration",
    hot_path=False,
)


def refusal(runtime: Any) -> str | None:
    """Why ``runtime`` is refused here, or None when it runs (or the check does not apply)."""
    from localstack import config

    from sfnlocal.in_localstack.executor.runtimes import available_runtimes, installing_note

    if not isinstance(runtime, str) or config.LAMBDA_RUNTIME_EXECUTOR != EXECUTOR:
        return None
    available = available_runtimes()
    if runtime in available:
        return None
    return (
        f"The runtime parameter of {runtime} is not supported by this local stack: "
        f"its functions run as local processes, with the runtimes "
        f"{', '.join(available) or '(none installed)'}. Use one of those."
    ) + installing_note(runtime)


def _checked(original, self, context, request, *args, **kwargs):
    try:
        message = refusal(request.get("Runtime"))
    except Exception:  # the check must never stop a valid request
        LOG.exception("sfnlocal: the runtime check failed; LocalStack's own checks apply")
        message = None
    if message:
        from localstack.aws.api.lambda_ import InvalidParameterValueException

        raise InvalidParameterValueException(message, Type="User")
    return original(self, context, request, *args, **kwargs)


def install() -> None:
    CREATE.patch(_checked)
    UPDATE.patch(_checked)
