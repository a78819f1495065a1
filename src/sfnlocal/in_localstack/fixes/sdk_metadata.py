"""An optimized integration's result carries ``SdkHttpMetadata`` and ``SdkResponseMetadata``.

AWS: Step Functions calls an optimized integration's API with the AWS SDK for
Java and returns the SDK's result object, which holds, beside the API's own
output, the HTTP response's metadata::

    "SdkHttpMetadata": {"AllHttpHeaders": {"Content-Type": ["text/xml"], ...},
                        "HttpHeaders": {"Content-Type": "text/xml", ...},
                        "HttpStatusCode": 200},
    "SdkResponseMetadata": {"RequestId": "..."}

The Lambda invoke page shows it ("the function output is nested inside a
dictionary of metadata": ``ExecutedVersion``, ``Payload``, ``SdkHttpMetadata``,
``SdkResponseMetadata``, ``StatusCode``):
https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
LocalStack's AWS-recorded snapshots show the same for ``sns:publish``,
``sqs:sendMessage``, ``states:startExecution`` and ``lambda:invoke`` (request
and response: in ``TaskSucceeded``), and for the call that submits a
``.waitForTaskToken`` or ``.sync`` task (its ``TaskSubmitted`` output; the
task's final result, the callback's or the job's, has none). AWS SDK
integrations (``arn:aws:states:::aws-sdk:*``) do not carry it, nor the plain
Lambda ARN resource (its result is the function's output). So the sample's
last state, ``sns:publish``, ends the execution with ``MessageId``,
``SdkHttpMetadata`` and ``SdkResponseMetadata`` on AWS.

LocalStack 2026.3.0 drops the response metadata (``response.pop
("ResponseMetadata")``). This keeps what the local service answered and
shapes it as AWS does, for the four integrations of this stack's services:

- from the local response: ``HttpStatusCode``, the request id
  (``x-amzn-RequestId``, ``SdkResponseMetadata.RequestId``),
  ``Content-Length``, ``Date`` and, for Lambda, ``X-Amz-Executed-Version``
  and ``X-Amz-Log-Result`` (when the invoke asked for the log);
- AWS's values where LocalStack's server answers differently or not at all:
  ``connection: keep-alive`` (the SDK's connections are kept alive), the
  ``Content-Type`` of each service's protocol (LocalStack's Lambda says
  ``text/plain``), Lambda's ``x-amzn-Remapped-Content-Length: 0`` and an
  ``X-Amzn-Trace-Id`` in X-Ray's format (a new trace id);
- only AWS's headers, with AWS's spelling (the recorded snapshots), not
  LocalStack's own (``x-localstack``, ``server``...).

The DynamoDB and ECS integrations carry it on AWS too; this stack runs
neither service, so they are left as they are.
"""

from __future__ import annotations

import contextvars
import logging
import secrets
import time
from email.utils import formatdate
from typing import Any

from sfnlocal.in_localstack.patching import Target

LOG = logging.getLogger(__name__)

SERVICE = "localstack.services.stepfunctions.asl.component.state.state_execution.state_task.service"
EVAL_SERVICE_TASK_SIGNATURE = (
    "(self, env: localstack.services.stepfunctions.asl.eval.environment.Environment, "
    "resource_runtime_part: localstack.services.stepfunctions.asl.component.state."
    "state_execution.state_task.service.resource.ResourceRuntimePart, "
    "normalised_parameters: dict, state_credentials: localstack.services.stepfunctions.asl."
    "component.state.state_execution.state_task.credentials.StateCredentials)"
)
CLIENTS = Target(
    "localstack.services.stepfunctions.asl.utils.boto_client",
    "boto_client_for",
    "(service: str, region: str, state_credentials: localstack.services.stepfunctions.asl."
    "component.state.state_execution.state_task.credentials.StateCredentials)"
    " -> botocore.client.BaseClient",
)

KEEP_ALIVE = "keep-alive"
XML, JSON_1_0, JSON = "text/xml", "application/x-amz-json-1.0", "application/json"
AWS_SDK_HEADERS = ("x-amzn-RequestId", "connection", "Content-Length", "Date", "Content-Type")
"""The headers AWS answers an SNS, SQS or Step Functions call with, spelled as AWS does."""
LAMBDA_HEADERS = (
    "Connection",
    "Content-Length",
    "Content-Type",
    "Date",
    "X-Amz-Executed-Version",
    "X-Amz-Log-Result",
    "X-Amzn-Trace-Id",
    "x-amzn-Remapped-Content-Length",
    "x-amzn-RequestId",
)


