"""The measured workload: executions of the sample's state machine, each timed from
StartExecution to its SNS report observed on a subscribed SQS queue, and each
checked (SUCCEEDED, a well-formed report matching its execution's price and type).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import math
import re
import statistics
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass

from bench.errors import BenchmarkError
from sfnlocal.clients import StackClients
from sfnlocal.waiting import wait_for
from sfnlocal.workflow.reports import subscribe_new_queue

REGION = "us-east-1"
SELL_ABOVE = 50  # the sample's threshold (lambdas/generate_buy_sell_recommendation)
REPORT_TIMEOUT = 120.0
DESCRIBE_TIMEOUT = 30.0
BURST_TIMEOUT = 300.0
MAX_STARTERS = 50
"""Threads starting a burst's executions: a burst this size or smaller is released at
once by a barrier; a larger one starts as fast as these threads' StartExecution calls go."""
CHECKERS = 16
PROGRESS_SECONDS = 5.0
ID = re.compile(r"^[0-9a-f]{32}$")
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def client(endpoint: str, service: str, pool: int = 10):
    return StackClients(endpoint, REGION).client(
        service,
        max_pool_connections=pool,
        retries={"max_attempts": 2, "mode": "standard"},
        read_timeout=60,
        connect_timeout=5,
    )


def expected_type(price: int) -> str:
    return "sell" if price > SELL_ABOVE else "buy"


@dataclass
class Report:
    observed: float  # time.perf_counter() when the benchmark received it
    envelope: dict


class BurstNotFinished(BenchmarkError):
    """A burst's deadline (or the memory cap) passed before every report was observed."""

    def __init__(self, message: str, observed: int, size: int, elapsed: float) -> None:
        super().__init__(message)
        self.observed, self.size, self.elapsed = observed, size, elapsed


