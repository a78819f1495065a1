"""Waiting Lambda logs of one stream merged into one PutLogEvents (speedups/lambda_logs)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from sfnlocal.in_localstack.speedups import lambda_logs
from sfnlocal.in_localstack.speedups.lambda_logs import MergingLogQueue


@dataclass(frozen=True)
class LogItem:  # the shape of LocalStack's lambda_.invocation.logs.LogItem
    log_group: str
    log_stream: str
    logs: str


class ShutdownPill:
    pass


def item(stream: str, logs: str, group: str = "/aws/lambda/f") -> LogItem:
    return LogItem(group, stream, logs)


def queued(*items) -> MergingLogQueue:
    log_queue = MergingLogQueue()
    for each in items:
        log_queue.put(each)
    return log_queue


def drain(log_queue: MergingLogQueue) -> list:
    taken = []
    while not log_queue.empty():
        taken.append(log_queue.get_nowait())
    return taken


def test_a_lone_log_goes_out_as_it_came():
    first = item("a", "START\nEND\n")
    assert drain(queued(first)) == [first]


def test_waiting_logs_of_one_stream_go_out_as_one_in_their_order():
    # GIVEN three invocations' logs waiting, two streams interleaved
    log_queue = queued(item("a", "one\n"), item("b", "two\n"), item("a", "three\n"))
    # WHEN the handler takes them
    taken = drain(log_queue)
    # THEN stream a's two go out together, in order, and stream b's after them
    assert taken == [item("a", "one\n\nthree\n"), item("b", "two\n")]


def test_every_line_is_sent_once_whatever_the_mix():
    # GIVEN 300 logs over three streams and two groups
    logs = [item(f"s{i % 3}", f"line {i}\n", group=f"/aws/lambda/f{i % 2}") for i in range(300)]
    # WHEN the handler takes all of them
    taken = drain(queued(*logs))
    # THEN each line is there once, in its own group and stream, in the order it came
    sent = {}
    for merged in taken:
        key = (merged.log_group, merged.log_stream)
        sent.setdefault(key, []).extend(line for line in merged.logs.split("\n") if line)
    expected = {}
    for log in logs:
        expected.setdefault((log.log_group, log.log_stream), []).append(log.logs.strip())
    assert sent == expected
    assert len(taken) == 6


def test_the_shutdown_pill_keeps_its_place():
    # GIVEN logs before and after the handler's shutdown pill
    pill = ShutdownPill()
    log_queue = queued(item("a", "before\n"), pill, item("a", "after\n"))
    # THEN nothing after the pill is merged into what comes before it
    assert drain(log_queue) == [item("a", "before\n"), pill, item("a", "after\n")]


def test_a_request_stays_within_put_log_events_limits(monkeypatch):
    # GIVEN limits of 5 events per request, and four logs of two lines each
    monkeypatch.setattr(lambda_logs, "MAX_EVENTS", 5)
    log_queue = queued(*(item("a", f"{i}a\n{i}b\n") for i in range(4)))
    # WHEN the handler takes them
    taken = drain(log_queue)
    # THEN no request has more than 5 events, and none is lost or reordered
    events = [[line for line in merged.logs.split("\n") if line] for merged in taken]
    assert all(len(batch) <= 5 for batch in events)
    assert [line for batch in events for line in batch] == [
        f"{i}{part}" for i in range(4) for part in "ab"
    ]


def test_the_byte_limit_counts_each_events_overhead():
    assert lambda_logs.size("héllo\n\nworld") == (2, (6 + 1 + 26) + (5 + 1 + 26))


def test_the_first_log_goes_out_at_once():
    # GIVEN a handler's queue that would linger 30 s, and its first log
    log_queue = MergingLogQueue(linger=30)
    log_queue.put(item("a", "first\n"))
    # WHEN the handler takes it
    started = time.monotonic()
    taken = log_queue.get()
    # THEN it comes without the wait
    assert taken == item("a", "first\n")
    assert time.monotonic() - started < 5


def test_a_blocking_get_waits_a_moment_to_send_what_arrives_meanwhile_together():
    # GIVEN a handler's queue that lingers 1 s, past its first log, and one log in it
    # (the other log comes 50 ms into that second: a busy machine may delay it a lot)
    log_queue = MergingLogQueue(linger=1.0)
    log_queue.put(item("a", "first\n"))
    log_queue.get()
    log_queue.put(item("a", "first\n"))
    # WHEN another log of the stream arrives while the handler waits
    threading.Timer(0.05, lambda: log_queue.put(item("a", "second\n"))).start()
    started = time.monotonic()
    taken = log_queue.get()
    # THEN both go out as one, after the linger, not before
    assert taken == item("a", "first\n\nsecond\n")
    assert time.monotonic() - started >= 1.0


def test_the_shutdown_pill_ends_the_wait_at_once():
    # GIVEN a queue that would linger 30 s, a log and the shutdown pill in it
    log_queue = MergingLogQueue(linger=30)
    log_queue.put(item("a", "first\n"))
    log_queue.get()
    pill = ShutdownPill()
    log_queue.put(item("a", "last\n"))
    log_queue.put(pill)
    # WHEN the handler takes them
    started = time.monotonic()
    taken = [log_queue.get(), log_queue.get()]
    # THEN the log and then the pill come without the wait
    assert taken == [item("a", "last\n"), pill]
    assert time.monotonic() - started < 5
