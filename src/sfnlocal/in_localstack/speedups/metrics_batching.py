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
the same; timestamps are those of the flush (within a second). The flushing
thread stops when LocalStack does (``infra_stopping``), after a last flush.
Counting is cheap, so an invocation's count runs on its own thread instead of
the thread LocalStack starts for it.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime

from sfnlocal.in_localstack.patching import Target

LOG = logging.getLogger(__name__)
FLUSH_SECONDS = 1.0
BATCH = 20  # metric data items per PutMetricData request

VERSION_MANAGER = "localstack.services.lambda_.invocation.version_manager"
LAMBDA_METRIC_SIGNATURE = "(function_name: str, account_id: str, region_name: str)"
# The names the version manager calls after each invocation (imported from lambda_.metrics).
RECORD_INVOCATION = Target(
    VERSION_MANAGER, "record_cw_metric_invocation", LAMBDA_METRIC_SIGNATURE, hot_path=True
)
RECORD_ERROR = Target(
    VERSION_MANAGER, "record_cw_metric_error", LAMBDA_METRIC_SIGNATURE, hot_path=True
)
# Starts the thread that records each invocation's metric (imported from utils.threads).
START_THREAD = Target(
    VERSION_MANAGER,
    "start_thread",
    "(method: 'Callable[P, T]', params: Any = None, quiet: bool = False, "
    "on_stop: collections.abc.Callable[['FuncThread'], None] | None = None, "
    "_shutdown_hook: bool = True, name: str | None = None) -> localstack.utils.threads.FuncThread",
    hot_path=True,
)
METRIC_THREAD_PREFIX = "record-cloudwatch-metric"
DISPATCH_SQS_METRIC = Target(
    "localstack.services.sqs.provider",
    "CloudwatchDispatcher.dispatch_sqs_metric",
    "(self, account_id: str, region: str, queue_name: str, metric: str, "
    "value: float = 1, unit: str = 'Count')",
    hot_path=True,
)

# (namespace, account, region, metric name, dimensions, unit) -> {value: count}
Key = tuple[str, str, str, str, tuple[tuple[str, str], ...], str | None]
# send(namespace, account_id, region, metric_data): one PutMetricData request
Send = Callable[[str, str, str, list[dict]], None]


def put_metric_data(namespace: str, account_id: str, region: str, data: list[dict]) -> None:
    from localstack.aws.connect import connect_to

    client = connect_to(aws_access_key_id=account_id, region_name=region).cloudwatch
    client.put_metric_data(Namespace=namespace, MetricData=data)


def cloudwatch_enabled() -> bool:
    from localstack.utils.bootstrap import is_api_enabled

    return is_api_enabled("cloudwatch")


class MetricBatcher:
    """Counts data points; a thread sends them every ``interval`` until ``stopping`` is set."""

    def __init__(
        self,
        stopping: threading.Event,
        send: Send = put_metric_data,
        enabled: Callable[[], bool] = cloudwatch_enabled,
        interval: float = FLUSH_SECONDS,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._stopping = stopping
        self._send, self._enabled = send, enabled
        self._interval, self._clock = interval, clock
        self._lock = threading.Lock()
        self._points: dict[Key, Counter] = {}
        self._thread: threading.Thread | None = None

    @property
    def thread(self) -> threading.Thread | None:
        return self._thread

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
        while True:
            stopping = self._stopping.wait(self._interval)
            try:
                self.flush()
            except Exception:  # the next flush sends what comes next
                LOG.exception("could not send CloudWatch metrics")
            if stopping:
                return

    def flush(self) -> None:
        with self._lock:
            points, self._points = self._points, {}
        if not points or not self._enabled():
            return
        now = self._clock()
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
            for start in range(0, len(data), BATCH):
                self._send(namespace, account_id, region, data[start : start + BATCH])


def _function(function_name: str) -> dict[str, str]:
    return {"FunctionName": function_name}


def lambda_wrappers(batcher: MetricBatcher):
    """The wrappers of record_cw_metric_invocation and record_cw_metric_error."""

    def record_cw_metric_invocation(original, function_name, account_id, region_name):
        batcher.add("AWS/Lambda", account_id, region_name, "Invocations", _function(function_name))

    def record_cw_metric_error(original, function_name, account_id, region_name):
        batcher.add("AWS/Lambda", account_id, region_name, "Invocations", _function(function_name))
        batcher.add("AWS/Lambda", account_id, region_name, "Errors", _function(function_name))

    return record_cw_metric_invocation, record_cw_metric_error


def counting_in_place() -> bool:
    """Whether the version manager's metric recorders are the counting wrappers."""
    module = sys.modules.get(VERSION_MANAGER)
    recorders = (RECORD_INVOCATION, RECORD_ERROR)
    return module is not None and all(
        hasattr(target.resolve(module), "__subject__") for target in recorders
    )


def start_thread(original, method, *args, name=None, **kwargs):
    """Count an invocation's metric on the invoking thread: a thread of its own
    cost more than the count (starting one waits for a GIL hand-off)."""
    if name and name.startswith(METRIC_THREAD_PREFIX) and not args and counting_in_place():
        method()
        return None  # the version manager keeps no reference to these threads
    return original(method, *args, name=name, **kwargs)


def sqs_wrapper(batcher: MetricBatcher):
    """The wrapper of the SQS provider's per-request metric dispatcher."""

    def dispatch_sqs_metric(
        original, self, account_id, region, queue_name, metric, value=1, unit="Count"
    ):
        if not self.running:
            return
        batcher.add("AWS/SQS", account_id, region, metric, {"QueueName": queue_name}, value, unit)

    return dispatch_sqs_metric


_shared: MetricBatcher | None = None
_shared_lock = threading.Lock()


def shared_batcher() -> MetricBatcher:
    """The process's one batcher, stopped with LocalStack: these speed-ups and the
    AWS/States metrics fix (fixes/sfn_metrics.py) send through it."""
    global _shared
    with _shared_lock:
        if _shared is None:
            from localstack.runtime import events

            _shared = MetricBatcher(stopping=events.infra_stopping)
        return _shared


def install() -> None:
    batcher = shared_batcher()
    record_invocation, record_error = lambda_wrappers(batcher)
    RECORD_INVOCATION.patch(record_invocation)
    RECORD_ERROR.patch(record_error)
    START_THREAD.patch(start_thread)
    DISPATCH_SQS_METRIC.patch(sqs_wrapper(batcher))
