"""run, executions, history, graph, results: the workflow as a developer sees it."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from sfnlocal.cli import target
from sfnlocal.cli.console import console, user_errors
from sfnlocal.waiting import WaitTimeout, wait_for
from sfnlocal.workflow import approvals, executions
from sfnlocal.workflow import graph as graphs
from sfnlocal.workflow.connection import connect
from sfnlocal.workflow.inputs import execution_input
from sfnlocal.workflow.reports import ReportSubscription

MARKS = {"entered": "[blue]▶[/]", "exited": "[green]✔[/]", "failed": "[red]✖[/]"}


def _compact(value: Any, limit: int = 110) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe_event(event: dict[str, Any], mode: str, name: str) -> str | None:
    """One line for the events a developer follows; None for the others."""
    if details := event.get("stateEnteredEventDetails"):
        return f"{MARKS['entered']} {details['name']:<34} input  {_compact(details.get('input'))}"
    if details := event.get("stateExitedEventDetails"):
        return f"{MARKS['exited']} {details['name']:<34} output {_compact(details.get('output'))}"
    submitted = event.get("taskSubmittedEventDetails")
    if submitted and submitted.get("resource") == approvals.APPROVAL_RESOURCE:
        if mode == "manual":
            how = f"answer with: sfnlocal approvals approve {name} (or reject)"
        else:
            how = "the approver Lambda answers (APPROVAL_MODE=auto)"
        return f"[yellow]⏳[/] {'waiting for approval':<34} {how}"
    for key in ("executionFailedEventDetails", "lambdaFunctionFailedEventDetails"):
        if details := event.get(key):
            cause = _compact(details.get("cause", ""))
            return f"{MARKS['failed']} {details.get('error', '')}: {cause}"
    return None


@user_errors
def run(
    price: int | None = typer.Option(None, help="stock price 0-99 (random when omitted)"),
    timeout: float = typer.Option(0, help="give up following after this many seconds (0: never)"),
) -> None:
    """Start an execution and follow it live until it ends; exit 0 only if it SUCCEEDED."""
    conn = connect(target.settings())
    execution = execution_input(conn.settings.repo_root, price)
    mode = approvals.mode(conn)
    with ReportSubscription(conn) as reports:
        arn = executions.start(conn, execution)
        name = arn.rsplit(":", 1)[-1]
        console.print(f"Execution [bold]{name}[/] started with input {json.dumps(execution)}")
        started = time.monotonic()
        for event in executions.follow(conn, arn, timeout=timeout or None):
            if line := _describe_event(event, mode, name):
                console.print(f"  +{time.monotonic() - started:6.2f}s {line}", soft_wrap=True)
        description = conn.sfn.describe_execution(executionArn=arn)
        status = description["status"]
        colour = "green" if status == "SUCCEEDED" else "red"
        console.print(f"[{colour}]{status}[/] in {time.monotonic() - started:.2f} s")
        if status != "SUCCEEDED":
            raise typer.Exit(1)
        message_id = json.loads(description.get("output") or "{}").get("MessageId")
        _print_report(reports, message_id)


def _print_report(reports: ReportSubscription, message_id: str | None, wait: float = 10) -> None:
    def the_report():
        arrived = reports.receive(wait_seconds=1)
        return next((report for report in arrived if report.message_id == message_id), None)

    try:
        report = wait_for(the_report, wait, f"the report with MessageId {message_id}", interval=0)
    except WaitTimeout:
        console.print(f"[yellow]no report with MessageId {message_id} seen within {wait:.0f} s[/]")
        return
    topic = reports.conn.outputs.topic_name
    console.print(f"Report on {topic}: {json.dumps(report.message)}", soft_wrap=True)


@user_errors
def executions_(limit: int = typer.Option(20, help="how many, newest first")) -> None:
    """List recent executions: status, path taken, price and duration."""
    conn = connect(target.settings())
    table = Table("NAME", "STATUS", "PATH", "PRICE", "DURATION", "STARTED")
    for summary in executions.recent(conn, limit):
        duration = summary.duration_seconds
        table.add_row(
            summary.name,
            summary.status,
            summary.path or "-",
            "-" if summary.price is None else str(summary.price),
            "-" if duration is None else f"{duration:.2f} s",
            f"{summary.started:%Y-%m-%d %H:%M:%S}",
        )
    console.print(table)


@user_errors
def history(execution_id: str = typer.Argument(..., help="execution name or ARN")) -> None:
    """Print an execution's event history as a table."""
    conn = connect(target.settings())
    events = executions.history(conn, executions.execution_arn(conn, execution_id))
    start = events[0]["timestamp"] if events else None
    table = Table("ID", "+TIME", "TYPE", "STATE / DETAIL")
    for event in events:
        detail = next(
            (
                value.get("name") or value.get("resource") or value.get("error") or ""
                for key, value in event.items()
                if key.endswith("EventDetails") and isinstance(value, dict)
            ),
            "",
        )
        elapsed = (event["timestamp"] - start).total_seconds() if start else 0.0
        table.add_row(str(event["id"]), f"{elapsed:.3f}s", event["type"], detail)
    console.print(table)


@user_errors
def graph(
    execution_id: str = typer.Argument(..., help="execution name or ARN"),
    output: Path = typer.Option(
        None, "--output", "-o", help="SVG file (default <name>.svg); the PNG goes beside it"
    ),
) -> None:
    """Show the state machine with the path an execution took; also write it as SVG and PNG."""
    conn = connect(target.settings())
    arn = executions.execution_arn(conn, execution_id)
    description = conn.sfn.describe_execution(executionArn=arn)
    definition = json.loads(
        conn.sfn.describe_state_machine(stateMachineArn=conn.state_machine_arn)["definition"]
    )
    execution_status = description["status"]
    status = graphs.statuses(executions.history(conn, arn), execution_status)
    styles = {graphs.SUCCEEDED: "green", graphs.FAILED: "red", graphs.RUNNING: "blue"}
    console.print(f"[bold]{escape(description['name'])}[/]: {execution_status}")
    for level, row in enumerate(graphs.layout(definition).rows()):
        if level:
            console.print("   │")
        cells = [
            f"[{styles.get(status.get(n, graphs.NOT_REACHED), 'dim')}]"
            f"{escape(f'[{status.get(n, graphs.NOT_REACHED)}]')} {escape(n)}[/]"
            for n in row
        ]
        console.print("   " + "   ┆   ".join(cells))
    svg_path = output or Path(f"{description['name']}.svg")
    png_path = svg_path.with_suffix(".png")
    title = f"{description['name']}: {execution_status}"
    svg_path.write_text(graphs.svg(definition, status, execution_status, title))
    png_path.write_bytes(graphs.render(definition, status, execution_status, title, "png"))
    console.print(f"Wrote {svg_path} and {png_path}")


@user_errors
def results(
    count: int = typer.Option(0, help="stop after this many reports (0: keep following)"),
    timeout: float = typer.Option(0, help="stop after this many seconds (0: never)"),
) -> None:
    """Follow the SNS topic and print each report as it arrives (Ctrl-C stops)."""
    conn = connect(target.settings())
    seen = 0
    deadline = time.monotonic() + timeout if timeout else None
    with ReportSubscription(conn) as reports:
        console.print(f"Following {conn.outputs.topic_name} (Ctrl-C stops) ...")
        try:
            while not deadline or time.monotonic() < deadline:
                for report in reports.receive(wait_seconds=1):
                    console.print(
                        f"{report.timestamp} {json.dumps(report.message)}", soft_wrap=True
                    )
                    seen += 1
                    if count and seen >= count:
                        return
        except KeyboardInterrupt:
            pass
