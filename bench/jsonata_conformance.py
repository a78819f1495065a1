"""Measure a JSONata evaluator against the official JSONata test suite (data only).

Run it with the Python of an environment that holds ONE evaluator (two of the
candidates install the same ``jsonata`` import name)::

    python bench/jsonata_conformance.py --evaluator jsonata-python --suite DIR

``DIR`` is the suite's folder (``groups/``, ``datasets/``). Each case runs in a
child process that is restarted when a case hangs past ``--case-timeout`` or
crashes the interpreter, so one bad case cannot stop the count. A case passes
when the result is deep-equal to ``result`` (bool is not a number; ``unordered``
compares as a multiset), ``None`` for ``undefinedResult`` (the evaluators give
``None`` for undefined), or when the error raised carries the expected ``code``.
``--workload sfn`` instead times Step Functions-shaped expressions.
"""

from __future__ import annotations

import argparse
import json
import math
import queue
import re
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

CODE = re.compile(r"\b([A-Z]\d{4})\b")
MARK = "@@case "  # marks the child's result lines among whatever else is printed


def compiler(evaluator: str):
    """``compile(expr) -> run(data, bindings, timelimit, depth)`` for one evaluator."""
    if evaluator == "jsonatapy":
        import jsonatapy

        def compile_(expr):
            compiled = jsonatapy.compile(expr)
            return lambda data, bindings, timelimit, depth: compiled.evaluate(
                data, bindings, timeout=timelimit, max_stack_depth=depth
            )

        return compile_
    import jsonata

    if evaluator == "jsonata-rs":

        def compile_(expr):
            compiled = jsonata.Jsonata(expr)

            def run(data, bindings, timelimit, depth):
                if timelimit or depth:
                    compiled.set_runtime_bounds(timelimit or 10**9, depth or 10**6)
                return compiled.evaluate(data, bindings)

            return run

        return compile_

    def compile_(expr):  # jsonata-python
        compiled = jsonata.Jsonata(expr)

        def run(data, bindings, timelimit, depth):
            frame = compiled.create_frame(compiled.environment)
            for name, value in (bindings or {}).items():
                frame.bind(name, value)
            if timelimit or depth:
                frame.set_runtime_bounds(timelimit, depth)
            return compiled.evaluate(data, frame)

        return run

    return compile_


def error_code(error: BaseException) -> str | None:
    for attribute in ("code", "error"):
        value = getattr(error, attribute, None)
        if isinstance(value, str) and CODE.fullmatch(value):
            return value
    found = CODE.search(str(error))
    return found.group(1) if found else None


def same(actual, expected, unordered=False) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(actual) is type(expected) and actual == expected
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return math.isclose(actual, expected, rel_tol=1e-12, abs_tol=1e-300)
    if isinstance(expected, list) and isinstance(actual, list):
        if len(actual) != len(expected):
            return False
        if unordered:
            key = lambda v: json.dumps(v, sort_keys=True)  # noqa: E731
            actual, expected = sorted(actual, key=key), sorted(expected, key=key)
        return all(same(a, e) for a, e in zip(actual, expected, strict=True))
    if isinstance(expected, dict) and isinstance(actual, dict):
        return actual.keys() == expected.keys() and all(
            same(actual[k], expected[k]) for k in expected
        )
    return type(actual) is type(expected) and actual == expected


def cases(suite: Path):
    for path in sorted((suite / "groups").glob("*/*.json")):
        loaded = json.loads(path.read_text())
        for n, case in enumerate(loaded if isinstance(loaded, list) else [loaded]):
            yield (
                f"{path.parent.name}/{path.stem}" + (f"[{n}]" if isinstance(loaded, list) else ""),
                path,
                case,
            )


def run_case(compile_, suite: Path, path: Path, case: dict) -> tuple[bool, float]:
    expr = case.get("expr")
    if expr is None:
        expr = (path.parent / case["expr-file"]).read_text()
    if "data" in case:
        data = case["data"]
    elif case.get("dataset"):
        data = json.loads((suite / "datasets" / f"{case['dataset']}.json").read_text())
    else:
        data = None
    expected_code = case.get("code") or (case.get("error") or {}).get("code")
    started = time.perf_counter()
    try:
        result = compile_(expr)(
            data, case.get("bindings") or {}, case.get("timelimit"), case.get("depth")
        )
    except Exception as error:  # the evaluator's own error type, whatever it is
        return expected_code is not None and error_code(
            error
        ) == expected_code, time.perf_counter() - started
    seconds = time.perf_counter() - started
    if expected_code is not None:
        return False, seconds
    if case.get("undefinedResult"):
        return result is None, seconds
    return same(result, case.get("result"), case.get("unordered", False)), seconds


