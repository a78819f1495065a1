"""GetMetricStatistics answers each data point with every statistic asked for, computed
over the same values, also while values are being put (fixes/metric_statistics_snapshot.py)."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest

pytestmark = pytest.mark.integration

NAMESPACE = "sfnlocal/tests"
READS = 150
VALUES_PER_PUT = 20
WRITER_TIMEOUT = 30


def test_each_data_point_has_every_statistic_over_the_same_values(cloudwatch):
    # GIVEN a metric whose values are all 1, put 20 at a time by another thread meanwhile
    metric = f"consistency-{uuid.uuid4().hex[:8]}"
    stop = threading.Event()
    put_errors: list[Exception] = []

    def put_ones() -> None:
        while not stop.is_set():
            try:
                cloudwatch.put_metric_data(
                    Namespace=NAMESPACE,
                    MetricData=[{"MetricName": metric, "Value": 1.0}] * VALUES_PER_PUT,
                )
            except Exception as error:  # reported by the test below
                put_errors.append(error)
                return

    writer = threading.Thread(target=put_ones, daemon=True)
    writer.start()

    # WHEN its statistics are read again and again
    inconsistent = []
    try:
        for _ in range(READS):
            now = datetime.now(UTC)
            points = cloudwatch.get_metric_statistics(
                Namespace=NAMESPACE,
                MetricName=metric,
                StartTime=now - timedelta(hours=1),
                EndTime=now + timedelta(hours=1),
                Period=7200,
                Statistics=["Sum", "SampleCount", "Minimum"],
            )["Datapoints"]
            for point in points:
                complete = {"Sum", "SampleCount", "Minimum"} <= point.keys()
                if not complete or point["Sum"] != point["SampleCount"] or point["Minimum"] != 1:
                    inconsistent.append(point)
    finally:
        stop.set()
        writer.join(WRITER_TIMEOUT)

    # THEN every data point had all three, its Sum equal to its count of ones
    assert not writer.is_alive(), f"the writer did not stop within {WRITER_TIMEOUT} s"
    assert put_errors == []
    assert inconsistent == [], f"{len(inconsistent)} inconsistent data points: {inconsistent[:3]}"
