"""A re-deploy with a broken document: exit 2, the file named, the stack untouched."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from sfnlocal.clients import credentials_environment
from sfnlocal.engine.settings import clean_environment
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.integration

DOCUMENT_FOLDERS = ("lambdas", "statemachine", "iam")
EXIT_INVALID_DOCUMENTS = 2


def _edit_json(path: Path, change: Callable[[dict], None]) -> None:
    content = json.loads(path.read_text())
    change(content)
    path.write_text(json.dumps(content, indent=2))


def _asl_not_json(root: Path) -> None:
    path = root / "statemachine/stock_trading.asl.json"
    path.write_text(path.read_text().replace('"StartAt":', '"StartAt"', 1))


def _asl_goes_nowhere(root: Path) -> None:
    _edit_json(
        root / "statemachine/stock_trading.asl.json",
        lambda asl: asl["States"]["Buy Stock"].update(Next="Report Resutl"),
    )


def _timeout_out_of_range(root: Path) -> None:
    _edit_json(root / "lambdas/buy_stock/function.json", lambda spec: spec.update(timeout=0))


def _unknown_placeholder(root: Path) -> None:
    _edit_json(
        root / "iam/state-machine/publish-report.json",
        lambda policy: policy["Statement"][0].update(Resource="${ReportTopicArnTypo}"),
    )


def _handler_does_not_compile(root: Path) -> None:
    path = root / "lambdas/sell_stock/app.py"
    path.write_text(path.read_text() + "\ndef broken(:\n")


BROKEN = {
    "the ASL is not JSON": (_asl_not_json, "statemachine/stock_trading.asl.json"),
    "the ASL goes to a missing state": (_asl_goes_nowhere, "statemachine/stock_trading.asl.json"),
    "a function's timeout is 0": (_timeout_out_of_range, "lambdas/buy_stock/function.json"),
    "a policy names an unknown placeholder": (
        _unknown_placeholder,
        "iam/state-machine/publish-report.json",
    ),
    "a handler does not compile": (_handler_does_not_compile, "lambdas/sell_stock/function.json"),
}


def _deploy(stack, repo_root: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**clean_environment(), **credentials_environment(stack.outputs.region)}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "sfnlocal.deploy",
            "--endpoint-url",
            stack.endpoint,
            "--prefix",
            stack.outputs.prefix,
            "--repo-root",
            str(repo_root),
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        cwd=repo_root,
    )


def _snapshot(stack) -> dict:
    """What a deploy would change: the state machine, the functions, the queues."""
    sfn, lambda_, sqs = (stack.client(s) for s in ("stepfunctions", "lambda", "sqs"))
    machine = sfn.describe_state_machine(stateMachineArn=stack.outputs.state_machine_arn)
    functions = {}
    for name, function in stack.outputs.functions.items():
        config = lambda_.get_function_configuration(FunctionName=function.name)
        functions[name] = {k: config.get(k) for k in ("CodeSha256", "LastModified", "Timeout")}
    queue = sqs.get_queue_attributes(QueueUrl=stack.outputs.queue_url, AttributeNames=["All"])
    return {
        "definition": machine["definition"],
        "role": machine["roleArn"],
        "functions": functions,
        "queue": {
            k: v
            for k, v in queue["Attributes"].items()
            if k in ("VisibilityTimeout", "RedrivePolicy", "LastModifiedTimestamp")
        },
    }


@pytest.fixture(scope="module")
def documents_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's documents, copied: each test breaks its own copy of them."""
    root = tmp_path_factory.mktemp("documents")
    for folder in DOCUMENT_FOLDERS:
        shutil.copytree(
            REPO_ROOT / folder,
            root / folder,
            ignore=shutil.ignore_patterns("__pycache__", "node_modules"),
        )
    return root


def test_the_copied_documents_are_valid(stack, documents_copy):
    # The control: unbroken, the copy validates (so each failure below is the breakage).
    result = _deploy(stack, documents_copy, "--validate-only")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_document_fails_the_deploy_naming_it_and_leaves_the_stack_as_it_was(
    stack, workflow, documents_copy, tmp_path, case
):
    # GIVEN a copy of the documents with one broken
    break_it, named_file = BROKEN[case]
    root = tmp_path / "repo"
    shutil.copytree(documents_copy, root)
    break_it(root)
    before = _snapshot(stack)
    # WHEN it is deployed to the running stack
    result = _deploy(stack, root)
    # THEN the deploy exits 2, naming the file, and has deployed nothing
    assert result.returncode == EXIT_INVALID_DOCUMENTS, (result.stdout, result.stderr)
    assert named_file in result.stderr, result.stderr
    assert result.stderr.startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    assert _snapshot(stack) == before
    # AND the deployed sample still runs
    execution = workflow.run({"stock_price": 60})
    assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
