"""Send Lambda's and SQS's CloudWatch metrics once a second, not per request.

After every Lambda invocation LocalStack starts a thread that sends one
PutMetricData request (``Invocations``, and ``Errors`` on failure); for every
SQS message sent, received or deleted it sends one or two more. Each is a whole
request through the gateway (HTTP, parsing, signing, an SQLite insert) under
the engine's GIL: about 15 per execution of the sample, as many as the
execution's own requests.

This counts the data points instead and sends them once per
``FLUSH_SECONDS`` from one thread, as ``Values`` with ``Counts``: CloudWatch
stores the same data points, so Sum, SampleCount, Minimum and Maximum come out
the same; timestamps are those of the flush (within a second).
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from datetime import UTC, datetime

from sfnlocal.in_localstack.lazy import after_import

LOG = logging.getLogger(__name__)
FLUSH_SECONDS = 1.0
BATCH = 20  # metric data items per PutMetricData request

# (namespace, account, region, metric name, dimensions, unit) -> {value: count}
Key = tuple[str, str, str, str, tuple[tuple[str, str], ...], str | None]


class MetricBatcher:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._points: dict[Key, Counter] = {}
        self._thread: threading.Thread | None = None

    def add(
        self,
        namespace: str,
        account_id: str,
        region: str,
        metric: str,
        dimensions: dict[str, str],
        value: float = 1,
        unit: str | None = None,
    ) -> None:
        key = (namespace, account_id, region, metric, tuple(sorted(dimensions.items())), unit)
        with self._lock:
            self._points.setdefault(key, Counter())[value] += 1
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="sfnlocal-metrics", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        stop = threading.Event()
        while not stop.wait(FLUSH_SECONDS):
            try:
                self.flush()
            except Exception:  # the next flush sends what comes next
                LOG.exception("could not send CloudWatch metrics")

    def flush(self) -> None:
        from localstack.aws.connect import connect_to
        from localstack.utils.bootstrap import is_api_enabled

        with self._lock:
            points, self._points = self._points, {}
        if not points or not is_api_enabled("cloudwatch"):
            return
        now = datetime.now(UTC)
        requests: dict[tuple[str, str, str], list[dict]] = {}
        for (namespace, account_id, region, metric, dimensions, unit), values in points.items():
            datum = {
                "MetricName": metric,
                "Dimensions": [{"Name": name, "Value": value} for name, value in dimensions],
                "Timestamp": now,
                "Values": list(values),
                "Counts": [float(count) for count in values.values()],
            }
            if unit:
                datum["Unit"] = unit
            requests.setdefault((namespace, account_id, region), []).append(datum)
        for (namespace, account_id, region), data in requests.items():
            client = connect_to(aws_access_key_id=account_id, region_name=region).cloudwatch
            for start in range(0, len(data), BATCH):
                batch = data[start : start + BATCH]
                client.put_metric_data(Namespace=namespace, MetricData=batch)


BATCHER = MetricBatcher()


# -- Lambda: names the version manager calls after each invocation ---------------


def record_cw_metric_invocation(function_name: str, account_id: str, region_name: str):
    BATCHER.add("AWS/Lambda", account_id, region_name, "Invocations", _function(function_name))


def record_cw_metric_error(function_name: str, account_id: str, region_name: str):
    BATCHER.add("AWS/Lambda", account_id, region_name, "Invocations", _function(function_name))
    BATCHER.add("AWS/Lambda", account_id, region_name, "Errors", _function(function_name))


def _function(function_name: str) -> dict[str, str]:
    return {"FunctionName": function_name}


def _patch_lambda(module) -> None:
    module.record_cw_metric_invocation = record_cw_metric_invocation
    module.record_cw_metric_error = record_cw_metric_error


# -- SQS: the provider's per-request metric dispatcher ------------------------------


def _patch_sqs(module) -> None:
    from localstack.utils.patch import Patch

    def dispatch_sqs_metric(
        original, self, account_id, region, queue_name, metric, value=1, unit="Count"
    ):
        if not self.running:
            return
        BATCHER.add("AWS/SQS", account_id, region, metric, {"QueueName": queue_name}, value, unit)

    Patch.function(module.CloudwatchDispatcher.dispatch_sqs_metric, dispatch_sqs_metric).apply()


def install() -> None:
    after_import("localstack.services.lambda_.invocation.version_manager", _patch_lambda)
    after_import("localstack.services.sqs.provider", _patch_sqs)