def child(evaluator: str, suite: Path, start: int) -> None:
    sys.setrecursionlimit(20000)
    compile_ = compiler(evaluator)
    for index, (name, path, case) in enumerate(cases(suite)):
        if index < start:
            continue
        passed, seconds = run_case(compile_, suite, path, case)
        print(
            MARK + json.dumps({"i": index, "case": name, "passed": passed, "s": seconds}),
            flush=True,
        )


def conformance(args) -> None:
    names = [name for name, _, _ in cases(args.suite)]
    results: dict[int, dict] = {}
    start = 0
    while start < len(names):
        command = [sys.executable, __file__, "--child", str(start), "--evaluator", args.evaluator]
        process = subprocess.Popen(
            [*command, "--suite", str(args.suite)], stdout=subprocess.PIPE, text=True
        )
        lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=_pump, args=(process.stdout, lines), daemon=True).start()
        while True:
            try:
                line = lines.get(timeout=args.case_timeout)
            except queue.Empty:  # a case hangs
                process.kill()
                break
            if line is None:
                break
            if not line.startswith(MARK):  # the evaluator printed something itself
                continue
            row = json.loads(line[len(MARK) :])
            results[row["i"]] = row
            start = row["i"] + 1
        process.wait()
        if start < len(names):  # the case at ``start`` hung or crashed the interpreter
            results[start] = {
                "i": start,
                "case": names[start],
                "passed": False,
                "s": None,
                "lost": True,
            }
            start += 1
    report(args.evaluator, results)


def _pump(stream, lines: queue.Queue) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


def report(evaluator: str, results: dict[int, dict]) -> None:
    groups: dict[str, list[dict]] = defaultdict(list)
    for row in results.values():
        groups[row["case"].split("/")[0]].append(row)
    print(f"| group ({evaluator}) | passed | failed |\n|---|---:|---:|")
    for group, rows in sorted(groups.items()):
        passed = sum(row["passed"] for row in rows)
        print(f"| {group} | {passed} | {len(rows) - passed} |")
    passed = sum(row["passed"] for row in results.values())
    lost = [row["case"] for row in results.values() if row.get("lost")]
    times = [row["s"] for row in results.values() if row["s"] is not None]
    print(f"\n{evaluator}: {passed} passed, {len(results) - passed} failed of {len(results)}")
    print(f"hung or crashed: {len(lost)} {lost}")
    print("failed:", " ".join(row["case"] for row in results.values() if not row["passed"]))
    print(
        f"time per case: median {statistics.median(times) * 1e3:.3f} ms, "
        f"mean {statistics.mean(times) * 1e3:.3f} ms, total {sum(times):.2f} s"
    )


# A Step Functions-shaped workload: the $states binding LocalStack gives an
# expression (input + context object), and the sample's kinds of expression.
STATES = {
    "input": {"stock_price": 42, "qty": 7, "id": "0" * 32, "timestamp": "2026-03-24T00:00:00.000Z"},
    "context": {
        "Execution": {"Id": "arn:aws:states:us-east-1:000000000000:execution:m:e", "Input": {}},
        "StateMachine": {"Id": "arn:aws:states:us-east-1:000000000000:stateMachine:m", "Name": "m"},
        "State": {
            "Name": "Buy or Sell?",
            "EnteredTime": "2026-03-24T00:00:00.000Z",
            "RetryCount": 0,
        },
        "Task": {"Token": "t" * 64},
    },
}
SFN_EXPRESSIONS = [
    "$states.input.stock_price > 50",
    '{"id": $states.input.id, "price": $states.input.stock_price, "type": "buy",'
    ' "qty": $states.input.qty}',
    "$states.context.Execution.Id & '/' & $states.context.State.Name",
    "$sum([1..20]) + $count($keys($states.context))",
]


def sfn_workload(args) -> None:
    compile_ = compiler(args.evaluator)
    for expr in SFN_EXPRESSIONS:
        compiled = compile_(expr)
        for _ in range(20):  # warm-up
            compiled(None, {"states": STATES}, None, None)
        runs = []
        for _ in range(args.runs):
            t = time.perf_counter()
            compiled(None, {"states": STATES}, None, None)
            runs.append(time.perf_counter() - t)
        fresh = []
        for _ in range(args.runs // 10):
            t = time.perf_counter()
            compile_(expr)(None, {"states": STATES}, None, None)
            fresh.append(time.perf_counter() - t)
        print(
            f"{args.evaluator}: {expr[:50]!r}: "
            f"evaluate median {statistics.median(runs) * 1e6:.0f} us, "
            f"compile+evaluate median {statistics.median(fresh) * 1e6:.0f} us"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--evaluator", required=True, choices=["jsonata-python", "jsonata-rs", "jsonatapy"]
    )
    parser.add_argument("--suite", type=Path, required=True)
    parser.add_argument("--workload", choices=["suite", "sfn"], default="suite")
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--case-timeout", type=float, default=30)
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.evaluator, args.suite, args.child)
    elif args.workload == "sfn":
        sfn_workload(args)
    else:
        conformance(args)


if __name__ == "__main__":
    main()
