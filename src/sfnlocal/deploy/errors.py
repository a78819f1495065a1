"""The error a deploy reports when it cannot go on."""

from sfnlocal.errors import UserError


class DeployError(UserError):
    """The deploy cannot go on; the message says why."""

    def __init__(self, problem: str, fix: str | None = None, details: str | None = None):
        super().__init__(problem, fix or "see 'make logs'; 'make deploy' retries", details)

    def __str__(self) -> str:
        return self.problem
