"""Process-tree helpers (Linux /proc): the engine's Lambda runtimes run in
sessions of their own, so stopping the engine's process group alone would
leave them behind."""

from __future__ import annotations

import contextlib
import os
import signal
from pathlib import Path

from sfnlocal.waiting import WaitTimeout, wait_for


def _parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may contain spaces; fields after ')' are fixed.
    return int(stat.rsplit(")", 1)[1].split()[1])


def descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (parent := _parent_of(int(entry.name))) is not None:
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        status = dict(
            line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
        )
    except (OSError, ValueError):
        return False
    # A zombie leader whose other threads still run still holds its sockets and files.
    return not status["State"].strip().startswith("Z") or int(status["Threads"]) > 1


def kill(pids: list[int], sig: signal.Signals) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)


def wait_gone(pids: list[int], timeout: float, interval: float = 0.05) -> bool:
    """Waits until none of ``pids`` is alive; False when some still are after ``timeout`` s."""
    try:
        wait_for(
            lambda: not any(is_alive(pid) for pid in pids),
            timeout,
            f"processes {pids} to end",
            interval,
        )
    except WaitTimeout:
        return False
    return True
