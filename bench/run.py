"""`make bench`: the sample's workload on the project's embedded stack, its
container stack and MiniStack, side by side, with ratios and the project's
targets; every result checked.

    .venv/bin/python -m bench [--engines sfnlocal,container,ministack] [--runs 30]
        [--burst 50] [--big-burst 1000] [--idle 15] [--out bench-results]

Each engine runs alone (one after the other), on a free loopback port, with
state of its own; each is stopped, with every process (or container) it started,
whatever happens. A wrong result (an execution that did not SUCCEED, a missing or
wrong report) fails the benchmark (exit status 1), and so does a burst of the
project's stacks that does not finish within its deadline (its figures are still
written). MiniStack's big burst that does not finish within its deadline is
recorded as not finished.
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
from bench.engines import PREFIX, Container, MiniStack, Sfnlocal, python_version
from bench.errors import BenchmarkError
from bench.install import ensure_ministack
from bench.sampler import PeakMemory
from bench.workload import BurstNotFinished, Workload, percentile
from sfnlocal.engine.compose import docker_available
from sfnlocal.sample.outputs import Outputs

REPO_ROOT = Path(__file__).resolve().parents[1]
ENGINES = ("sfnlocal", "container", "ministack")
NO_DOCKER = "no Docker engine"
BIG_BURST_TIMEOUT = 600.0  # the target is 30 s; a loaded machine takes much longer


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
        "--big-burst",
        type=int,
        default=1000,
        help="executions started at once in the big burst, last (default 1000; 0: none)",
    )
    parser.add_argument(
        "--big-burst-deadline",
        type=float,
        default=BIG_BURST_TIMEOUT,
        help=f"seconds the project's stacks get for it (default {BIG_BURST_TIMEOUT:.0f})",
    )
    parser.add_argument(
        "--ministack-deadline",
        type=float,
        default=120.0,
        help="seconds MiniStack gets for the big burst; unfinished is recorded (default 120)",
    )
    parser.add_argument(
        "--memory-cap-gib",
        type=float,
        default=8.0,
        help="stop an engine's big burst once its RSS passes this (the machine is shared)",
    )
    parser.add_argument(
        "--engines",
        default="auto",
        help="comma-separated: sfnlocal (embedded), container, ministack; default auto: "
        "all three, the container only when a Docker engine answers",
    )
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "bench-results")
    parser.add_argument("--keep", action="store_true", help="keep the engines' logs and state")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.burst < 1 or args.idle < 0 or args.idle_repeats < 1:
        parser.error("--runs, --burst and --idle-repeats must be >= 1, --idle >= 0")
    if args.big_burst < 0 or args.big_burst_deadline <= 0 or args.ministack_deadline <= 0:
        parser.error("--big-burst must be >= 0, its deadlines > 0")
    return args


def choose_engines(requested: str, docker: bool) -> tuple[list[str], dict[str, str]]:
    """The engines to run, in order, and why each other one is not measured.

    ``auto`` runs all three, the container only when ``docker``; naming the
    container without a Docker engine is an error (:class:`ValueError`)."""
    if requested.strip() == "auto":
        wanted = list(ENGINES)
        skipped: dict[str, str] = {}
        if not docker:
            wanted.remove("container")
            skipped["container"] = NO_DOCKER
        return wanted, skipped
    wanted = [e.strip() for e in requested.split(",") if e.strip()]
    unknown = sorted(set(wanted) - set(ENGINES))
    if unknown or not wanted:
        raise ValueError(f"unknown engine(s) {unknown}: choose from {', '.join(ENGINES)}")
    if "container" in wanted and not docker:
        raise ValueError("--engines names the container, but no Docker engine answers")
    ordered = [e for e in ENGINES if e in wanted]
    return ordered, {e: "not selected (--engines)" for e in ENGINES if e not in wanted}


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
    figures: dict = {
        "endpoint": engine.endpoint,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "start": {**start.__dict__},
        "memory": {"after_deploy": engine.memory()},
    }
    workload = Workload(engine.endpoint, outputs, max(args.burst, args.big_burst))
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
                figures["memory"]["at_rest"] = engine.memory()
            idle_runs.append(workload.run_one(77 if repeat % 2 else 23))
        figures["idle"] = {
            "idle_seconds": args.idle,
            "worst_s": max(idle_runs),
            "all_s": idle_runs,
        }
        log(f"    after {args.idle:.0f} s idle: {', '.join(f'{s:.3f} s' for s in idle_runs)}")
        figures["burst"] = workload.burst(args.burst)
        figures["memory"]["after_burst"] = engine.memory()
        log(
            f"    {args.burst} at once: {figures['burst']['all_done_s']:.2f} s; RSS after "
            f"{figures['memory']['after_burst']['rss_mib']:.0f} MiB, at rest "
            f"{figures['memory']['at_rest']['rss_mib']:.0f} MiB"
        )
        if args.big_burst:
            figures["big_burst"] = big_burst(engine, workload, args)
    finally:
        figures["checked_executions"] = workload.checked
        workload.close()
    return figures


def warn_if_not_quiet(when: str) -> None:
    """Says so when other work loads the machine: its figures would be noise."""
    load = os.getloadavg()[0]
    if load > report.QUIET_LOAD:
        log(
            f"WARNING: the load average is {load:.2f} at the {when} on "
            f"{len(os.sched_getaffinity(0))} CPUs, above {report.QUIET_LOAD:g}: the machine is "
            "not quiet, and these figures are noise, not a result (measure alone)"
        )


def big_burst(engine, workload: Workload, args: argparse.Namespace) -> dict:
    """The big burst, its peak memory sampled; a deadline (or memory cap) that passes
    is recorded, not raised: the caller decides what it means for this engine."""
    size = args.big_burst
    deadline = args.ministack_deadline if engine.name == "ministack" else args.big_burst_deadline
    log(f"    {size} at once (deadline {deadline:.0f} s, memory cap {args.memory_cap_gib:g} GiB)")
    with PeakMemory(engine.memory, cap_mib=args.memory_cap_gib * 1024) as peak:
        try:
            figures = workload.burst(
                size,
                deadline=deadline,
                progress=lambda line: log(
                    f"      {line}, RSS {peak.peak.get('rss_mib', 0):.0f} MiB"
                ),
                stop_reason=peak.over_cap,
            )
            figures["finished"] = True
        except BurstNotFinished as error:
            figures = {
                "size": size,
                "finished": False,
                "reason": str(error),
                "observed": error.observed,
                "elapsed_s": error.elapsed,
            }
    figures.update({"deadline_s": deadline, "peak": peak.peak, "memory_samples": peak.samples})
    if figures["finished"]:
        log(
            f"    {size} at once: {figures['all_done_s']:.2f} s (all reports observed "
            f"{figures['all_reports_observed_s']:.2f} s), peak RSS "
            f"{peak.peak.get('rss_mib', 0):.0f} MiB"
        )
    else:
        log(f"    NOT FINISHED: {figures['reason']}")
    return figures


def _prices(count: int, offset: int) -> list[int]:
    """Prices that alternate buy and sell (the threshold is 50)."""
    return [(37 * i + offset) % 49 + (51 if i % 2 else 0) for i in range(count)]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    docker = docker_available()
    try:
        wanted, skipped = choose_engines(args.engines, docker)
    except ValueError as error:
        log(f"error: {error}")
        return 2
    if skipped.get("container") == NO_DOCKER:
        log(
            "note: no Docker engine with Compose v2 answers ('docker info'): the container "
            "stack is not measured (scripts/install-docker.sh starts one)"
        )

    def on_signal(signum, _frame):
        raise SystemExit(f"interrupted by signal {signal.Signals(signum).name}")

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    warn_if_not_quiet("start")
    work_dir = Path(tempfile.mkdtemp(prefix="sfnlocal-bench-"))
    versions = {"localstack-core": _engine_version()}
    engines = []
    ok = False
    results: dict = {
        "command": command_line(argv),
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "parameters": {
            "runs": args.runs,
            "warmup": args.warmup,
            "burst": args.burst,
            "idle_seconds": args.idle,
            "idle_repeats": args.idle_repeats,
            "big_burst": args.big_burst,
            "big_burst_deadline_s": args.big_burst_deadline,
            "ministack_deadline_s": args.ministack_deadline,
            "memory_cap_gib": args.memory_cap_gib,
        },
        "versions": versions,
        "engines": {},
        "not_measured": skipped,
        "notes": [],
    }
    try:
        if "ministack" in wanted:
            venv = ensure_ministack(REPO_ROOT, log)
            versions["ministack"] = _installed_version(venv, "ministack")
            versions["ministack_python"] = python_version(venv / "bin" / "python")
        if "sfnlocal" in wanted:
            engines.append(Sfnlocal(REPO_ROOT, work_dir))
        if "container" in wanted:
            container = Container(REPO_ROOT, work_dir)
            versions["image"] = container.image
            engines.append(container)
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
        unfinished = unfinished_bursts(results)
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
    warn_if_not_quiet("end")
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
    if unfinished:
        log(f"BENCHMARK FAILED: the big burst did not finish on {', '.join(unfinished)}")
        return 1
    return 0


def command_line(argv: list[str] | None) -> str:
    given = sys.argv[1:] if argv is None else argv
    return "make bench" + (f' ARGS="{" ".join(given)}"' if given else "")


def unfinished_bursts(results: dict) -> list[str]:
    """The project's stacks whose big burst did not finish (MiniStack's is only noted)."""
    unfinished = []
    for name, figures in results["engines"].items():
        big = figures.get("big_burst") or {}
        if big.get("finished") is False:
            if name == "ministack":
                results["notes"].append(
                    f"MiniStack's big burst did not finish (its deadline: "
                    f"{big['deadline_s']:.0f} s): {big['reason']}."
                )
            else:
                unfinished.append(report.LABELS.get(name, name))
    return unfinished


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
