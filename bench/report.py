"""The side-by-side table (markdown), its ratios, and the project's targets."""

from __future__ import annotations

from typing import Any

GIB_MIB = 1024
LABELS = {"sfnlocal": "sfnlocal", "ministack": "MiniStack"}


def _get(figures: dict, path: str) -> float | None:
    value: Any = figures
    for key in path.split("."):
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value if isinstance(value, int | float) else None


ROWS: list[tuple[str, str, str]] = [
    # (label, path in an engine's figures, unit)
    ("Launch to healthy", "start.launch_to_healthy_s", "s"),
    ("Deploy the sample", "start.deploy_s", "s"),
    ("`make up` (sfnlocal) / start + deploy (MiniStack) to ready", "start.up_to_ready_s", "s"),
    ("Warm execution, start to SNS report observed: p50", "warm.p50_s", "s"),
    ("Warm execution: p95", "warm.p95_s", "s"),
    ("Warm execution: max", "warm.max_s", "s"),
    ("First execution after {idle} s idle (worst of {repeats})", "idle.worst_s", "s"),
    ("{burst} executions at once: all SUCCEEDED, all reports observed", "burst.all_done_s", "s"),
    ("RSS of the engine's process tree after the burst", "memory.after_burst.rss_mib", "MiB"),
    ("RSS at rest (deployed, warm, after the idle wait)", "memory.at_rest.rss_mib", "MiB"),
    ("RSS at rest: the engine process alone", "memory.at_rest.engine_process_rss_mib", "MiB"),
]


def _format(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "s":
        return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"
    return f"{value:.0f} {unit}"


def ratio(ours: float | None, theirs: float | None) -> float | None:
    if ours is None or theirs is None or theirs == 0:
        return None
    return ours / theirs


def table(results: dict) -> str:
    ours = results["engines"].get("sfnlocal", {})
    theirs = results["engines"].get("ministack", {})
    params = results["parameters"]
    lines = [
        f"| metric (lower is better) | sfnlocal (embedded) | MiniStack {results['versions'].get('ministack', '')} | ratio sfnlocal / MiniStack |",  # noqa: E501
        "|---|---:|---:|---:|",
    ]
    for label, path, unit in ROWS:
        label = label.format(
            idle=params["idle_seconds"], repeats=params["idle_repeats"], burst=params["burst"]
        )
        a, b = _get(ours, path), _get(theirs, path)
        r = ratio(a, b)
        lines.append(
            f"| {label} | {_format(a, unit)} | {_format(b, unit)} | "
            f"{'n/a' if r is None else f'{r:.2f}x'} |"
        )
    runs = params["runs"]
    lines.append("")
    checked = ", ".join(
        f"{LABELS.get(name, name)} {count}"
        for name, count in results.get("checked_executions", {}).items()
    )
    lines.append(
        f"Warm latency over {runs} sequential executions after {params['warmup']} warm-up "
        f"runs; every execution checked ({checked})."
    )
    return "\n".join(lines)


def targets(results: dict) -> list[dict]:
    """The project's targets for the benchmark, each met or not, with its figures."""
    ours = results["engines"].get("sfnlocal", {})
    theirs = results["engines"].get("ministack", {})
    found: list[dict] = []

    def add(name: str, value: float | None, limit: float | None, unit: str, how: str) -> None:
        met = None if value is None or limit is None else value <= limit
        found.append(
            {
                "target": name,
                "value": value,
                "limit": limit,
                "unit": unit,
                "met": met,
                "how": how,
            }
        )

    warm, their_warm = _get(ours, "warm.p50_s"), _get(theirs, "warm.p50_s")
    add(
        "warm p50 <= half of MiniStack's",
        warm,
        their_warm / 2 if their_warm else None,
        "s",
        "sfnlocal warm p50 vs 0.5 x MiniStack warm p50",
    )
    idle = _get(ours, "idle.worst_s")
    add(
        "first execution after idle <= 1.5 x warm p50",
        idle,
        warm * 1.5 if warm else None,
        "s",
        "worst first execution after the idle wait vs 1.5 x sfnlocal warm p50",
    )
    burst, their_burst = _get(ours, "burst.all_done_s"), _get(theirs, "burst.all_done_s")
    add(
        "burst done in <= half MiniStack's time",
        burst,
        their_burst / 2 if their_burst else None,
        "s",
        "all SUCCEEDED and all reports observed",
    )
    add(
        "burst RSS <= 1 GiB",
        _get(ours, "memory.after_burst.rss_mib"),
        GIB_MIB,
        "MiB",
        "RSS of the engine's process tree right after the burst",
    )
    up, their_up = _get(ours, "start.up_to_ready_s"), _get(theirs, "start.up_to_ready_s")
    add(
        "`make up` to ready <= 2 x MiniStack start + deploy",
        up,
        their_up * 2 if their_up else None,
        "s",
        "make up (envs installed) vs MiniStack launch to healthy + deploy",
    )
    add(
        "engine RSS at rest <= 300 MiB",
        _get(ours, "memory.at_rest.rss_mib"),
        300,
        "MiB",
        "RSS of the engine's process tree, deployed and warm, after the idle wait",
    )
    return found


def targets_table(found: list[dict]) -> str:
    lines = ["| target | sfnlocal | limit | met |", "|---|---:|---:|:---:|"]
    for t in found:
        unit = t["unit"]
        met = {True: "yes", False: "**no**", None: "n/a"}[t["met"]]
        lines.append(
            f"| {t['target']} | {_format(t['value'], unit)} | {_format(t['limit'], unit)} | {met} |"
        )
    return "\n".join(lines)


def machine_line(machine: dict) -> str:
    load = machine.get("load_average_at_start", ["?"])[0]
    return (
        f"{machine['cpu_model']}, {machine['nproc']} CPUs, {machine['memory_gib']:.1f} GiB, "
        f"Linux {machine['kernel']}, Python {machine['python']} (load average {load} at start)"
    )


def markdown(results: dict) -> str:
    parts = [
        f"Benchmark run {results['finished_at']} on {machine_line(results['machine'])}.",
        "",
        table(results),
        "",
        "Targets:",
        "",
        targets_table(results["targets"]),
        "",
        f"Reproduce: `{results['command']}`",
    ]
    return "\n".join(parts) + "\n"
