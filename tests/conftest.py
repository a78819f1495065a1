"""Fixtures shared by unit and integration tests."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pytest_report_header(config: pytest.Config) -> str:
    from tests.integration.e2e.conftest import chosen_stack_kind

    requested = os.environ.get("TEST_STACK", "auto")
    return f"end-to-end tests run on the {chosen_stack_kind()} stack (TEST_STACK={requested})"
