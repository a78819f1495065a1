"""GetMetricStatistics answers from one state of the metrics: each data point carries
every statistic asked for.

AWS: "Datapoints: the data points for the specified metric", each with the
statistics the request names (``Statistics``), computed over the same values
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricStatistics.html).

LocalStack 2026.3.0 (``cloudwatch/provider_v2.py``) runs one database query per
statistic. Values put between two of them give a data point that has some
statistics and lacks the others: seen in CI on the container stack, an
``AWS/States`` data point with ``SampleCount`` and no ``Sum`` while the first
values of the metric arrived (``tests/integration/parity/test_metrics.py``).
This holds the database's own lock (a reentrant one, which each query takes too)
for the whole call, so that values are put before it or after it.
"""

from __future__ import annotations

from sfnlocal.in_localstack.patching import Target

TARGET = Target(
    "localstack.services.cloudwatch.provider_v2",
    "CloudwatchProvider.get_metric_statistics",
    "(self, context: localstack.aws.api.core.RequestContext, namespace: str, metric_name: str,"
    " start_time: datetime.datetime, end_time: datetime.datetime, period: int,"
    " dimensions: list[localstack.aws.api.cloudwatch.Dimension] = None,"
    " statistics: list[localstack.aws.api.cloudwatch.Statistic] = None,"
    " extended_statistics: list[str] = None,"
    " unit: localstack.aws.api.cloudwatch.StandardUnit = None, **kwargs)"
    " -> localstack.aws.api.cloudwatch.GetMetricStatisticsOutput",
)


def under_the_database_lock(original, self, *args, **kwargs):
    with self.cloudwatch_database.DATABASE_LOCK:
        return original(self, *args, **kwargs)


def install() -> None:
    TARGET.patch(under_the_database_lock)
