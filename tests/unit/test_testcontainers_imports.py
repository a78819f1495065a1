"""The project imports testcontainers' LocalStack module by the path its locked version
recommends (4.15: testcontainers.community.localstack; the old one warns)."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.support.stacks import REPO_ROOT

OLD = "testcontainers.localstack"
CURRENT = "testcontainers.community.localstack"


def import_with_warnings_as_errors(module: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-W", "error::DeprecationWarning", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_locked_version_deprecates_the_old_path_for_the_current_one():
    old = import_with_warnings_as_errors(OLD)
    assert old.returncode != 0 and f"use {CURRENT} instead" in old.stderr
    assert import_with_warnings_as_errors(CURRENT).returncode == 0


def test_no_code_of_the_project_imports_the_old_path():
    pattern = re.compile(rf"(from|import)\s+{re.escape(OLD)}\b")
    users = [
        str(path.relative_to(REPO_ROOT))
        for folder in ("src", "tests", "bench")
        for path in (REPO_ROOT / folder).rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert users == []
