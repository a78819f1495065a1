"""The names and ARNs of the deployed resources, all derived from one prefix."""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_PREFIX = "sfnlocal"
"""The prefix of every resource name unless DEPLOY_PREFIX (or --prefix) names another."""

_PREFIX = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,19}")


def check_prefix(prefix: str) -> str:
    """Return ``prefix`` if it is 1-20 letters, digits or '-' (starting with a letter or digit)."""
    if not _PREFIX.fullmatch(prefix):
        raise ValueError(
            f"prefix must be 1-20 letters, digits or '-', starting with a letter or digit, "
            f"got {prefix!r}"
        )
    return prefix


@dataclass(frozen=True)
class Names:
    """Resource names: ``{prefix}-CheckStockPrice``, ``{prefix}-RequestHumanApproval``..."""

    prefix: str

    def __post_init__(self) -> None:
        check_prefix(self.prefix)

    def function(self, logical_name: str) -> str:
        return f"{self.prefix}-{logical_name}"

    def function_role(self, logical_name: str) -> str:
        return f"{self.prefix}-{logical_name}-role"

    @property
    def state_machine(self) -> str:
        return f"{self.prefix}-StockTrading"

    @property
    def state_machine_role(self) -> str:
        return f"{self.prefix}-StockTrading-role"

    @property
    def approval_queue(self) -> str:
        return f"{self.prefix}-RequestHumanApproval"

    @property
    def approval_dlq(self) -> str:
        return f"{self.prefix}-RequestHumanApproval-dlq"

    @property
    def report_topic(self) -> str:
        return f"{self.prefix}-ReportResult"


@dataclass(frozen=True)
class Arns:
    """ARN builders for one partition, region and account."""

    partition: str
    region: str
    account_id: str

    def function(self, name: str) -> str:
        return f"arn:{self.partition}:lambda:{self.region}:{self.account_id}:function:{name}"

    def state_machine(self, name: str) -> str:
        return f"arn:{self.partition}:states:{self.region}:{self.account_id}:stateMachine:{name}"

    def queue(self, name: str) -> str:
        return f"arn:{self.partition}:sqs:{self.region}:{self.account_id}:{name}"

    def topic(self, name: str) -> str:
        return f"arn:{self.partition}:sns:{self.region}:{self.account_id}:{name}"

    def role(self, name: str) -> str:
        return f"arn:{self.partition}:iam::{self.account_id}:role/{name}"
