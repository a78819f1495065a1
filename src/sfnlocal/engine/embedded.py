"""The embedded engine: LocalStack as a background process on the host."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from dataclasses import dataclass

from sfnlocal.engine import processes
from sfnlocal.engine.health import wait_until_ready
from sfnlocal.engine.ports import ensure_port_free
from sfnlocal.engine.readiness import Readiness, probe
from sfnlocal.engine.settings import EngineSettings, clean_environment
from sfnlocal.errors import UserError

START_TIMEOUT = float(os.environ.get("READY_TIMEOUT", "180"))
STOP_TIMEOUT = 20.0
LOG_TAIL_LINES = 40


@dataclass(frozen=True)
class EngineStatus:
    running: bool
    pid: int | None
    endpoint: str
    readiness: Readiness | None

    def describe(self) -> str:
        if not self.running:
            return f"embedded engine: not running (endpoint {self.endpoint})"
        state = "ready" if self.readiness and self.readiness.ready else "starting or unhealthy"
        detail = f" ({self.readiness.detail})" if self.readiness and self.readiness.detail else ""
        return f"embedded engine: running, pid {self.pid}, {self.endpoint}, {state}{detail}"


class EmbeddedEngine:
    def __init__(self, settings: EngineSettings | None = None) -> None:
        self.settings = settings or EngineSettings()

    # -- queries --------------------------------------------------------------

    def pid(self) -> int | None:
        try:
            pid = int(self.settings.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        return pid if processes.is_alive(pid) else None

    def status(self) -> EngineStatus:
        pid = self.pid()
        readiness = probe(self.settings.endpoint) if pid else None
        return EngineStatus(pid is not None, pid, self.settings.endpoint, readiness)

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        try:
            text = self.settings.log_file.read_text(errors="replace").splitlines()
        except OSError:
            return "(no log yet)"
        return "\n".join(["--- last lines of " + str(self.settings.log_file), *text[-lines:]])

    # -- start ------------------------------------------------------------------

    def start(self, timeout: float = START_TIMEOUT) -> EngineStatus:
        s = self.settings
        if self.pid():
            wait_until_ready(s.endpoint, timeout, on_failure=self.log_tail)
            return self.status()
        self._check_installed()
        ensure_port_free(self.settings.port)
        self._prepare_state_dir()
        env = {**clean_environment(), **s.localstack_environment()}
        with s.log_file.open("ab") as log:
            process = subprocess.Popen(
                [str(s.engine_python), "-m", "localstack.runtime.main"],
                cwd=s.repo_root,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # not killed by the terminal's Ctrl-C
            )
        s.pid_file.write_text(str(process.pid))
        try:
            wait_until_ready(
                s.endpoint,
                timeout,
                still_running=lambda: process.poll() is None,
                on_failure=self.log_tail,
            )
        except UserError:
            if process.poll() is None:
                self.stop()
            raise
        return self.status()

    def _check_installed(self) -> None:
        if not self.settings.engine_python.exists():
            raise UserError(
                f"the engine is not installed ({self.settings.engine_python} is missing)",
                fix="run 'make up' (or 'scripts/setup-envs engine runtimes')",
            )

    def _prepare_state_dir(self) -> None:
        s = self.settings
        s.log_file.parent.mkdir(parents=True, exist_ok=True)
        # LocalStack runs the hooks found under FILESYSTEM_ROOT: point that at the repo's.
        hooks = s.init_hooks_dir
        if hooks.is_symlink() or hooks.exists():
            if hooks.is_symlink():
                hooks.unlink()
            else:
                shutil.rmtree(hooks)
        hooks.parent.mkdir(parents=True, exist_ok=True)
        hooks.symlink_to(s.repo_root / "init" / "ready.d", target_is_directory=True)

    # -- stop -------------------------------------------------------------------

    def stop(self, timeout: float = STOP_TIMEOUT) -> bool:
        """Stops the engine and every process it started. False if it was not running."""
        pid = self.pid()
        if pid is None:
            self.settings.pid_file.unlink(missing_ok=True)
            return False
        tree = processes.descendants(pid)
        processes.kill([pid], signal.SIGTERM)
        if not processes.wait_gone([pid], timeout):
            tree = sorted(set(tree) | set(processes.descendants(pid)))
            processes.kill([pid, *tree], signal.SIGKILL)
            processes.wait_gone([pid], 5)
        # Runtimes live in sessions of their own: end any the engine left behind.
        leftovers = [p for p in tree if processes.is_alive(p)]
        processes.kill(leftovers, signal.SIGTERM)
        if not processes.wait_gone(leftovers, 3):
            processes.kill(leftovers, signal.SIGKILL)
            processes.wait_gone(leftovers, 3)
        self.settings.pid_file.unlink(missing_ok=True)
        return True
