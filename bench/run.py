"""`make bench`: the sample's workload on the project's embedded stack and on
MiniStack, side by side, with ratios; every result checked.

    .venv/bin/python -m bench [--runs 30] [--burst 50] [--idle 15] [--out bench-results]

Each engine runs alone (one after the other), on a free loopback port, with
state of its own; both are stopped, with every process they started, whatever
happens. A wrong result (an execution that did not SUCCEED, a missing or wrong
report) fails the benchmark (exit status 1).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from bench import report
from bench.engines import PREFIX, MiniStack, Sfnlocal, python_version
from bench.errors import BenchmarkError
from bench.install import ensure_ministack
from bench.procs import tree_memory
from bench.workload import Workload, percentile
from sfnlocal.sample.outputs import Outputs

REPO_ROOT = Path(__file__).resolve().parents[1]


def log(message: str) -> None:
    print(message, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="warm executions (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="uncounted warm-up executions")
    parser.add_argument("--burst", type=int, default=50, help="executions started at once")
    parser.add_argument("--idle", type=float, default=15.0, help="idle seconds before one run")
    parser.add_argument("--idle-repeats", type=int, default=2, help="idle waits (worst counts)")
    parser.add_argument(
        "--engines", default="sfnlocal,ministack", help="which to run (default both)"
    )
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "bench-results")
    parser.add_argument("--keep", action="store_true", help="keep the engines' logs and state")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.burst < 1 or args.idle < 0 or args.idle_repeats < 1:
        parser.error("--runs, --burst and --idle-repeats must be >= 1, --idle >= 0")
    return args


def machine() -> dict:
    cpu = "unknown CPU"
    meminfo = 0
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                meminfo = int(line.split()[1]) * 1024
    except OSError:
        pass
    return {
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "cpu_model": cpu,
        "nproc": len(os.sched_getaffinity(0)),
        "memory_gib": meminfo / 1024**3,
        "kernel": platform.release(),
        "python": platform.python_version(),
    }


def measure(engine, args: argparse.Namespace) -> dict:
    """Starts ``engine``, runs the workload on it, and returns its figures."""
    log(f"--- {engine.label}: starting on {engine.endpoint}")
    start = engine.start()
    log(
        f"    healthy {start.launch_to_healthy_s:.2f} s after launch, deploy "
        f"{start.deploy_s:.2f} s, ready {start.up_to_ready_s:.2f} s after the start command"
    )
    outputs = Outputs.from_stack(engine.endpoint, PREFIX, "us-east-1")
    root = engine.root_pid()
    if root is None:
        raise BenchmarkError(f"{engine.label}: its process is gone after starting")
    figures: dict = {
        "endpoint": engine.endpoint,
        "start": {**start.__dict__},
        "memory": {"after_deploy": tree_memory(root).as_dict()},
    }
    workload = Workload(engine.endpoint, outputs, args.burst)
    try:
        warmup = [workload.run_one(price) for price in _prices(args.warmup, 11)]
        figures["first_execution_after_deploy_s"] = warmup[0] if warmup else None
        log(f"    warm-up: {', '.join(f'{s * 1000:.0f} ms' for s in warmup)}")
        latencies = [workload.run_one(price) for price in _prices(args.runs, 0)]
        figures["warm"] = {
            "runs": len(latencies),
            "p50_s": statistics.median(latencies),
            "p95_s": percentile(latencies, 0.95),
            "max_s": max(latencies),
            "min_s": min(latencies),
            "all_s": latencies,
        }
        log(
            f"    warm: p50 {figures['warm']['p50_s'] * 1000:.0f} ms, p95 "
            f"{figures['warm']['p95_s'] * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms"
        )
        idle_runs = []
        for repeat in range(args.idle_repeats):
            time.sleep(args.idle)
            if repeat == args.idle_repeats - 1:
                figures["memory"]["at_rest"] = tree_memory(root).as_dict()
            idle_runs.append(workload.run_one(77 if repeat % 2 else 23))
        figures["idle"] = {
            "idle_seconds": args.idle,
            "worst_s": max(idle_runs),
            "all_s": idle_runs,
        }
        log(f"    after {args.idle:.0f} s idle: {', '.join(f'{s:.3f} s' for s in idle_runs)}")
        figures["burst"] = workload.burst(args.burst)
        figures["memory"]["after_burst"] = tree_memory(root).as_dict()
        log(
            f"    {args.burst} at once: {figures['burst']['all_done_s']:.2f} s; RSS after "
            f"{figures['memory']['after_burst']['rss_mib']:.0f} MiB, at rest "
            f"{figures['memory']['at_rest']['rss_mib']:.0f} MiB"
        )
        figures["checked_executions"] = workload.checked
    finally:
        workload.close()
    return figures


def _prices(count: int, offset: int) -> list[int]:
    """Prices that alternate buy and sell (the threshold is 50)."""
    return [(37 * i + offset) % 49 + (51 if i % 2 else 0) for i in range(count)]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    wanted = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = set(wanted) - {"sfnlocal", "ministack"}
    if unknown:
        log(f"error: unknown engine(s) {sorted(unknown)}: choose sfnlocal, ministack")
        return 2

    def on_signal(signum, _frame):
        raise SystemExit(f"interrupted by signal {signal.Signals(signum).name}")

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    load = os.getloadavg()[0]
    if load > len(os.sched_getaffinity(0)):
        log(
            f"note: the load average is {load:.1f} on {len(os.sched_getaffinity(0))} CPUs: other "
            "work competes with the engines, and the figures will show it"
        )
    work_dir = Path(tempfile.mkdtemp(prefix="sfnlocal-bench-"))
    versions = {"localstack-core": _engine_version()}
    engines = []
    ok = False
    results: dict = {
        "command": "make bench",
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "parameters": {
            "runs": args.runs,
            "warmup": args.warmup,
            "burst": args.burst,
            "idle_seconds": args.idle,
            "idle_repeats": args.idle_repeats,
        },
        "versions": versions,
        "engines": {},
    }
    try:
        if "ministack" in wanted:
            venv = ensure_ministack(REPO_ROOT, log)
            versions["ministack"] = _installed_version(venv, "ministack")
            versions["ministack_python"] = python_version(venv / "bin" / "python")
        if "sfnlocal" in wanted:
            engines.append(Sfnlocal(REPO_ROOT, work_dir))
        if "ministack" in wanted:
            engines.append(MiniStack(REPO_ROOT, work_dir, venv))
        for engine in engines:
            try:
                results["engines"][engine.name] = measure(engine, args)
            except BaseException:
                log(engine.log_tail())
                raise
            finally:
                log(f"    stopping {engine.label}")
                engine.stop()
        ok = True
    except BenchmarkError as error:
        log(f"BENCHMARK FAILED: {error}")
    except (KeyboardInterrupt, SystemExit) as error:
        log(f"benchmark stopped: {error or 'interrupted'}")
    finally:
        for engine in engines:
            engine.stop()
        if ok and not args.keep:
            shutil.rmtree(work_dir, ignore_errors=True)
        else:
            log(f"logs and state kept in {work_dir}")
    if not ok:
        return 1

    results["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["checked_executions"] = {
        name: figures.get("checked_executions") for name, figures in results["engines"].items()
    }
    results["targets"] = report.targets(results)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    text = report.markdown(results)
    (args.out / "latest.md").write_text(text)
    log("")
    log(text)
    log(f"figures: {args.out / 'latest.json'}, table: {args.out / 'latest.md'}")
    return 0


def _engine_version() -> str:
    engine_python = REPO_ROOT / ".engine" / "venv" / "bin" / "python"
    return _installed_version(engine_python.parents[1], "localstack-core")


def _installed_version(venv: Path, package: str) -> str:
    for site in venv.glob("lib/python*/site-packages"):
        dists = list(metadata.distributions(path=[str(site)]))
        for dist in dists:
            if dist.metadata["Name"].lower() == package:
                return dist.version
    return "?"


if __name__ == "__main__":
    sys.exit(main())
