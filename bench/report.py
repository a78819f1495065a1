"""The side-by-side table (markdown), its ratios, and the project's targets (issue 17)."""

from __future__ import annotations

from typing import Any

GIB_MIB = 1024
ENGINES = ("sfnlocal", "container", "ministack")
LABELS = {
    "sfnlocal": "sfnlocal (embedded)",
    "container": "sfnlocal (container)",
    "ministack": "MiniStack",
}


def _get(figures: dict, path: str) -> float | None:
    value: Any = figures
    for key in path.split("."):
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


ROWS: list[tuple[str, str, str]] = [
    # (label, path in an engine's figures, unit)
    ("Launch to healthy", "start.launch_to_healthy_s", "s"),
    ("Deploy the sample", "start.deploy_s", "s"),
    (
        "`make up` to ready (embedded) / `docker compose up --wait` (container) / "
        "start + deploy (MiniStack)",
        "start.up_to_ready_s",
        "s",
    ),
    ("Warm execution, start to SNS report observed: p50", "warm.p50_s", "s"),
    ("Warm execution: p95", "warm.p95_s", "s"),
    ("Warm execution: max", "warm.max_s", "s"),
    ("First execution after {idle} s idle (worst of {repeats})", "idle.worst_s", "s"),
    ("{burst} executions at once: all SUCCEEDED, all reports observed", "burst.all_done_s", "s"),
    ("RSS of the engine's process tree after the {burst}", "memory.after_burst.rss_mib", "MiB"),
    ("RSS at rest (deployed, warm, after the idle wait)", "memory.at_rest.rss_mib", "MiB"),
    ("RSS at rest: the engine process alone", "memory.at_rest.engine_process_rss_mib", "MiB"),
    ("Container memory at rest (`docker stats`: cgroup)", "memory.at_rest.docker_stats_mib", "MiB"),
    ("{big} executions at once: all SUCCEEDED, all reports observed", "big_burst.all_done_s", "s"),
    ("{big} at once: peak RSS of the process tree", "big_burst.peak.rss_mib", "MiB"),
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


def _ratio_text(r: float | None) -> str:
    return "n/a" if r is None else f"{r:.2f}x"


def not_measured(results: dict, engine: str) -> str:
    """Why ``engine`` has no figures: the reason the run recorded, else 'not run'."""
    return results.get("not_measured", {}).get(engine, "not run")


def _unfinished(figures: dict) -> str | None:
    big = figures.get("big_burst")
    if isinstance(big, dict) and big.get("finished") is False:
        return (
            f"not finished: {big.get('observed', '?')} of {big.get('size', '?')} "
            f"in {big.get('elapsed_s', 0):.0f} s"
        )
    return None


def _cell(results: dict, engine: str, path: str, unit: str) -> str:
    figures = results["engines"].get(engine)
    if figures is None:
        return "not measured"  # why: above the table
    if path == "big_burst.all_done_s" and (why := _unfinished(figures)):
        return why
    return _format(_get(figures, path), unit)


def table(results: dict) -> str:
    engines = results["engines"]
    params = results["parameters"]
    mini = f"MiniStack {results['versions'].get('ministack', '')}".strip()
    lines = [
        "| metric (lower is better) | sfnlocal (embedded) | sfnlocal (container) | "
        f"{mini} | embedded / MiniStack | container / MiniStack |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, path, unit in ROWS:
        label = label.format(
            idle=params["idle_seconds"],
            repeats=params["idle_repeats"],
            burst=params["burst"],
            big=params.get("big_burst", 0),
        )
        if path.startswith("big_burst") and not params.get("big_burst"):
            continue
        values = {name: _get(engines.get(name, {}), path) for name in ENGINES}
        cells = [_cell(results, name, path, unit) for name in ENGINES]
        ratios = [
            _ratio_text(ratio(values["sfnlocal"], values["ministack"])),
            _ratio_text(ratio(values["container"], values["ministack"])),
        ]
        lines.append(f"| {label} | {' | '.join(cells)} | {' | '.join(ratios)} |")
    lines.append("")
    checked = ", ".join(
        f"{LABELS.get(name, name)} {count}"
        for name, count in results.get("checked_executions", {}).items()
    )
    lines.append(
        f"Warm latency over {params['runs']} sequential executions after {params['warmup']} "
        f"warm-up runs; every execution checked ({checked})."
    )
    return "\n".join(lines)


def _target(
    name: str,
    value: float | None,
    limit: float | None,
    unit: str,
    why_no_value: str | None = None,
    why_no_limit: str | None = None,
    unfinished: str | None = None,
) -> dict:
    """One target: met is True/False when both figures exist, False when the work did
    not finish (``unfinished`` says how far it got), else None with the reason."""
    reason = None
    if unfinished:
        met: bool | None = False
    else:
        if value is None:
            reason = why_no_value or "not measured"
        elif limit is None:
            reason = why_no_limit or "not measured"
        met = None if reason else value <= limit
    return {
        "target": name,
        "value": value,
        "limit": limit,
        "unit": unit,
        "met": met,
        "not_measured": reason,
        "unfinished": unfinished,
    }


def targets(results: dict) -> list[dict]:
    """Issue 17's targets, each met or not (or not measured, and why), with its figures."""
    engines = results["engines"]
    params = results["parameters"]
    emb = engines.get("sfnlocal", {})
    con = engines.get("container", {})
    mini = engines.get("ministack", {})

    def why(engine: str) -> str | None:
        return None if engine in engines else f"{LABELS[engine]}: {not_measured(results, engine)}"

    def scaled(figures: dict, path: str, factor: float) -> float | None:
        value = _get(figures, path)
        return None if value is None else value * factor

    found: list[dict] = []

    def add(name: str, engine: str, figures: dict, path: str, unit: str, limit, limit_engine):
        value = _get(figures, path)
        why_value = why(engine) or (None if value is not None else f"{LABELS[engine]}: no figure")
        unfinished = _unfinished(figures) if path == "big_burst.all_done_s" else None
        why_limit = why(limit_engine) if limit_engine else None
        found.append(_target(name, value, limit, unit, why_value, why_limit, unfinished))

    add("warm p50 <= 40 ms", "sfnlocal", emb, "warm.p50_s", "s", 0.040, None)
    add(
        "warm p50 <= 0.1x MiniStack's",
        "sfnlocal",
        emb,
        "warm.p50_s",
        "s",
        scaled(mini, "warm.p50_s", 0.1),
        "ministack",
    )
    add(
        f"first execution after {params['idle_seconds']:g} s idle <= 1.5x warm p50",
        "sfnlocal",
        emb,
        "idle.worst_s",
        "s",
        scaled(emb, "warm.p50_s", 1.5),
        "sfnlocal",
    )
    add(
        f"{params['burst']} at once <= 0.1x MiniStack's time",
        "sfnlocal",
        emb,
        "burst.all_done_s",
        "s",
        scaled(mini, "burst.all_done_s", 0.1),
        "ministack",
    )
    big = params.get("big_burst", 0)
    if big:
        for engine, figures in (("sfnlocal", emb), ("container", con)):
            where = "embedded" if engine == "sfnlocal" else "container"
            add(
                f"{big} at once <= 30 s ({where})",
                engine,
                figures,
                "big_burst.all_done_s",
                "s",
                30.0,
                None,
            )
            add(
                f"{big} at once: peak RSS <= 1.5 GiB ({where})",
                engine,
                figures,
                "big_burst.peak.rss_mib",
                "MiB",
                1.5 * GIB_MIB,
                None,
            )
    add(
        "launch to healthy <= 1.0x MiniStack's",
        "sfnlocal",
        emb,
        "start.launch_to_healthy_s",
        "s",
        scaled(mini, "start.launch_to_healthy_s", 1.0),
        "ministack",
    )
    add(
        "embedded `make up` to ready <= 1.0x MiniStack's start + deploy",
        "sfnlocal",
        emb,
        "start.up_to_ready_s",
        "s",
        scaled(mini, "start.up_to_ready_s", 1.0),
        "ministack",
    )
    add(
        "RSS at rest <= 1.0x MiniStack's process tree",
        "sfnlocal",
        emb,
        "memory.at_rest.rss_mib",
        "MiB",
        scaled(mini, "memory.at_rest.rss_mib", 1.0),
        "ministack",
    )
    add(
        "container `make up` to ready <= 2x the embedded stack's",
        "container",
        con,
        "start.up_to_ready_s",
        "s",
        scaled(emb, "start.up_to_ready_s", 2.0),
        "sfnlocal",
    )
    return found


def targets_table(found: list[dict]) -> str:
    lines = ["| target | figure | limit | met |", "|---|---:|---:|:---:|"]
    for t in found:
        unit = t["unit"]
        if t["met"] is None:
            met = f"not measured: {t['not_measured']}"
        else:
            met = "yes" if t["met"] else "**no**"
        figure = t.get("unfinished") or _format(t["value"], unit)
        lines.append(f"| {t['target']} | {figure} | {_format(t['limit'], unit)} | {met} |")
    return "\n".join(lines)


def machine_line(machine: dict) -> str:
    start = machine.get("load_average_at_start", ["?"])
    end = machine.get("load_average_at_end")
    load = f"load average {start[0]} at start" + (f", {end[0]} at the end" if end else "")
    return (
        f"{machine['cpu_model']}, {machine['nproc']} CPUs, {machine['memory_gib']:.1f} GiB, "
        f"Linux {machine['kernel']}, Python {machine['python']} ({load})"
    )


QUIET_LOAD = 1.0
"""The 1-minute load average above which a machine is not quiet: its figures are noise."""


def load_note(machine: dict) -> str | None:
    """A label for figures measured on a machine that was not quiet, at the start or the end."""
    loads = [machine.get("load_average_at_start", [0])[0]]
    loads += [machine.get("load_average_at_end", [0])[0]]
    worst = max(x for x in loads if isinstance(x, int | float))
    if worst > QUIET_LOAD:
        return (
            f"Measured under load: the 1-minute load average reached {worst} on "
            f"{machine['nproc']} CPUs, above {QUIET_LOAD:g} (not a quiet machine): these "
            "figures are noise, not a result; measure again alone."
        )
    return None


def markdown(results: dict) -> str:
    parts = [
        f"Benchmark run {results['finished_at']} on {machine_line(results['machine'])}.",
        "",
    ]
    if note := load_note(results["machine"]):
        parts += [note, ""]
    for engine, reason in results.get("not_measured", {}).items():
        parts += [f"{LABELS.get(engine, engine)}: not measured: {reason}.", ""]
    for line in results.get("notes", []):
        parts += [line, ""]
    parts += [
        table(results),
        "",
        "Targets (issue 17):",
        "",
        targets_table(results["targets"]),
        "",
        f"Reproduce: `{results['command']}`",
    ]
    return "\n".join(parts) + "\n"
