"""Where the console listens: always the loopback address, on CONSOLE_PORT."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from sfnlocal.engine.settings import LOCALHOST

DEFAULT_PORT = 8566


@dataclass(frozen=True)
class ConsoleSettings:
    port: int = field(default_factory=lambda: int(os.environ.get("CONSOLE_PORT") or DEFAULT_PORT))
    host: str = LOCALHOST

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"
