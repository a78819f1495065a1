"""``python -m sfnlocal.checks``: validate the documents and check least privilege.

Exit 0 when there is no problem, 1 when there is any (a best-practice warning
is one with ``--strict``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rich.console import Console

from .report import print_report, report_json, run_checks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sfnlocal.checks",
        description="Validate the ASL and IAM documents and check that every role is "
        "least-privilege (exit 1 on any problem).",
    )
    parser.add_argument(
        "--repo-root",
        type=Path,
        help="the folder with lambdas/, statemachine/ and iam/ (default: found from here upwards)",
    )
    parser.add_argument(
        "--prefix", default="sfnlocal", help="resource name prefix of the symbolic ARNs"
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="list every need and what grants it"
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--strict", action="store_true", help="fail on the best-practice warnings too"
    )
    args = parser.parse_args(argv)
    report = run_checks(args.repo_root, args.prefix, strict=args.strict)
    if args.json:
        print(json.dumps(report_json(report), indent=2))
    else:
        print_report(report, Console(highlight=False), verbose=args.verbose)
    return report.exit_code


if __name__ == "__main__":
    sys.exit(main())