def _headers(names: tuple[str, ...], content_type: str) -> dict[str, Any]:
    return {"names": names, "content_type": content_type}


INTEGRATIONS = {
    "state_task_service_sns.StateTaskServiceSns": _headers(AWS_SDK_HEADERS, XML),
    "state_task_service_sqs.StateTaskServiceSqs": _headers(AWS_SDK_HEADERS, JSON_1_0),
    "state_task_service_sfn.StateTaskServiceSfn": _headers(AWS_SDK_HEADERS, JSON_1_0),
    "state_task_service_lambda.StateTaskServiceLambda": _headers(LAMBDA_HEADERS, JSON),
}
TARGETS = {
    key: Target(
        f"{SERVICE}.{key.partition('.')[0]}",
        f"{key.partition('.')[2]}._eval_service_task",
        EVAL_SERVICE_TASK_SIGNATURE,
    )
    for key in INTEGRATIONS
}

_CALLS: contextvars.ContextVar[list[dict] | None] = contextvars.ContextVar(
    "sfnlocal_sdk_metadata_calls", default=None
)
"""The response metadata of the calls the running integration made (None: not collecting)."""
HANDLER_ID = "sfnlocal-sdk-metadata"


def trace_id(now: float | None = None) -> str:
    """A new X-Ray trace header value: ``Root=1-<epoch seconds, hex>-<96 bits, hex>;Sampled=0``."""
    seconds = int(time.time() if now is None else now)
    return f"Root=1-{seconds:08x}-{secrets.token_hex(12)};Sampled=0"


def sdk_metadata(
    response_metadata: dict, names: tuple[str, ...], content_type: str
) -> dict[str, Any]:
    """``SdkHttpMetadata`` and ``SdkResponseMetadata`` from botocore's ``ResponseMetadata``."""
    local = {k.lower(): v for k, v in (response_metadata.get("HTTPHeaders") or {}).items()}
    request_id = response_metadata.get("RequestId") or local.get("x-amzn-requestid", "")
    aws_values = {
        "x-amzn-requestid": request_id,
        "connection": KEEP_ALIVE,
        "content-type": content_type,
        "content-length": local.get("content-length"),
        "date": local.get("date") or formatdate(usegmt=True),
        "x-amz-executed-version": local.get("x-amz-executed-version"),
        "x-amz-log-result": local.get("x-amz-log-result"),
        "x-amzn-trace-id": trace_id(),
        "x-amzn-remapped-content-length": "0",
    }
    headers = {n: aws_values[n.lower()] for n in names if aws_values[n.lower()] is not None}
    return {
        "SdkHttpMetadata": {
            "AllHttpHeaders": {name: [value] for name, value in headers.items()},
            "HttpHeaders": dict(sorted(headers.items(), key=lambda item: item[0].lower())),
            "HttpStatusCode": response_metadata.get("HTTPStatusCode", 200),
        },
        "SdkResponseMetadata": {"RequestId": request_id},
    }


def _collect(parsed: dict | None = None, **_: Any) -> None:
    """botocore's ``after-call`` handler: keep the call's metadata for the running integration."""
    calls = _CALLS.get()
    if calls is not None and isinstance(parsed, dict) and "ResponseMetadata" in parsed:
        calls.append(dict(parsed["ResponseMetadata"]))


def _boto_client_for(original, *args, **kwargs):
    client = original(*args, **kwargs)
    client.meta.events.register("after-call", _collect, unique_id=HANDLER_ID)
    return client


def adding_metadata(names: tuple[str, ...], content_type: str):
    """The wrapper of one integration's ``_eval_service_task``."""

    def _eval_service_task(original, self, env, *args, **kwargs):
        calls: list[dict] = []
        token = _CALLS.set(calls)
        try:
            original(self, env, *args, **kwargs)
        finally:
            _CALLS.reset(token)
        try:
            result = env.stack[-1] if env.stack else None
            if calls and isinstance(result, dict):
                result.update(sdk_metadata(calls[-1], names, content_type))
        except Exception:  # the task's result stands without the metadata
            LOG.exception("sfnlocal: no SdkHttpMetadata for %s", type(self).__name__)

    return _eval_service_task


def install() -> None:
    CLIENTS.patch(_boto_client_for)
    for key, target in TARGETS.items():
        target.patch(adding_metadata(**INTEGRATIONS[key]))
