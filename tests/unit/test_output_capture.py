"""What a runtime process prints reaches the invocation's log: line by line, from a mark."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from sfnlocal.in_localstack.executor import output_capture
from sfnlocal.in_localstack.executor.output_capture import OutputCapture

CLOSED_BY_THE_TEST: set[int] = set()


def close(fd: int) -> None:
    """Closes the pipe's write end for a test; the fixture then leaves that number alone
    (by the end of the test it may be another file's, opened meanwhile)."""
    os.close(fd)
    CLOSED_BY_THE_TEST.add(fd)


@pytest.fixture
def pipe() -> Iterator[tuple[OutputCapture, int]]:
    read_end, write_end = os.pipe()
    capture = OutputCapture(read_end)
    yield capture, write_end
    if write_end in CLOSED_BY_THE_TEST:
        CLOSED_BY_THE_TEST.discard(write_end)
    else:
        os.close(write_end)


def write(fd: int, text: str) -> None:
    os.write(fd, text.encode())


def test_lines_since_a_mark_are_those_printed_after_it(pipe):
    capture, fd = pipe
    write(fd, "init line\n")
    position = capture.mark()

    write(fd, "START\nhandler output\n")

    assert capture.since(position) == ["START", "handler output"]


def test_an_unterminated_last_line_is_read_too(pipe):
    capture, fd = pipe
    write(fd, "done\nno newline yet")

    assert capture.since(0) == ["done", "no newline yet"]


def test_everything_is_kept_once_the_process_closes_its_output(pipe):
    capture, fd = pipe
    write(fd, "one\ntwo\nlast, unterminated")
    close(fd)

    assert capture.text() == "one\ntwo\nlast, unterminated"
    assert capture.since(1) == ["two", "last, unterminated"]


def test_undecodable_bytes_do_not_lose_the_line(pipe):
    capture, fd = pipe
    os.write(fd, b"price \xff\n")

    assert capture.since(0) == ["price \ufffd"]


def test_old_lines_are_dropped_beyond_the_bound_and_marks_stay_right(pipe, monkeypatch):
    monkeypatch.setattr(output_capture, "MAX_KEPT_LINES", 3)
    capture, fd = pipe
    write(fd, "1\n2\n")
    position = capture.mark()

    write(fd, "3\n4\n5\n")

    assert capture.since(0) == ["3", "4", "5"]
    assert capture.since(position) == ["3", "4", "5"]
    assert capture.since(capture.mark()) == []
