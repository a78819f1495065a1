"""The seed's own approver (lambdas/approve_request_node): its code is the seed's, and it runs
unchanged against a local endpoint through the runtime's SDK v2 preload.

The handler runs in a real Node.js (the nodejs20.x runtime `make envs` installs) against a
fake Step Functions endpoint on loopback, which records what the SDK sent.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from sfnlocal.in_localstack.executor.launchers import NODE_PRELOAD

REPO_ROOT = Path(__file__).resolve().parents[2]
APPROVER = REPO_ROOT / "lambdas" / "approve_request_node"
NODE = REPO_ROOT / ".engine" / "runtimes" / "nodejs20.x" / "bin" / "node"

# The seed's approver (lambda-orchestration-example.txt), as the seed prints it: on one line.
SEED_APPROVER = r"""exports.lambdaHandler = (event, context, callback) => { const stepfunctions = new aws.StepFunctions(); // For every record in sqs queue for (const record of event.Records) { const messageBody = JSON.parse(record.body); const taskToken = messageBody.TaskToken; const params = { output: "\"approved\"", taskToken: taskToken }; console.log(`Calling Step Functions to complete callback task with params ${JSON.stringify(params)}`); // Approve stepfunctions.sendTaskSuccess(params, (err, data) => { if (err) { console.error(err.message); callback(err.message); return; } console.log(data); callback(null); }); } };"""  # noqa: E501
REQUIRE_LINE = "const aws = require('aws-sdk');"


def words(code: str) -> str:
    return re.sub(r"\s+", " ", code).strip()


def test_the_approver_is_the_seeds_code_plus_the_require_it_leaves_out():
    source = (APPROVER / "app.js").read_text()
    first, _, rest = source.partition("\n")
    assert first == REQUIRE_LINE
    # the same code, token for token: only the line breaks the seed's page lost differ
    assert words(rest) == words(SEED_APPROVER)


def test_aws_sdk_v2_is_pinned_and_locked():
    package = json.loads((APPROVER / "package.json").read_text())
    lock = json.loads((APPROVER / "package-lock.json").read_text())
    assert package["dependencies"] == {"aws-sdk": "2.1693.0"}
    assert lock["packages"]["node_modules/aws-sdk"]["version"] == "2.1693.0"
    assert lock["packages"]["node_modules/aws-sdk"]["integrity"].startswith("sha512-")


# --- running it ---------------------------------------------------------------------------


class FakeStepFunctions:
    """Answers SendTaskSuccess (JSON 1.0 protocol) and records each request."""

    def __init__(self, status: int = 200, answer: dict | None = None) -> None:
        self.requests: list[tuple[str, dict]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                fake.requests.append((self.headers["X-Amz-Target"], json.loads(body)))
                reply = json.dumps(answer or {}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/x-amz-json-1.0")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_sfn() -> Iterator[FakeStepFunctions]:
    fake = FakeStepFunctions()
    yield fake
    fake.close()


def node(script: str, env: dict[str, str], cwd: Path = APPROVER) -> subprocess.CompletedProcess:
    assert NODE.exists(), "the nodejs20.x runtime is not installed: run 'make envs'"
    assert (APPROVER / "node_modules" / "aws-sdk").is_dir(), "run 'make envs'"
    base = {
        "PATH": os.environ.get("PATH", ""),
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_REGION": "us-east-1",
        "AWS_EXECUTION_ENV": "AWS_Lambda_nodejs20.x",
        "NODE_OPTIONS": f'--require="{NODE_PRELOAD}"',
    }
    return subprocess.run(
        [str(NODE), "-e", script],
        cwd=cwd,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


RUN_HANDLER = """
const { lambdaHandler } = require("./app.js");
const event = { Records: JSON.parse(process.env.RECORDS).map((body) => ({ body })) };
lambdaHandler(event, {}, (error) => console.log("callback:" + JSON.stringify(error ?? null)));
"""


def test_the_seeds_handler_sends_task_success_to_aws_endpoint_url(fake_sfn):
    # GIVEN an approval request as the state machine queues it
    records = [json.dumps({"Input": {"stock_price": 20}, "TaskToken": "token-1"})]
    # WHEN the seed's handler runs with AWS_ENDPOINT_URL set and no endpoint in its code
    done = node(
        RUN_HANDLER, {"AWS_ENDPOINT_URL": fake_sfn.endpoint, "RECORDS": json.dumps(records)}
    )
    # THEN its SendTaskSuccess reached that endpoint with the seed's output
    assert done.returncode == 0, done.stderr
    assert fake_sfn.requests == [
        ("AWSStepFunctions.SendTaskSuccess", {"output": '"approved"', "taskToken": "token-1"})
    ]
    assert "callback:null" in done.stdout
    # AND no SDK v2 end-of-support notice (AWS's Lambda runtimes set AWS_EXECUTION_ENV)
    assert "end-of-support" not in done.stderr


def test_a_rejected_token_fails_the_callback_with_the_message():
    fake = FakeStepFunctions(400, {"__type": "TaskTimedOut", "message": "Task Timed Out"})
    try:
        records = [json.dumps({"TaskToken": "stale"})]
        done = node(
            RUN_HANDLER, {"AWS_ENDPOINT_URL": fake.endpoint, "RECORDS": json.dumps(records)}
        )
    finally:
        fake.close()
    assert done.returncode == 0, done.stderr
    assert 'callback:"Task Timed Out"' in done.stdout


# --- the preload on its own ---------------------------------------------------------------

ENDPOINTS = """
const AWS = require("aws-sdk");
const SFN = require("aws-sdk/clients/stepfunctions");
console.log(JSON.stringify({
  namespace: new AWS.StepFunctions().endpoint.href,
  client: new SFN().endpoint.href,
  own: new AWS.SQS({ endpoint: "http://127.0.0.9:1234" }).endpoint.href,
}));
"""


def test_the_preload_points_every_v2_client_at_aws_endpoint_url():
    done = node(ENDPOINTS, {"AWS_ENDPOINT_URL": "http://127.0.0.1:4566"})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "namespace": "http://127.0.0.1:4566/",
        "client": "http://127.0.0.1:4566/",
        # an endpoint the code sets itself wins
        "own": "http://127.0.0.9:1234/",
    }


@pytest.mark.parametrize(
    "env",
    [
        {},
        {
            "AWS_ENDPOINT_URL": "http://127.0.0.1:4566",
            "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true",
        },
    ],
)
def test_without_an_endpoint_url_v2_keeps_aws_endpoints(env):
    done = node(ENDPOINTS, env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["namespace"] == "https://states.us-east-1.amazonaws.com/"
