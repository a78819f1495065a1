"""`make check` audits the CI workflow: GitHub's workflow schema and zizmor, offline."""

from __future__ import annotations

import subprocess

import pytest

from tests.support.stacks import REPO_ROOT

SCRIPT = REPO_ROOT / "scripts" / "check-workflows"
WORKFLOWS = REPO_ROOT / ".github" / "workflows"


def check(directory) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(SCRIPT), str(directory)], capture_output=True, text=True, timeout=120
    )


def test_make_check_runs_the_workflow_checks():
    makefile = (REPO_ROOT / "Makefile").read_text()
    recipe = makefile.split("\ncheck:", 1)[1].split("\n\n", 1)[0]
    assert "scripts/check-workflows" in recipe


def test_the_repository_workflows_pass_both_checks():
    result = check(WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "validation done" in result.stdout


@pytest.fixture
def copy_of_workflow(tmp_path):
    def copy(edit):
        for workflow in WORKFLOWS.glob("*.yml"):
            (tmp_path / workflow.name).write_text(edit(workflow.read_text()))
        return tmp_path

    return copy


def test_an_action_not_pinned_to_a_commit_fails_the_audit(copy_of_workflow):
    def unpin(text: str) -> str:
        start = text.index("actions/checkout@") + len("actions/checkout@")
        end = text.index("\n", start)
        return text[:start] + "v4" + text[end:]

    result = check(copy_of_workflow(unpin))
    assert result.returncode != 0
    assert "unpinned-uses" in result.stdout + result.stderr


def test_a_workflow_outside_the_schema_fails(copy_of_workflow):
    result = check(copy_of_workflow(lambda text: text.replace("runs-on:", "runs_on:", 1)))
    assert result.returncode != 0
    assert "Schema validation errors" in result.stdout
    assert "'runs-on' is a required property" in result.stdout


def test_no_workflow_at_all_is_an_error(tmp_path):
    result = check(tmp_path)
    assert result.returncode == 1
    assert "no workflow" in result.stderr
