"""One stack per checkout: embedded or container, chosen at start and remembered."""

from __future__ import annotations

from enum import StrEnum

from sfnlocal.engine.compose import ComposeStack, docker_available
from sfnlocal.engine.embedded import EmbeddedEngine
from sfnlocal.engine.health import probe
from sfnlocal.engine.settings import EngineSettings
from sfnlocal.errors import UserError


class StackMode(StrEnum):
    EMBEDDED = "embedded"
    CONTAINER = "container"


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

    @property
    def _mode_file(self):
        return self.settings.state_dir / "stack-mode"

    def running_mode(self) -> StackMode | None:
        if self.embedded.pid():
            return StackMode.EMBEDDED
        try:
            recorded = StackMode(self._mode_file.read_text().strip())
        except (OSError, ValueError):
            return None
        if recorded is StackMode.CONTAINER and self.container.running():
            return StackMode.CONTAINER
        return None

    def up(self, mode: StackMode, timeout: float) -> None:
        current = self.running_mode()
        if current and current is not mode:
            raise UserError(
                f"the {current} stack is already running",
                fix=f"'make down' first, or keep using it (STACK={current})",
            )
        self._record_mock_config(running=current is not None)
        self.settings.state_dir.mkdir(parents=True, exist_ok=True)
        self._mode_file.write_text(mode.value)
        if mode is StackMode.EMBEDDED:
            self.embedded.start(timeout)
        else:
            self.container.start(timeout)

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
        self._mode_file.unlink(missing_ok=True)
        self.settings.mock_config_record.unlink(missing_ok=True)
        return mode

    def describe(self) -> str:
        mode = self.running_mode()
        if mode is StackMode.CONTAINER:
            return self.container.describe()
        if mode is StackMode.EMBEDDED:
            return self.embedded.status().describe()
        state = probe(self.settings.endpoint)
        if state.healthy:
            return (
                f"no stack of this checkout is running, but something answers on "
                f"{self.settings.endpoint} (another checkout's stack?)"
            )
        return "no stack is running ('make up' starts one)"

    def require_running(self) -> StackMode:
        mode = self.running_mode()
        if mode is None and not probe(self.settings.endpoint).healthy:
            raise UserError(
                f"no stack is running at {self.settings.endpoint}", fix="start one with 'make up'"
            )
        return mode or StackMode.EMBEDDED
