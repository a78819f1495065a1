"""One stack per checkout: embedded or container, chosen at start and remembered.

What is remembered is the stack's record (:mod:`sfnlocal.engine.record`):
its kind, endpoint, port, region and prefix, until ``make down``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sfnlocal.engine.compose import ComposeStack, docker_available
from sfnlocal.engine.embedded import EmbeddedEngine
from sfnlocal.engine.readiness import Readiness, probe
from sfnlocal.engine.record import StackMode, StackRecord
from sfnlocal.engine.settings import EngineSettings
from sfnlocal.errors import UserError

__all__ = ["Stack", "StackMode", "StackStatus", "choose_mode"]

EXIT_NOT_READY = 1
EXIT_NOT_RUNNING = 3


@dataclass(frozen=True)
class StackStatus:
    """What ``make status`` says: which stack, where, and whether it is ready (and why not)."""

    mode: StackMode | None
    endpoint: str
    readiness: Readiness | None
    note: str = ""

    @property
    def ready(self) -> bool:
        return self.mode is not None and self.readiness is not None and self.readiness.ready

    @property
    def exit_code(self) -> int:
        if self.mode is None:
            return EXIT_NOT_RUNNING
        return 0 if self.ready else EXIT_NOT_READY

    def describe(self) -> str:
        if self.mode is None:
            return self.note or "no stack is running ('make up' starts one)"
        if self.ready:
            text = f"{self.mode} stack: running at {self.endpoint}, ready"
        else:
            why = _why_not_ready(self.readiness)
            text = f"{self.mode} stack: running at {self.endpoint}, NOT ready: {why}"
        return f"{text}\n{self.note}" if self.note else text


def _why_not_ready(readiness: Readiness | None) -> str:
    if readiness is None:
        return "not probed"
    if readiness.failed_scripts:
        return (
            f"init script(s) failed: {', '.join(readiness.failed_scripts)} "
            "(read 'make logs', fix, then 'make deploy')"
        )
    if not readiness.healthy:
        return f"LocalStack does not answer ({readiness.detail}); 'make logs' shows why"
    return f"still deploying ({readiness.detail or 'init not completed'}); wait and ask again"


def choose_mode(requested: str) -> tuple[StackMode, str]:
    """The mode to start in, and why. ``requested`` is auto, embedded or container."""
    requested = (requested or "auto").lower()
    if requested == "embedded":
        return StackMode.EMBEDDED, "STACK=embedded"
    if requested == "container":
        if not docker_available():
            raise UserError(
                "STACK=container, but no Docker engine with Compose v2 answers",
                fix="start Docker ('sudo scripts/install-docker.sh'), or use STACK=embedded",
            )
        return StackMode.CONTAINER, "STACK=container"
    if requested != "auto":
        raise UserError(
            f"unknown STACK={requested!r}", fix="use STACK=auto, STACK=embedded or STACK=container"
        )
    if docker_available():
        return StackMode.CONTAINER, "a Docker engine answers"
    return StackMode.EMBEDDED, "no Docker engine answers"


class Stack:
    def __init__(self, settings: EngineSettings | None = None) -> None:
        self.settings = settings or EngineSettings()
        self.embedded = EmbeddedEngine(self.settings)
        self.container = ComposeStack(self.settings)

    def recorded(self) -> StackRecord | None:
        """The record ``make up`` wrote, whether or not its stack still runs."""
        return StackRecord.read(self.settings.record_file)

    def running_mode(self) -> StackMode | None:
        if self.embedded.pid():
            return StackMode.EMBEDDED
        recorded = self.recorded()
        if recorded and recorded.kind is StackMode.CONTAINER and self.container.running():
            return StackMode.CONTAINER
        return None

    def up(self, mode: StackMode, timeout: float) -> None:
        current = self.running_mode()
        recorded = self.recorded()
        if current and current is not mode:
            raise UserError(
                f"the {current} stack is already running",
                fix=f"'make down' first, or keep using it (STACK={current})",
            )
        if current and recorded and recorded.endpoint != self.settings.endpoint:
            raise UserError(
                f"the {current} stack is already running at {recorded.endpoint}",
                fix="keep using it (every command finds it), or 'make down' first",
            )
        self._record_mock_config(running=current is not None)
        s = self.settings
        record = StackRecord(mode, s.endpoint, s.port, s.region, s.prefix)
        record.write(s.record_file)
        try:
            if mode is StackMode.EMBEDDED:
                self.embedded.start(timeout)
            else:
                self.container.start(timeout)
        except UserError:
            if self.running_mode() is None:
                s.record_file.unlink(missing_ok=True)
            raise

    def _record_mock_config(self, running: bool) -> None:
        """Remember which mock configuration the stack reads (``make deploy`` checks it)."""
        s = self.settings
        if running:
            self.check_mock_config()
            return
        s.state_dir.mkdir(parents=True, exist_ok=True)
        s.mock_config_record.write_text(str(s.mock_config_at_start() or ""), encoding="utf-8")

    def check_mock_config(self) -> None:
        """UserError when SFN_MOCK_CONFIG names another file than the running stack reads."""
        s = self.settings
        recorded = s.recorded_mock_config()
        if s.mock_config_override and recorded and recorded != s.mock_config_override:
            raise UserError(
                f"the running stack reads its mocks from {recorded}, "
                f"not SFN_MOCK_CONFIG={s.mock_config_override}",
                fix="unset SFN_MOCK_CONFIG, or 'make down' then 'SFN_MOCK_CONFIG=FILE make up'",
            )

    def down(self) -> StackMode | None:
        mode = self.running_mode()
        if mode is StackMode.EMBEDDED:
            self.embedded.stop()
        elif mode is StackMode.CONTAINER:
            self.container.stop()
        self.settings.record_file.unlink(missing_ok=True)
        self.settings.mock_config_record.unlink(missing_ok=True)
        return mode

    def status(self) -> StackStatus:
        endpoint = self.settings.endpoint
        mode = self.running_mode()
        recorded = self.recorded()
        if mode is not None:
            note = ""
            if recorded and recorded.endpoint != endpoint:
                note = (
                    f"note: it was started at {recorded.endpoint}; "
                    "LOCALSTACK_PORT or --endpoint points elsewhere"
                )
            return StackStatus(mode, endpoint, probe(endpoint), note)
        if recorded:
            note = (
                f"the {recorded.kind} stack started at {recorded.endpoint} is not running "
                "any more ('make up' starts it again, 'make down' forgets it)"
            )
        elif probe(endpoint).healthy:
            note = (
                f"no stack of this checkout is running, but a LocalStack answers on "
                f"{endpoint} (another checkout's stack?)"
            )
        else:
            note = f"no stack is running at {endpoint} ('make up' starts one)"
        return StackStatus(None, endpoint, None, note)