class ReportWatcher:
    """Long-polls a queue subscribed to the report topic, in ``receivers`` threads of
    their own (batches of 10), and notes when each SNS message (by MessageId, once:
    a message delivered twice counts once) was first observed."""

    def __init__(self, endpoint: str, topic_arn: str, receivers: int = 1) -> None:
        self.sqs = client(endpoint, "sqs", pool=max(10, receivers + 2))
        self.sns = client(endpoint, "sns")
        self.topic_arn = topic_arn
        self.queue_url, self.subscription_arn = subscribe_new_queue(
            self.sqs, self.sns, topic_arn, f"bench-reports-{uuid.uuid4().hex[:8]}"
        )
        self.reports: dict[str, Report] = {}
        self.errors: list[str] = []
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._run, name=f"report-watcher-{i}", daemon=True)
            for i in range(receivers)
        ]
        for thread in self._threads:
            thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                response = self.sqs.receive_message(
                    QueueUrl=self.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1
                )
            except Exception as error:  # noqa: BLE001 (reported, then retried)
                self.errors.append(f"receive_message: {error}")
                self._stop.wait(0.2)
                continue
            observed = time.perf_counter()
            messages = response.get("Messages", [])
            for message in messages:
                try:
                    envelope = json.loads(message["Body"])
                    message_id = envelope["MessageId"]
                except (ValueError, KeyError, TypeError) as error:
                    self.errors.append(f"not an SNS envelope ({error}): {message['Body']!r:.200}")
                    continue
                with self._changed:
                    self.reports.setdefault(message_id, Report(observed, envelope))
                    self._changed.notify_all()
            if messages:
                with contextlib.suppress(Exception):
                    self.sqs.delete_message_batch(
                        QueueUrl=self.queue_url,
                        Entries=[
                            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                            for i, m in enumerate(messages)
                        ],
                    )

    def count(self) -> int:
        with self._changed:
            return len(self.reports)

    def reached(self, at_least: int, within: float) -> bool:
        """Whether ``at_least`` reports were observed, waiting up to ``within`` s for them."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self.reports) >= at_least, within)

    def _error_note(self) -> str:
        return f" (queue errors: {self.errors[-3:]})" if self.errors else ""

    def close(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(5)
        with contextlib.suppress(Exception):
            self.sns.unsubscribe(SubscriptionArn=self.subscription_arn)
        with contextlib.suppress(Exception):
            self.sqs.delete_queue(QueueUrl=self.queue_url)


class Workload:
    def __init__(self, endpoint: str, outputs: dict, burst_size: int = 50) -> None:
        self.endpoint = endpoint
        self.state_machine_arn = outputs.state_machine_arn
        self.topic_arn = outputs.topic_arn
        starters = min(burst_size, MAX_STARTERS)
        self.sfn = client(endpoint, "stepfunctions", pool=max(10, starters + CHECKERS + 4))
        self.watcher = ReportWatcher(endpoint, self.topic_arn, receivers=4)
        self.checked = 0
        self._checked_lock = threading.Lock()
        self.started = 0  # StartExecution calls answered in the current burst

    def close(self) -> None:
        self.watcher.close()

    # -- one execution ----------------------------------------------------------

    def start(self, price: int) -> tuple[str, float]:
        started = time.perf_counter()
        arn = self.sfn.start_execution(
            stateMachineArn=self.state_machine_arn,
            name=f"bench-{uuid.uuid4().hex}",
            input=json.dumps({"stock_price": price}),
        )["executionArn"]
        return arn, started

    def run_one(self, price: int) -> float:
        """One execution, start to report observed (seconds); checked."""
        before = self.watcher.count()
        arn, started = self.start(price)
        # The report is the last thing the execution does: wait for it, and fail
        # early if the execution ends without one.
        status = {"status": "RUNNING"}

        def reported() -> bool:
            nonlocal status
            if self.watcher.reached(before + 1, 0.5):
                return True
            status = self.sfn.describe_execution(executionArn=arn)
            if status["status"] not in ("RUNNING", "SUCCEEDED"):
                self._fail_execution(arn, status)  # no report will come
            return False

        wait_for(
            reported,
            REPORT_TIMEOUT,
            f"the SNS report of {arn}",
            interval=0,
            describe=lambda _: f"execution {status['status']}" + self.watcher._error_note(),
            error=BenchmarkError,
        )
        message_id = self.check(arn, price)
        return self.watcher.reports[message_id].observed - started

    # -- the burst --------------------------------------------------------------

    def burst(
        self,
        size: int,
        deadline: float = BURST_TIMEOUT,
        progress: Callable[[str], None] | None = None,
        stop_reason: Callable[[], str | None] = lambda: None,
    ) -> dict:
        """``size`` executions started at once; seconds until all SUCCEEDED and all
        reports observed (each execution's report matched by its MessageId).

        Raises :class:`BurstNotFinished` when ``deadline`` seconds pass first, or when
        ``stop_reason()`` gives a reason (a memory cap); ``progress`` gets a line every
        few seconds."""
        prices = [(7 * i + 3) % 100 for i in range(size)]
        before = self.watcher.count()
        starters = min(size, MAX_STARTERS)
        barrier = threading.Barrier(starters)
        answered = itertools.count(1)
        self.started = 0
        started = time.perf_counter()

        def stop_now() -> str | None:
            if time.perf_counter() - started > deadline:
                return f"its deadline of {deadline:.0f} s passed"
            return stop_reason()

        def not_finished(why: str) -> BurstNotFinished:
            observed = self.watcher.count() - before
            return BurstNotFinished(
                f"{size} executions at once: {why} with {observed} of {size} reports observed "
                f"({self.started} started)",
                observed,
                size,
                time.perf_counter() - started,
            )

        def start(indexed: tuple[int, int]) -> tuple[str, float] | None:
            index, price = indexed
            if index < starters:
                barrier.wait(30)
            if stop_now():
                return None
            run = self.start(price)
            self.started = next(answered)
            return run

        last_progress = [started]

        def report_progress() -> None:
            now = time.perf_counter()
            if progress and now - last_progress[0] >= PROGRESS_SECONDS:
                last_progress[0] = now
                progress(
                    f"{now - started:.0f} s: {self.started}/{size} started, "
                    f"{self.watcher.count() - before} reports observed"
                )

        with ThreadPoolExecutor(max_workers=starters) as pool:
            futures = [pool.submit(start, indexed) for indexed in enumerate(prices)]
            pending = set(futures)
            while pending:  # each start gives up once stop_now() says so
                _, pending = wait_futures(pending, timeout=1.0)
                report_progress()
            runs = [f.result() for f in futures]
        all_started = time.perf_counter()
        if any(run is None for run in runs):
            raise not_finished(stop_now() or "stopped")
        started_runs: list[tuple[str, float]] = runs  # type: ignore[assignment]
        mine = {arn for arn, _ in started_runs}
        failed_check = [0.0]

        def fail_fast() -> None:
            if time.perf_counter() - failed_check[0] < 1.0:
                return
            failed_check[0] = time.perf_counter()
            for status in ("FAILED", "TIMED_OUT", "ABORTED"):
                listed = self.sfn.list_executions(
                    stateMachineArn=self.state_machine_arn, statusFilter=status, maxResults=5
                )["executions"]
                bad = [e for e in listed if e["executionArn"] in mine]
                if bad:
                    arn = bad[0]["executionArn"]
                    self._fail_execution(arn, self.sfn.describe_execution(executionArn=arn))

        def all_reported() -> bool:
            if self.watcher.reached(before + size, 1.0):
                return True
            report_progress()
            if why := stop_now():
                raise not_finished(why)
            fail_fast()
            return False

        wait_for(
            all_reported,
            deadline + 10,  # stop_now() says when the deadline passed
            f"the reports of {size} executions started at once",
            interval=0,
            describe=lambda _: f"{self.watcher.count() - before} reports observed",
            error=BenchmarkError,
        )
        last_report = time.perf_counter()
        with ThreadPoolExecutor(max_workers=min(size, CHECKERS)) as pool:
            message_ids = list(
                pool.map(
                    lambda run: self.check(run[0], run[1]),
                    zip([arn for arn, _ in started_runs], prices, strict=True),
                )
            )
        done = time.perf_counter()
        if len(set(message_ids)) != size:
            raise BenchmarkError(
                f"{size} executions at once: {len(set(message_ids))} distinct reports, not {size}"
            )
        latencies = [
            self.watcher.reports[mid].observed - t0
            for mid, (_, t0) in zip(message_ids, started_runs, strict=True)
        ]
        observed_last = max(self.watcher.reports[mid].observed for mid in message_ids)
        return {
            "size": size,
            "starters": starters,
            "all_done_s": done - started,
            "all_reports_observed_s": observed_last - started,
            "start_calls_s": all_started - started,
            "wait_after_last_report_s": done - last_report,
            "latency_p50_s": statistics.median(latencies),
            "latency_max_s": max(latencies),
        }

    # -- correctness ------------------------------------------------------------

    def check(self, arn: str, price: int) -> str:
        """Raises unless the execution SUCCEEDED and its report is right; its MessageId."""
        description = wait_for(
            lambda: (
                (d := self.sfn.describe_execution(executionArn=arn))["status"] != "RUNNING" and d
            ),
            DESCRIBE_TIMEOUT,
            f"execution {arn} to leave RUNNING",
            interval=0.05,
            error=BenchmarkError,
        )
        if description["status"] != "SUCCEEDED":
            self._fail_execution(arn, description)
        try:
            message_id = json.loads(description["output"])["MessageId"]
        except (KeyError, TypeError, ValueError) as error:
            raise BenchmarkError(
                f"execution {arn} SUCCEEDED without an SNS MessageId in its output ({error}): "
                f"{description.get('output')!r:.300}"
            ) from None
        report = self.watcher.reports.get(message_id)
        if report is None:
            wait_for(
                lambda: message_id in self.watcher.reports,
                10,
                f"the SNS report {message_id} of {arn}",
                interval=0.02,
                error=BenchmarkError,
            )
            report = self.watcher.reports[message_id]
        problems = report_problems(report.envelope, price, self.topic_arn)
        if problems:
            raise BenchmarkError(
                f"wrong report for {arn} (stock_price {price}): {'; '.join(problems)}; "
                f"envelope: {json.dumps(report.envelope)[:500]}"
            )
        with self._checked_lock:
            self.checked += 1
        return message_id

    def _fail_execution(self, arn: str, description: dict) -> None:
        raise BenchmarkError(
            f"execution {arn} ended {description['status']}, not SUCCEEDED: "
            f"error={description.get('error')!r} cause={str(description.get('cause'))[:300]!r}"
        )


def report_problems(envelope: dict, price: int, topic_arn: str) -> list[str]:
    """What is wrong with an SNS envelope for an execution with ``stock_price`` price."""
    problems = []
    if envelope.get("TopicArn") != topic_arn:
        problems.append(f"TopicArn {envelope.get('TopicArn')!r} is not {topic_arn!r}")
    try:
        message = json.loads(envelope["Message"])
        trade = message["Input"]
    except (KeyError, TypeError, ValueError) as error:
        return [*problems, f"Message is not JSON with an Input object ({error})"]
    if not isinstance(trade, dict):
        return [*problems, f"Input is {type(trade).__name__}, not an object"]
    if set(trade) != {"id", "price", "type", "qty", "timestamp"}:
        problems.append(f"Input has keys {sorted(trade)}")
    if not ID.match(str(trade.get("id", ""))):
        problems.append(f"id {trade.get('id')!r} is not 32 hex digits")
    if trade.get("price") != str(price):
        problems.append(f"price {trade.get('price')!r} is not {str(price)!r}")
    if trade.get("type") != expected_type(price):
        problems.append(f"type {trade.get('type')!r} is not {expected_type(price)!r}")
    qty = trade.get("qty")
    if not (isinstance(qty, str) and qty.isdigit() and 1 <= int(qty) <= 10):
        problems.append(f"qty {qty!r} is not a string of 1 to 10")
    if not TIMESTAMP.match(str(trade.get("timestamp", ""))):
        problems.append(f"timestamp {trade.get('timestamp')!r} is not ISO-8601 UTC with ms")
    return problems


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]
