"""Shared terminal output and error handling for every command."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable

import typer
from botocore.exceptions import BotoCoreError, ClientError
from rich.console import Console
from rich.markup import escape

from sfnlocal.errors import UserError
from sfnlocal.sample.errors import DocumentError

console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)

_debug = os.environ.get("SFNLOCAL_DEBUG", "").lower() in ("1", "true", "yes")


def set_debug(on: bool) -> None:
    """``--debug`` (or SFNLOCAL_DEBUG=1): an error shows its traceback before its line and fix."""
    global _debug
    _debug = on


def fail(message: str, fix: str | None = None, code: int = 1) -> None:
    errors.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    if fix:
        errors.print(f"[bold]fix:[/] {escape(fix)}", soft_wrap=True)
    raise typer.Exit(code)


def user_errors[**P, R](command: Callable[P, R]) -> Callable[P, R]:
    """Turns the errors a user can act on into a message, its fix and a non-zero exit.

    botocore's errors too (the stack stopped in the middle of a command, an
    answer that is not an AWS one): one line, no traceback unless ``--debug``.
    """

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except UserError as error:
            _report(error)
        except (BotoCoreError, ClientError) as error:
            from sfnlocal.cli import target
            from sfnlocal.engine.reach import aws_error

            _report(aws_error(error, target.settings().endpoint))
        raise AssertionError("unreachable: _report() exits")

    return wrapper


def _report(error: UserError) -> None:
    if _debug:
        errors.print_exception()
    if error.details:
        errors.print(error.details, markup=False)
    fail(error.problem, error.fix, code=2 if isinstance(error, DocumentError) else 1)
