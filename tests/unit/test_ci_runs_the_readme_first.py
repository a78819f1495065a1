"""CI runs what a newcomer runs, first: the README's two commands open `.ci/run`,
before any install step of CI's own, so a step missing from the project's own
files fails CI instead of hiding behind it."""

from __future__ import annotations

import re

from tests.conftest import REPO_ROOT

TWO_COMMANDS = re.compile(r"^## The two commands\n.*?^```sh\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def commands(script: str) -> list[str]:
    """The command lines of a shell script, without comments and blank lines."""
    lines = (line.split("#", 1)[0].strip() for line in script.splitlines())
    return [line for line in lines if line]


def readme_two_commands() -> list[str]:
    found = TWO_COMMANDS.search((REPO_ROOT / "README.md").read_text(encoding="utf-8"))
    assert found, "README.md has no '## The two commands' section with a sh block"
    return commands(found.group(1))


def ci_commands_after_its_own_set_up() -> list[str]:
    """.ci/run's commands after its shell settings and failure trap."""
    lines = commands((REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8"))
    trap = next(i for i, line in enumerate(lines) if line.startswith("trap "))
    return lines[trap + 1 :]


def test_the_readme_gives_exactly_two_commands():
    assert readme_two_commands() == ["make up", "make test"]


def test_ci_starts_with_the_readme_s_two_commands():
    expected = readme_two_commands()
    assert ci_commands_after_its_own_set_up()[: len(expected)] == expected


def test_nothing_is_installed_by_ci_before_them():
    lines = commands((REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8"))
    first = lines.index("make up")
    assert not [line for line in lines[:first] if re.search(r"install|apt-get|pip |npm ", line)]
