"""Process trees (Linux /proc): their memory, and ending them."""

from __future__ import annotations

import contextlib
import os
import signal
from dataclasses import dataclass
from pathlib import Path

from sfnlocal.engine import processes

MIB = 1024 * 1024


@dataclass(frozen=True)
class TreeMemory:
    processes: int
    rss_bytes: int  # sum of each process's VmRSS (shared pages counted in each)
    pss_bytes: int  # proportional set size: shared pages split between their users
    root_rss_bytes: int  # the engine's own process, without its children

    def as_dict(self) -> dict:
        return {
            "processes": self.processes,
            "rss_mib": round(self.rss_bytes / MIB, 1),
            "pss_mib": round(self.pss_bytes / MIB, 1),
            "engine_process_rss_mib": round(self.root_rss_bytes / MIB, 1),
        }


def tree(root: int) -> list[int]:
    return [root, *processes.descendants(root)] if processes.is_alive(root) else []


def _kib_field(path: Path, name: str) -> int:
    with contextlib.suppress(OSError, ValueError):
        for line in path.read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1]) * 1024
    return 0


def tree_memory(root: int) -> TreeMemory:
    pids = tree(root)
    rss = sum(_kib_field(Path(f"/proc/{pid}/status"), "VmRSS") for pid in pids)
    pss = sum(_kib_field(Path(f"/proc/{pid}/smaps_rollup"), "Pss") for pid in pids)
    root_rss = _kib_field(Path(f"/proc/{root}/status"), "VmRSS") if pids else 0
    return TreeMemory(len(pids), rss, pss, root_rss)


def largest_rss_bytes(root: int) -> int:
    """The VmRSS of the largest process in ``root``'s tree."""
    return max((_kib_field(Path(f"/proc/{pid}/status"), "VmRSS") for pid in tree(root)), default=0)


def end_tree(root: int, grace: float = 10.0) -> None:
    """SIGTERM a process tree (and its process groups), then SIGKILL what is left."""
    pids = tree(root)
    if not pids:
        return
    groups = {g for pid in pids if (g := _pgid(pid)) is not None and g != os.getpgid(0)}
    for group in groups:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(group, signal.SIGTERM)
    processes.kill(pids, signal.SIGTERM)
    processes.wait_gone(pids, grace)
    left = [p for p in {*pids, *processes.descendants(root)} if processes.is_alive(p)]
    processes.kill(left, signal.SIGKILL)
    processes.wait_gone(left, 5)


def _pgid(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except (ProcessLookupError, PermissionError):
        return None
