"""Progress lines: one per resource, saying whether it was created, updated or left unchanged."""

from __future__ import annotations

import enum
from collections.abc import Callable


class Change(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


Printer = Callable[[str], None]


class Progress:
    """Formats and prints progress lines, and remembers what changed."""

    def __init__(self, printer: Printer = print) -> None:
        self._print = printer
        self.changes: list[tuple[Change, str, str]] = []

    def info(self, message: str) -> None:
        self._print(message)

    def __call__(self, change: Change, kind: str, name: str, detail: str = "") -> None:
        self.changes.append((change, kind, name))
        line = f"{change.value:<9} {kind:<21} {name}"
        self._print(f"{line}  ({detail})" if detail else line)
