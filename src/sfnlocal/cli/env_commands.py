"""env: the export lines that point a shell's own tools at the stack."""

from __future__ import annotations

import os
import shlex

import typer

from sfnlocal.cli import target
from sfnlocal.cli.console import user_errors
from sfnlocal.clients import shell_environment
from sfnlocal.engine.reach import require_stack


@user_errors
def env(
    unset: bool = typer.Option(False, "--unset", help="print the lines that undo them"),
) -> None:
    """Print export lines for a shell: eval "$(sfnlocal env)" (or "$(make -s env)").

    Then the AWS CLI (.venv/bin/aws), awslocal, boto3, localstack-client and
    the AWS SDK for JavaScript v3 talk to the stack, with its region and the
    test credentials, and TestState works (no 'sync-' host prefix).
    """
    settings = target.settings()
    variables = shell_environment(settings.endpoint, settings.region)
    if unset:
        typer.echo(f"unset {' '.join(variables)}")
        return
    require_stack(settings, ready=False)
    typer.echo(f"# the sfnlocal stack at {settings.endpoint} ({settings.region})")
    if os.environ.get("AWS_PROFILE"):
        # a profile would win over the test credentials exported below
        typer.echo("unset AWS_PROFILE")
    for name, value in variables.items():
        typer.echo(f"export {name}={shlex.quote(value)}")
