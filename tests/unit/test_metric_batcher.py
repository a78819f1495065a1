"""Lambda's and SQS's CloudWatch metrics, counted and sent in batches (metrics_batching)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from sfnlocal.in_localstack.speedups import metrics_batching
from sfnlocal.in_localstack.speedups.metrics_batching import MetricBatcher

FLUSHED_AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
DEADLINE = 10


class Sent(list):
    """The PutMetricData requests a batcher sent: (namespace, account, region, data)."""

    def __call__(self, namespace, account_id, region, data):
        self.append((namespace, account_id, region, data))


def batcher(sent: Sent, enabled: bool = True, **kwargs) -> MetricBatcher:
    return MetricBatcher(
        stopping=kwargs.pop("stopping", threading.Event()),
        send=sent,
        enabled=lambda: enabled,
        interval=kwargs.pop("interval", 3600),
        clock=lambda: FLUSHED_AT,
    )


def test_data_points_are_sent_as_values_with_counts():
    # GIVEN three invocations of one function, one of them failing
    sent = Sent()
    metrics = batcher(sent)
    for _ in range(3):
        metrics.add("AWS/Lambda", "000000000000", "us-east-1", "Invocations", {"FunctionName": "f"})
    metrics.add("AWS/Lambda", "000000000000", "us-east-1", "Errors", {"FunctionName": "f"})

    # WHEN they are flushed
    metrics.flush()

    # THEN one request carries both metrics, each value with how often it came
    assert sent == [
        (
            "AWS/Lambda",
            "000000000000",
            "us-east-1",
            [
                {
                    "MetricName": "Invocations",
                    "Dimensions": [{"Name": "FunctionName", "Value": "f"}],
                    "Timestamp": FLUSHED_AT,
                    "Values": [1],
                    "Counts": [3.0],
                },
                {
                    "MetricName": "Errors",
                    "Dimensions": [{"Name": "FunctionName", "Value": "f"}],
                    "Timestamp": FLUSHED_AT,
                    "Values": [1],
                    "Counts": [1.0],
                },
            ],
        )
    ]


def test_each_account_and_region_gets_its_own_request_and_units_are_kept():
    sent = Sent()
    metrics = batcher(sent)
    metrics.add("AWS/SQS", "111111111111", "eu-west-1", "NumberOfMessagesSent", {"QueueName": "q"})
    metrics.add(
        "AWS/SQS", "000000000000", "us-east-1", "SentMessageSize", {"QueueName": "q"}, 512, "Bytes"
    )
    metrics.add(
        "AWS/SQS", "000000000000", "us-east-1", "SentMessageSize", {"QueueName": "q"}, 64, "Bytes"
    )

    metrics.flush()

    by_account = {account: data for _, account, _, data in sent}
    assert [region for _, _, region, _ in sent] == ["eu-west-1", "us-east-1"]
    (size,) = by_account["000000000000"]
    assert (size["Values"], size["Counts"], size["Unit"]) == ([512, 64], [1.0, 1.0], "Bytes")
    assert "Unit" not in by_account["111111111111"][0]


def test_a_flush_sends_at_most_a_batch_per_request():
    sent = Sent()
    metrics = batcher(sent)
    for number in range(metrics_batching.BATCH + 1):
        metrics.add(
            "AWS/Lambda", "000000000000", "us-east-1", "Invocations", {"FunctionName": f"f{number}"}
        )

    metrics.flush()

    assert [len(data) for *_, data in sent] == [metrics_batching.BATCH, 1]


def test_each_point_is_sent_once():
    sent = Sent()
    metrics = batcher(sent)
    metrics.add("AWS/Lambda", "000000000000", "us-east-1", "Invocations", {"FunctionName": "f"})

    metrics.flush()
    metrics.flush()

    assert len(sent) == 1


def test_nothing_is_sent_while_cloudwatch_is_off():
    sent = Sent()
    metrics = batcher(sent, enabled=False)
    metrics.add("AWS/Lambda", "000000000000", "us-east-1", "Invocations", {"FunctionName": "f"})

    metrics.flush()

    assert sent == []


def test_the_flushing_thread_sends_what_is_left_and_ends_when_localstack_stops():
    # GIVEN a batcher whose thread flushes only every hour, holding one point
    sent, stopping = Sent(), threading.Event()
    metrics = batcher(sent, stopping=stopping)
    metrics.add("AWS/Lambda", "000000000000", "us-east-1", "Invocations", {"FunctionName": "f"})

    # WHEN LocalStack stops
    stopping.set()
    metrics.thread.join(DEADLINE)

    # THEN the thread sent the point and ended
    assert not metrics.thread.is_alive()
    assert len(sent) == 1


def test_the_lambda_wrappers_count_instead_of_calling_localstack():
    sent = Sent()
    metrics = batcher(sent)
    record_invocation, record_error = metrics_batching.lambda_wrappers(metrics)

    def original(*args):
        raise AssertionError("LocalStack's per-invocation request was sent")

    record_invocation(original, "f", "000000000000", "us-east-1")
    record_error(original, "f", "000000000000", "us-east-1")
    metrics.flush()

    (_, _, _, data) = sent[0]
    assert {datum["MetricName"]: datum["Counts"] for datum in data} == {
        "Invocations": [2.0],
        "Errors": [1.0],
    }


def fake_version_manager(monkeypatch, counting: bool) -> None:
    """The version manager's module, its metric recorders the counting wrappers or not."""
    import sys
    import types

    def recorder(*args):
        return None

    if counting:
        recorder.__subject__ = recorder
    module = types.ModuleType(metrics_batching.VERSION_MANAGER)
    module.record_cw_metric_invocation = module.record_cw_metric_error = recorder
    monkeypatch.setitem(sys.modules, metrics_batching.VERSION_MANAGER, module)


def original_start_thread(method, *args, name=None, **kwargs):
    return ("thread", name)


def test_a_counted_metric_runs_on_the_invoking_thread(monkeypatch):
    # GIVEN the version manager's recorders replaced by the counting wrappers
    fake_version_manager(monkeypatch, counting=True)
    calls = []
    # WHEN it starts the thread that records an invocation's metric
    started = metrics_batching.start_thread(
        original_start_thread, lambda: calls.append("counted"), name="record-cloudwatch-metric-f:1"
    )
    # THEN the count runs at once, in place, and no thread is started
    assert (calls, started) == (["counted"], None)


def test_other_threads_and_uncounted_metrics_still_get_a_thread(monkeypatch):
    # GIVEN LocalStack's own recorders (the counting wrappers not installed)
    fake_version_manager(monkeypatch, counting=False)

    def method():
        raise AssertionError("ran in place")

    # WHEN it starts a metric thread, and another of its threads
    metric = metrics_batching.start_thread(
        original_start_thread, method, name="record-cloudwatch-metric-f:1"
    )
    fake_version_manager(monkeypatch, counting=True)
    other = metrics_batching.start_thread(original_start_thread, method, name="scale-environments")
    # THEN both go to LocalStack's start_thread
    assert metric == ("thread", "record-cloudwatch-metric-f:1")
    assert other == ("thread", "scale-environments")
