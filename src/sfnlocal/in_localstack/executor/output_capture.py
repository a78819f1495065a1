"""Collects a runtime process's combined stdout and stderr, line by line.

The runtime writes unbuffered, so whatever the handler printed is already in
the pipe when its response reaches the Runtime API. :meth:`drain` reads it
without blocking at that moment; a background thread reads the rest.
"""

from __future__ import annotations

import os
import select
import threading
from collections.abc import Callable

MAX_KEPT_LINES = 10_000


class OutputCapture:
    def __init__(self, fd: int, rewrite: Callable[[str], str] = str) -> None:
        self._fd = fd
        self._rewrite = rewrite  # applied to every line (the code folder's path, say)
        os.set_blocking(fd, False)
        self._lock = threading.Lock()
        self._lines: list[str] = []
        self._partial = b""
        self._dropped = 0  # lines dropped from the front to bound memory
        self._closed = False
        self._thread = threading.Thread(target=self._pump, name="lambda-output", daemon=True)
        self._thread.start()

    def mark(self) -> int:
        """A position to later read from with :meth:`since`."""
        self.drain()
        with self._lock:
            return self._dropped + len(self._lines)

    def since(self, position: int) -> list[str]:
        """Lines written since ``position``, including an unterminated last one."""
        self.drain()
        with self._lock:
            start = max(position - self._dropped, 0)
            lines = self._lines[start:]
            if self._partial:
                lines = [*lines, self._rewrite(self._partial.decode(errors="replace"))]
            return lines

    def text(self) -> str:
        return "\n".join(self.since(0))

    def drain(self) -> None:
        with self._lock:
            if self._closed:
                return
            while True:
                try:
                    chunk = os.read(self._fd, 65536)
                except BlockingIOError:
                    return
                except OSError:
                    chunk = b""
                if not chunk:
                    self._close_locked()
                    return
                self._append_locked(chunk)

    def _append_locked(self, chunk: bytes) -> None:
        *complete, self._partial = (self._partial + chunk).split(b"\n")
        self._lines.extend(self._rewrite(line.decode(errors="replace")) for line in complete)
        excess = len(self._lines) - MAX_KEPT_LINES
        if excess > 0:
            del self._lines[:excess]
            self._dropped += excess

    def _close_locked(self) -> None:
        if self._partial:
            self._lines.append(self._rewrite(self._partial.decode(errors="replace")))
            self._partial = b""
        self._closed = True
        os.close(self._fd)

    def _pump(self) -> None:
        while not self._closed:
            try:
                select.select([self._fd], [], [], 0.5)
            except (OSError, ValueError):
                return
            self.drain()
