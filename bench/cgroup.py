"""A container's memory from its cgroup (Linux, cgroup v1 or v2), as ``docker stats`` shows it.

``docker stats`` shows the cgroup's usage minus its inactive page cache
(v1: ``memory.usage_in_bytes`` - ``total_inactive_file``; v2: ``memory.current``
- ``inactive_file``); the peak is ``memory.max_usage_in_bytes`` (v1) or
``memory.peak`` (v2, Linux 5.19+). Read from the files rather than from
``docker stats`` itself, which takes about 2 s per call (it waits for two samples).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

MIB = 1024 * 1024
CGROUP_ROOT = Path("/sys/fs/cgroup")


@dataclass(frozen=True)
class CgroupMemory:
    version: int
    usage_bytes: int  # memory.usage_in_bytes (v1) / memory.current (v2): page cache included
    inactive_file_bytes: int
    peak_bytes: int | None  # since the cgroup was made

    @property
    def docker_stats_bytes(self) -> int:
        return max(0, self.usage_bytes - self.inactive_file_bytes)

    def as_dict(self) -> dict:
        return {
            "cgroup_version": self.version,
            "docker_stats_mib": round(self.docker_stats_bytes / MIB, 1),
            "cgroup_usage_mib": round(self.usage_bytes / MIB, 1),
            "cgroup_peak_mib": None if self.peak_bytes is None else round(self.peak_bytes / MIB, 1),
        }


def memory_cgroup(proc_cgroup: str) -> tuple[int, str] | None:
    """(version, path) of the memory cgroup in a ``/proc/<pid>/cgroup`` text."""
    unified = None
    for line in proc_cgroup.splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        _, controllers, path = parts
        if "memory" in controllers.split(","):
            return 1, path
        if controllers == "" and parts[0] == "0":
            unified = path
    return (2, unified) if unified is not None else None


def parse_stat(text: str) -> dict[str, int]:
    """``memory.stat``: one ``name value`` a line."""
    found = {}
    for line in text.splitlines():
        name, _, value = line.partition(" ")
        with contextlib.suppress(ValueError):
            found[name] = int(value)
    return found


def _read_int(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def cgroup_memory(pid: int, root: Path = CGROUP_ROOT) -> CgroupMemory | None:
    """The memory of ``pid``'s cgroup, None when it cannot be read."""
    try:
        found = memory_cgroup(Path(f"/proc/{pid}/cgroup").read_text())
    except OSError:
        return None
    if found is None:
        return None
    version, path = found
    return memory_in((root / "memory" if version == 1 else root) / path.lstrip("/"), version)


def memory_in(folder: Path, version: int) -> CgroupMemory | None:
    """The memory of the cgroup whose files are in ``folder``."""
    usage_file, peak_file, inactive = (
        ("memory.usage_in_bytes", "memory.max_usage_in_bytes", "total_inactive_file")
        if version == 1
        else ("memory.current", "memory.peak", "inactive_file")
    )
    usage = _read_int(folder / usage_file)
    if usage is None:
        return None
    try:
        stat = parse_stat((folder / "memory.stat").read_text())
    except OSError:
        stat = {}
    return CgroupMemory(version, usage, stat.get(inactive, 0), _read_int(folder / peak_file))
