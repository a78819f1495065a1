"""What is wrong with the sample's documents, file by file."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sfnlocal.errors import UserError


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file."""

    path: str
    """The file, relative to the repository root."""
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class DocumentError(UserError):
    """One or more documents are invalid; nothing was deployed.

    ``problems`` lists every problem found, each naming its file.
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        count = len(self.problems)
        lines = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(
            f"{count} problem{'s' if count != 1 else ''} in the documents:\n{lines}",
            fix="correct the document(s) named above, then 'make deploy'",
        )

    def __str__(self) -> str:
        return self.problem
