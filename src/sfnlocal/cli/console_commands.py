"""console: the web console's URL; `up` starts it and `down` stops it."""

from __future__ import annotations

import os

import typer

from sfnlocal.cli import target
from sfnlocal.cli.console import console, errors, user_errors
from sfnlocal.console.process import ConsoleProcess
from sfnlocal.console.settings import ConsoleSettings
from sfnlocal.engine.reach import require_stack
from sfnlocal.engine.settings import EngineSettings
from sfnlocal.errors import UserError


def _process(settings: EngineSettings | None = None) -> ConsoleProcess:
    return ConsoleProcess(settings or target.settings(), ConsoleSettings())


@user_errors
def console_(
    foreground: bool = typer.Option(False, help="serve in this terminal until Ctrl-C"),
) -> None:
    """Print the web console's URL, starting it when it does not run (CONSOLE_PORT)."""
    settings = target.settings()
    require_stack(settings)
    if foreground:
        from sfnlocal.console.server import serve

        serve(ConsoleSettings(), settings)
        return
    console.print(f"Console: {_process(settings).start()}")


def start_with_stack(settings: EngineSettings) -> None:
    """After `up`: start the console (CONSOLE=0 leaves it out); a failure only warns."""
    if os.environ.get("CONSOLE", "1").strip().lower() in ("0", "false", "no", "off"):
        return
    try:
        console.print(f"Console: {_process(settings).start()}")
    except UserError as error:
        errors.print(f"[yellow]Console not started:[/] {error.problem}", soft_wrap=True)
        if error.fix:
            errors.print(f"[bold]fix:[/] {error.fix}", soft_wrap=True)


def stop_with_stack() -> bool:
    """Before `down`: stop this checkout's console; True if one ran."""
    stopped = _process().stop()
    if stopped:
        console.print("Stopped the console.")
    return stopped


def print_status() -> None:
    """For `status`: where this checkout's console runs, if it does."""
    if found := _process().running():
        console.print(f"console: running, pid {found[0]}, {found[1]}")
