"""Entry point of the `sfnlocal` command."""

import typer

from sfnlocal.cli import (
    approval_commands,
    check_commands,
    console,
    console_commands,
    env_commands,
    stack_commands,
    target,
    workflow_commands,
)

app = typer.Typer(
    help="Run, follow and test the Step Functions stock-trading sample on a local stack.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def options(
    endpoint: str = typer.Option(
        None,
        "--endpoint",
        metavar="URL",
        help="the stack's URL (default: the stack 'make up' started, else "
        "http://127.0.0.1:$LOCALSTACK_PORT, else port 4566)",
    ),
    debug: bool = typer.Option(
        False, "--debug", envvar="SFNLOCAL_DEBUG", help="show the traceback of an error"
    ),
) -> None:
    """Options for every command: they come before the command's name."""
    target.use_endpoint(endpoint)
    console.set_debug(debug)


for command in (
    stack_commands.up,
    stack_commands.down,
    stack_commands.status,
    stack_commands.logs,
    stack_commands.deploy,
):
    app.command()(command)
app.command()(env_commands.env)
app.command()(workflow_commands.run)
app.command("executions")(workflow_commands.executions_)
app.command()(workflow_commands.history)
app.command()(workflow_commands.graph)
app.command()(workflow_commands.results)
app.command()(check_commands.check)
app.command("console")(console_commands.console_)
app.add_typer(approval_commands.app, name="approvals")

if __name__ == "__main__":
    app()
