"""The README's commands, run against the stack as written, so that they cannot drift.

Every fenced block that opens with ```` ```sh runnable ```` is one test: it
runs in bash (``-euo pipefail``) in the checkout, with the environment that
``sfnlocal env`` prints for the test's stack, and the virtual environment not
activated (a user's fresh terminal). It passes when every command in it does.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass

import pytest

from tests.support.stacks import REPO_ROOT

pytestmark = pytest.mark.integration

README = REPO_ROOT / "README.md"
FENCE = re.compile(r"^```sh runnable\n(.*?)^```$", re.MULTILINE | re.DOTALL)
BLOCK_TIMEOUT = 180
EXPECTED_AT_LEAST = 4
"""The AWS CLI, the report subscription, TestState, and the own-scripts blocks."""


@dataclass(frozen=True)
class Block:
    line: int
    script: str

    @property
    def name(self) -> str:
        return f"README.md:{self.line}"


def runnable_blocks(text: str) -> list[Block]:
    return [
        Block(text.count("\n", 0, match.start()) + 2, match.group(1))
        for match in FENCE.finditer(text)
    ]


BLOCKS = runnable_blocks(README.read_text(encoding="utf-8"))


def fresh_terminal(stack) -> dict[str, str]:
    """The environment of a user's new shell, plus `sfnlocal env` for this stack."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "SFNLOCAL_"))}
    env.pop("VIRTUAL_ENV", None)
    venv_bin = str(REPO_ROOT / ".venv" / "bin")
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != venv_bin)
    env.update(stack.env)
    printed = subprocess.run(
        [sys.executable, "-m", "sfnlocal.cli.main", "env"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert printed.returncode == 0, printed.stderr
    for line in printed.stdout.splitlines():
        if line.startswith("export "):
            name, value = line.removeprefix("export ").split("=", 1)
            env[name] = shlex.split(value)[0]
    return env


def test_the_readme_has_its_runnable_blocks():
    assert len(BLOCKS) >= EXPECTED_AT_LEAST, [block.name for block in BLOCKS]


@pytest.mark.parametrize("block", BLOCKS, ids=lambda block: block.name)
def test_readme_block_runs_as_written(block, stack):
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block.script],
        cwd=REPO_ROOT,
        env=fresh_terminal(stack),
        capture_output=True,
        text=True,
        timeout=BLOCK_TIMEOUT,
    )
    assert result.returncode == 0, (
        f"{block.name} failed (exit {result.returncode}):\n{block.script}\n"
        f"--- stdout\n{result.stdout[-3000:]}\n--- stderr\n{result.stderr[-3000:]}"
    )
