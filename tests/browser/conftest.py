"""The web console under test: started as `sfnlocal up` starts it (its own
process) against the session's stack, and Debian's Chromium driven by
Playwright. Screenshots go to test-results/screenshots/."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, sync_playwright

from sfnlocal.console.process import ConsoleProcess
from sfnlocal.console.settings import ConsoleSettings
from sfnlocal.engine.settings import EngineSettings
from sfnlocal.workflow import approvals
from sfnlocal.workflow.connection import Connection
from tests.support.stacks import REPO_ROOT, StackUnderTest, free_port

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# Without the networking flags Chromium keeps calling home, which a closed network refuses.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = REPO_ROOT / "test-results" / "screenshots"
VIEWPORT = {"width": 1360, "height": 900}


@dataclass(frozen=True)
class ConsoleUnderTest:
    url: str
    port: int
    stack: StackUnderTest

    def connection(self) -> Connection:
        return self.stack.connection


@pytest.fixture(scope="session")
def console(stack: StackUnderTest, tmp_path_factory) -> Iterator[ConsoleUnderTest]:
    engine = EngineSettings(
        port=int(stack.env["LOCALSTACK_PORT"]),
        state_dir_override=tmp_path_factory.mktemp("console"),
    )
    process = ConsoleProcess(engine, ConsoleSettings(port=free_port()))
    url = process.start()
    try:
        yield ConsoleUnderTest(url, process.console.port, stack)
    finally:
        process.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"no Chromium at {CHROMIUM}: run 'scripts/install-browser.sh' as root "
            "(make test runs it), or point CHROMIUM= at one"
        )
    with sync_playwright() as playwright:
        # Each launch gets a fresh, temporary user-data-dir from Playwright.
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, console: ConsoleUnderTest) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORT, base_url=console.url)
    context.set_default_timeout(30_000)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert not errors, f"the page's script failed: {errors}"


def screenshot(what: Page | Locator, name: str) -> Path:
    """Keeps a screenshot of the whole page (or of one element) as a test artifact."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    if isinstance(what, Page):
        what.screenshot(path=str(path), full_page=True)
    else:
        what.screenshot(path=str(path))
    return path


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def manual_mode(console: ConsoleUnderTest) -> Iterator[None]:
    """The approver's trigger off for the test, and on again afterwards."""
    conn = console.connection()
    approvals.set_mode(conn, "manual")
    yield
    approvals.set_mode(conn, "auto")
