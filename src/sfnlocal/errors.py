"""The one error type a user can act on: what went wrong, what to do, and the details."""


class UserError(Exception):
    """A failure the user can act on: the message says what happened and what to do."""

    def __init__(self, problem: str, fix: str | None = None, details: str | None = None):
        self.problem = problem
        self.fix = fix
        self.details = details
        super().__init__(problem if not fix else f"{problem}\nfix: {fix}")

    def __str__(self) -> str:
        text = self.problem
        if self.details:
            text += f"\n{self.details}"
        if self.fix:
            text += f"\nfix: {self.fix}"
        return text
