"""Serving the console with uvicorn on the loopback address only."""

from __future__ import annotations

import uvicorn

from sfnlocal.engine.ports import ensure_port_free
from sfnlocal.engine.settings import EngineSettings
from sfnlocal.sample.outputs import Outputs

from .app import create_app
from .backend import Backend
from .settings import ConsoleSettings


def server(
    console: ConsoleSettings,
    engine: EngineSettings,
    outputs: Outputs | None = None,
    token: str | None = None,
) -> uvicorn.Server:
    """A uvicorn server for the console (``.run()`` blocks; tests run it in a thread)."""
    app = create_app(Backend(engine, outputs), console.port, token)
    config = uvicorn.Config(
        app,
        host=console.host,
        port=console.port,
        log_level="warning",
        access_log=False,
        server_header=False,
        timeout_graceful_shutdown=5,
    )
    return uvicorn.Server(config)


def serve(console: ConsoleSettings | None = None, engine: EngineSettings | None = None) -> None:
    console = console or ConsoleSettings()
    ensure_port_free(
        console.port, variable="CONSOLE_PORT", what="another console, or another checkout's"
    )
    print(f"Console: {console.url} (stack {(engine or EngineSettings()).endpoint})", flush=True)
    server(console, engine or EngineSettings()).run()
