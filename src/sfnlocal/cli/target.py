"""The stack a command addresses: ``--endpoint``, else ``LOCALSTACK_PORT``, else the
stack ``make up`` recorded (``.localstack/stack.json``), else 127.0.0.1:4566."""

from __future__ import annotations

from sfnlocal.engine.settings import EngineSettings

_endpoint: str | None = None


def use_endpoint(endpoint: str | None) -> None:
    """Set by the ``--endpoint`` option, before the command runs."""
    global _endpoint
    _endpoint = endpoint


def explicit_endpoint() -> str | None:
    return _endpoint


def settings() -> EngineSettings:
    return EngineSettings(endpoint_url=_endpoint)
