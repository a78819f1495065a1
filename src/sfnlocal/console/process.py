"""The console as a background process of this checkout: started by
``sfnlocal up`` (or ``sfnlocal console``), stopped by ``sfnlocal down``.

Its pid and URL are kept in the stack's state folder, its log beside the engine's.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass

from tenacity import RetryError, retry, retry_if_result, stop_after_delay, wait_fixed

from sfnlocal.engine import processes
from sfnlocal.engine.ports import ensure_port_free
from sfnlocal.engine.settings import EngineSettings
from sfnlocal.errors import UserError
from sfnlocal.workflow.graph import dot_program

from .settings import ConsoleSettings

START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


def answers(url: str) -> bool:
    """Does the sfnlocal console answer at ``url``?"""
    try:
        with urllib.request.urlopen(f"{url}healthz", timeout=2) as response:  # noqa: S310
            return json.load(response).get("console") == "sfnlocal"
    except (OSError, ValueError):
        return False


@dataclass
class ConsoleProcess:
    engine: EngineSettings
    console: ConsoleSettings

    @property
    def _record(self):
        return self.engine.state_dir / "console.json"

    @property
    def log_file(self):
        return self.engine.state_dir / "logs" / "console.log"

    def running(self) -> tuple[int, str] | None:
        """(pid, URL) of this checkout's console, if it runs."""
        try:
            record = json.loads(self._record.read_text())
            pid, url = int(record["pid"]), str(record["url"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return (pid, url) if processes.is_alive(pid) else None

    def start(self, timeout: float = START_TIMEOUT) -> str:
        """Starts the console unless it runs; returns its URL. Raises UserError."""
        if found := self.running():
            return found[1]
        dot_program()  # the console lays out its graph with it: say so now, not on a page
        ensure_port_free(
            self.console.port, variable="CONSOLE_PORT", what="another console or web server"
        )
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "CONSOLE_PORT": str(self.console.port)}
        env["LOCALSTACK_PORT"] = str(self.engine.port)
        env["DEPLOY_PREFIX"] = self.engine.prefix
        with self.log_file.open("ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "sfnlocal.console"],
                cwd=self.engine.repo_root,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # not killed by the terminal's Ctrl-C
            )
        self._record.write_text(json.dumps({"pid": process.pid, "url": self.console.url}))

        def not_yet() -> bool:
            return process.poll() is None and not answers(self.console.url)

        with contextlib.suppress(RetryError):  # whether it answers is checked just below
            retry(
                retry=retry_if_result(bool), stop=stop_after_delay(timeout), wait=wait_fixed(0.2)
            )(not_yet)()
        if not answers(self.console.url):
            self.stop()
            raise UserError(
                f"the console did not answer at {self.console.url} within {timeout:.0f} s "
                "(waited for its /healthz)",
                f"read its log ({self.log_file})",
                details=self._log_tail(),
            )
        return self.console.url

    def stop(self, timeout: float = STOP_TIMEOUT) -> bool:
        """Stops this checkout's console; False if none ran."""
        found = self.running()
        self._record.unlink(missing_ok=True)
        if not found:
            return False
        pid = found[0]
        processes.kill([pid], signal.SIGTERM)

        def alive() -> bool:
            return processes.is_alive(pid)

        try:
            retry(
                retry=retry_if_result(bool), stop=stop_after_delay(timeout), wait=wait_fixed(0.1)
            )(alive)()
        except RetryError:
            processes.kill([pid], signal.SIGKILL)
        return True

    def _log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_file.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join([f"--- last lines of {self.log_file}", *text[-lines:]])
