"""The running stack's record: its kind, endpoint, port, region and prefix.

``make up`` writes it to the checkout's state folder (``.localstack/stack.json``,
ignored by git) before the stack starts; every later command and make target
reads it, so a stack started with ``LOCALSTACK_PORT=4620 make up`` is found on
4620 without exporting the variable again. ``make down`` removes it. An
explicit ``LOCALSTACK_PORT`` (or ``--endpoint``) still wins over it.

Standard library only: the settings read it before anything else is imported.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path

from sfnlocal.files import write_json_atomically

RECORD_FILE = "stack.json"


class StackMode(StrEnum):
    EMBEDDED = "embedded"
    CONTAINER = "container"


@dataclass(frozen=True)
class StackRecord:
    kind: StackMode
    endpoint: str
    port: int
    region: str
    prefix: str

    @classmethod
    def read(cls, path: Path) -> StackRecord | None:
        """The record at ``path``; None when there is none, or it is not one."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            return cls(
                kind=StackMode(data["kind"]),
                endpoint=str(data["endpoint"]),
                port=int(data["port"]),
                region=str(data["region"]),
                prefix=str(data["prefix"]),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def write(self, path: Path) -> None:
        """Written atomically: a command reading it never sees half a record."""
        write_json_atomically(path, {**asdict(self), "kind": self.kind.value})
