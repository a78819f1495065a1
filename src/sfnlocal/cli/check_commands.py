"""check: validate the documents and check that every role is least-privilege."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from sfnlocal.cli.console import console


def check(
    repo_root: Path | None = typer.Option(
        None,
        "--repo-root",
        help="the folder with lambdas/, statemachine/ and iam/ (default: found from here upwards)",
    ),
    prefix: str = typer.Option("sfnlocal", help="resource name prefix of the symbolic ARNs"),
    verbose: bool = typer.Option(
        False, "--verbose", "-v", help="list every need and the statement that grants it"
    ),
    as_json: bool = typer.Option(False, "--json", help="print the report as JSON"),
    strict: bool = typer.Option(
        False, "--strict", help="fail on the best-practice warnings too (exit 1)"
    ),
) -> None:
    """Validate the ASL and IAM documents and check least privilege (exit 1 on any problem).

    The ASL against the States Language (and statelint), the IAM documents
    against the policy grammar and the IAM catalogue, every placeholder; then
    each Task state's needs against the state machine role's policies, and each
    function's code calls, logs and event source against its role: what is
    missing and what is excess. Then best practices: a .waitForTaskToken task
    without a timeout, a Choice without a Default (warnings; errors with --strict).
    """
    from sfnlocal.checks.report import print_report, report_json, run_checks

    report = run_checks(repo_root, prefix, strict=strict)
    if as_json:
        typer.echo(json.dumps(report_json(report), indent=2))
    else:
        print_report(report, console, verbose=verbose)
    raise typer.Exit(report.exit_code)
