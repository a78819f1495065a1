"""approvals list | approve | reject | mode: the human in the human-approval step."""

from __future__ import annotations

import json

import typer
from rich.table import Table

from sfnlocal.cli import target
from sfnlocal.cli.console import console, user_errors
from sfnlocal.workflow import approvals
from sfnlocal.workflow.connection import connect

app = typer.Typer(help="Answer the approval requests by hand (APPROVAL_MODE=manual).")


@app.command("list")
@user_errors
def list_() -> None:
    """Executions waiting for approval, with their input."""
    conn = connect(target.settings())
    waiting = approvals.pending(conn)
    console.print(f"Approval mode: {approvals.mode(conn)}")
    if not waiting:
        console.print("No execution is waiting for approval.")
        return
    table = Table("EXECUTION", "WAITING SINCE", "INPUT")
    for item in waiting:
        table.add_row(item.execution_name, f"{item.waiting_since:%H:%M:%S}", json.dumps(item.input))
    console.print(table)


@app.command()
@user_errors
def approve(execution_id: str = typer.Argument(..., help="execution name or ARN")) -> None:
    """Approve: the execution goes on to buy or sell (SendTaskSuccess)."""
    item = approvals.approve(connect(target.settings()), execution_id)
    console.print(f"Approved {item.execution_name}: it goes on with {json.dumps(item.input)}")


@app.command()
@user_errors
def reject(
    execution_id: str = typer.Argument(..., help="execution name or ARN"),
    reason: str = typer.Option("rejected by a person", help="the failure's cause"),
) -> None:
    """Reject: the execution fails with error 'Rejected' and this cause (SendTaskFailure)."""
    item = approvals.reject(connect(target.settings()), execution_id, reason)
    console.print(
        f"Rejected {item.execution_name}: it fails with {approvals.REJECTED_ERROR}: {reason}"
    )


@app.command()
@user_errors
def mode(new_mode: str = typer.Argument(None, help="auto or manual; omit to show it")) -> None:
    """Show or switch the approval mode on the running stack."""
    conn = connect(target.settings())
    if new_mode is None:
        console.print(approvals.mode(conn))
        return
    cleared = approvals.set_mode(conn, new_mode)
    note = f" (cleared {cleared} request(s) already answered by hand)" if cleared else ""
    console.print(f"Approval mode is now {new_mode}{note}")
