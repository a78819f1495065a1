"""Cold and warm Lambda invokes on the embedded stack, Python beside Node.js.

    .venv/bin/python -m bench.invoke [--cold 5] [--warm 30]

Starts an embedded engine of its own (free port, temporary state), creates the same
two handlers in each runtime (an empty one, and one that makes a Step Functions
client at init, as the approvers do), and times Invoke as a client sees it:

- cold: the first invoke after UpdateFunctionConfiguration (a new version, so a new
  execution environment: process start, runtime client, the handler's module);
  also the REPORT line's Init Duration;
- warm: sequential invokes of the same environment.

Prints a Markdown table (medians; warm p95 too). Stops the engine at the end.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import re
import statistics
import tempfile
import time
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sfnlocal.clients import StackClients
from sfnlocal.engine.embedded import EmbeddedEngine
from sfnlocal.engine.ports import free_port
from sfnlocal.engine.settings import EngineSettings

REPO_ROOT = Path(__file__).resolve().parents[1]
ROLE = "arn:aws:iam::000000000000:role/bench-invoke"
SDK_V2 = REPO_ROOT / "lambdas" / "approve_request_node" / "node_modules"

PYTHON_EMPTY = "def handler(event, context):\n    return {'ok': True}\n"
PYTHON_SDK = (
    "import boto3\nclient = boto3.client('stepfunctions')\n"
    "def handler(event, context):\n    return {'ok': True}\n"
)
NODE_EMPTY = "exports.handler = async () => ({ ok: true });\n"
NODE_SDK_V3 = (
    'const { SFNClient } = require("@aws-sdk/client-sfn");\nconst client = new SFNClient({});\n'
    "exports.handler = async () => ({ ok: true });\n"
)
NODE_SDK_V2 = (
    'const aws = require("aws-sdk");\nconst client = new aws.StepFunctions();\n'
    "exports.handler = async () => ({ ok: true });\n"
)


@dataclass(frozen=True)
class Case:
    label: str
    runtime: str
    source: str
    with_sdk_v2: bool = False


CASES = [
    Case("python3.13, empty handler", "python3.13", PYTHON_EMPTY),
    Case("nodejs20.x, empty handler", "nodejs20.x", NODE_EMPTY),
    Case("nodejs22.x, empty handler", "nodejs22.x", NODE_EMPTY),
    Case("python3.13, boto3 Step Functions client at init", "python3.13", PYTHON_SDK),
    Case("nodejs20.x, SDK v3 SFNClient at init", "nodejs20.x", NODE_SDK_V3),
    Case("nodejs22.x, SDK v3 SFNClient at init", "nodejs22.x", NODE_SDK_V3),
    Case("nodejs20.x, SDK v2 (packaged) StepFunctions at init", "nodejs20.x", NODE_SDK_V2, True),
]


def package(case: Case) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("app.py" if case.runtime.startswith("python") else "app.js", case.source)
        if case.with_sdk_v2:
            for path in sorted(SDK_V2.rglob("*")):
                if path.is_file():
                    archive.write(path, f"node_modules/{path.relative_to(SDK_V2).as_posix()}")
    return buffer.getvalue()


def invoke_ms(lambda_client, name: str) -> tuple[float, float | None]:
    """Client-side milliseconds of one invoke, and the REPORT's Init Duration (cold only)."""
    started = time.perf_counter()
    response = lambda_client.invoke(FunctionName=name, LogType="Tail", Payload=b"{}")
    elapsed = (time.perf_counter() - started) * 1000
    assert "FunctionError" not in response, response["Payload"].read()
    assert json.loads(response["Payload"].read()) == {"ok": True}
    tail = base64.b64decode(response["LogResult"]).decode()
    init = re.search(r"Init Duration: ([\d.]+) ms", tail)
    return elapsed, float(init.group(1)) if init else None


def measure(lambda_client, case: Case, colds: int, warms: int) -> dict[str, float]:
    name = f"bench-{uuid.uuid4().hex[:8]}"
    lambda_client.create_function(
        FunctionName=name,
        Runtime=case.runtime,
        Role=ROLE,
        Handler="app.handler",
        Code={"ZipFile": package(case)},
        Timeout=30,
    )
    waiter = lambda_client.get_waiter("function_active_v2")
    waiter.wait(FunctionName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 300})
    cold, init = [], []
    for run in range(colds):
        if run:  # a new version: its first invoke starts a new execution environment
            lambda_client.update_function_configuration(
                FunctionName=name, Environment={"Variables": {"RUN": str(run)}}
            )
            lambda_client.get_waiter("function_updated_v2").wait(
                FunctionName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 300}
            )
        elapsed, init_ms = invoke_ms(lambda_client, name)
        assert init_ms is not None, f"{case.label}: run {run} was not a cold start"
        cold.append(elapsed)
        init.append(init_ms)
    warm = [invoke_ms(lambda_client, name)[0] for _ in range(warms)]
    lambda_client.delete_function(FunctionName=name)
    return {
        "cold": statistics.median(cold),
        "init": statistics.median(init),
        "warm": statistics.median(warm),
        "warm_p95": sorted(warm)[max(0, round(0.95 * len(warm)) - 1)],
    }


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.invoke", description=__doc__)
    parser.add_argument("--cold", type=int, default=5, help="cold starts per case")
    parser.add_argument("--warm", type=int, default=30, help="warm invokes per case")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-invoke-") as state:
        engine = EmbeddedEngine(
            EngineSettings(port=free_port(), state_dir_override=Path(state), approver="")
        )
        engine.start()
        try:
            lambda_client = StackClients(engine.settings.endpoint, "us-east-1").lambda_
            rows = [(case, measure(lambda_client, case, args.cold, args.warm)) for case in CASES]
        finally:
            engine.stop()
    print(
        f"| function (median of {args.cold} cold, {args.warm} warm) | cold invoke | "
        "Init Duration | warm invoke | warm p95 |"
    )
    print("|---|---:|---:|---:|---:|")
    for case, figures in rows:
        print(
            f"| {case.label} | {figures['cold']:.0f} ms | {figures['init']:.0f} ms | "
            f"{figures['warm']:.1f} ms | {figures['warm_p95']:.1f} ms |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
