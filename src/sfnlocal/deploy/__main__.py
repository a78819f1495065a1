"""``python -m sfnlocal.deploy``: deploy the sample to an endpoint (LocalStack)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError

from sfnlocal.clients import default_endpoint, default_region
from sfnlocal.sample.documents import STATE_MACHINES, find_repo_root
from sfnlocal.sample.errors import DocumentError
from sfnlocal.sample.names import DEFAULT_PREFIX

from .deployer import deploy, prepare
from .errors import DeployError

EXIT_DEPLOY_FAILED = 1
EXIT_INVALID_DOCUMENTS = 2


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m sfnlocal.deploy",
        description="Create or update the sample's resources from its documents (idempotent).",
    )
    parser.add_argument(
        "--endpoint-url",
        default=os.environ.get("SFNLOCAL_ENDPOINT") or default_endpoint(),
        help="AWS endpoint (default: $SFNLOCAL_ENDPOINT, else $AWS_ENDPOINT_URL, else %(default)s)",
    )
    parser.add_argument(
        "--prefix",
        default=os.environ.get("DEPLOY_PREFIX") or DEFAULT_PREFIX,
        help="resource name prefix (default: $DEPLOY_PREFIX, else %(default)s)",
    )
    parser.add_argument(
        "--region", default=default_region(), help="default: $AWS_DEFAULT_REGION, else us-east-1"
    )
    parser.add_argument(
        "--outputs",
        type=Path,
        default=os.environ.get("SFNLOCAL_OUTPUTS") or None,
        help="write the outputs (names, ARNs) to this JSON file (default: $SFNLOCAL_OUTPUTS)",
    )
    parser.add_argument(
        "--repo-root",
        type=Path,
        default=os.environ.get("SFNLOCAL_APP_DIR") or None,
        help="the folder with lambdas/, statemachine/ and iam/ "
        "(default: $SFNLOCAL_APP_DIR, else found from here upwards)",
    )
    parser.add_argument(
        "--wait-timeout",
        type=float,
        default=300.0,
        help="seconds to wait for each function to become Active (%(default)s)",
    )
    parser.add_argument(
        "--approval-mode",
        choices=["auto", "manual"],
        help="auto: the approver Lambda answers; manual: a person does "
        "(default: $APPROVAL_MODE, else auto)",
    )
    parser.add_argument(
        "--state-machine",
        choices=sorted(STATE_MACHINES),
        help="asl: the seed's state machine (JSONPath); jsonata: the same in JSONata "
        "(default: $STATE_MACHINE, else asl)",
    )
    parser.add_argument(
        "--choice",
        action="append",
        default=[],
        metavar="VARIABLE=VALUE",
        help="which alternative of a function to deploy, e.g. APPROVER=node (default: the "
        "environment's VARIABLE, else the choice's default); repeatable",
    )
    parser.add_argument(
        "--validate-only",
        action="store_true",
        help="only validate the documents and build the packages; touch nothing",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    choices = dict(os.environ)
    for item in args.choice:
        variable, equals, value = item.partition("=")
        if not equals:
            print(f"error: --choice {item!r}: expected VARIABLE=VALUE", file=sys.stderr)
            return EXIT_INVALID_DOCUMENTS
        choices[variable] = value
    try:
        repo_root = args.repo_root or find_repo_root()
        if args.validate_only:
            plan = prepare(
                repo_root,
                args.prefix,
                args.state_machine or os.environ.get("STATE_MACHINE", "asl"),
                choices=choices,
            )
            print(
                f"documents valid ({plan.documents.state_machine.path}): "
                f"{len(plan.documents.functions)} functions, "
                f"{len(plan.documents.state_machine_policies)} state machine policies"
            )
            return 0
        deploy(
            args.endpoint_url,
            args.prefix,
            repo_root=repo_root,
            region=args.region,
            outputs_path=args.outputs,
            wait_timeout=args.wait_timeout,
            approval_mode=args.approval_mode,
            state_machine=args.state_machine,
            choices=choices,
        )
    except DocumentError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID_DOCUMENTS
    except (DeployError, ClientError, BotoCoreError) as exc:
        print(f"error: deploy failed: {exc}", file=sys.stderr)
        return EXIT_DEPLOY_FAILED
    return 0


if __name__ == "__main__":
    sys.exit(main())
