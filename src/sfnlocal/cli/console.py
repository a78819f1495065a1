"""Shared terminal output and error handling for every command."""

from __future__ import annotations

import functools
from collections.abc import Callable

import typer
from rich.console import Console
from rich.markup import escape

from sfnlocal.errors import UserError
from sfnlocal.sample.errors import DocumentError

console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)


def fail(message: str, fix: str | None = None, code: int = 1) -> None:
    errors.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    if fix:
        errors.print(f"[bold]fix:[/] {escape(fix)}", soft_wrap=True)
    raise typer.Exit(code)


def user_errors[**P, R](command: Callable[P, R]) -> Callable[P, R]:
    """Turns the errors a user can act on into a message, its fix and a non-zero exit."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except UserError as error:
            if error.details:
                errors.print(error.details, markup=False)
            fail(error.problem, error.fix, code=2 if isinstance(error, DocumentError) else 1)
            raise  # unreachable: fail() raises

    return wrapper
