"""`make bench`'s targets (issue 17) and its tables, from figures given here (no engine)."""

from __future__ import annotations

import copy

import pytest

from bench import report
from bench.run import unfinished_bursts


def engine_figures(
    *,
    warm: float,
    idle: float,
    burst: float,
    launch: float,
    up: float,
    rss_at_rest: float,
    big: float | None = None,
    big_peak: float | None = None,
) -> dict:
    figures = {
        "start": {"launch_to_healthy_s": launch, "deploy_s": up - launch, "up_to_ready_s": up},
        "warm": {"p50_s": warm, "p95_s": warm * 1.2, "max_s": warm * 1.5},
        "idle": {"worst_s": idle},
        "burst": {"all_done_s": burst},
        "memory": {
            "at_rest": {"rss_mib": rss_at_rest, "engine_process_rss_mib": rss_at_rest / 2},
            "after_burst": {"rss_mib": rss_at_rest * 1.3},
        },
    }
    if big is not None:
        figures["big_burst"] = {
            "size": 1000,
            "finished": True,
            "all_done_s": big,
            "peak": {"rss_mib": big_peak},
        }
    return figures


def results(**overrides) -> dict:
    found = {
        "finished_at": "2026-12-01T13:00:00+00:00",
        "command": "make bench",
        "machine": {
            "cpu_model": "AMD EPYC",
            "nproc": 2,
            "memory_gib": 23.5,
            "kernel": "6.18",
            "python": "3.13.0",
            "load_average_at_start": [0.7, 1.0, 1.0],
            "load_average_at_end": [0.9, 1.0, 1.0],
        },
        "parameters": {
            "runs": 30,
            "warmup": 3,
            "burst": 50,
            "idle_seconds": 15.0,
            "idle_repeats": 2,
            "big_burst": 1000,
        },
        "versions": {"ministack": "1.5.33"},
        "checked_executions": {"sfnlocal": 1085, "container": 1085, "ministack": 85},
        "not_measured": {},
        "engines": {
            "sfnlocal": engine_figures(
                warm=0.030, idle=0.040, burst=2.0, launch=0.5, up=6.0, rss_at_rest=250,
                big=20.0, big_peak=900,
            ),
            "container": engine_figures(
                warm=0.035, idle=0.050, burst=2.5, launch=3.0, up=11.0, rss_at_rest=400,
                big=25.0, big_peak=1000,
            ),
            "ministack": engine_figures(
                warm=0.400, idle=0.350, burst=25.0, launch=0.6, up=7.0, rss_at_rest=288,
            ),
        },
    }  # fmt: skip
    found.update(overrides)
    return found


def by_name(found: list[dict]) -> dict[str, dict]:
    return {t["target"]: t for t in found}


def test_every_target_of_issue_17_is_evaluated_against_its_limit():
    # GIVEN figures of the three engines that meet every target
    # WHEN the targets are evaluated
    found = by_name(report.targets(results()))

    # THEN each of issue 17's targets is there, with its limit computed from the right figure
    limits = {name: t["limit"] for name, t in found.items()}
    assert limits == pytest.approx(
        {
            "warm p50 <= 40 ms": 0.040,
            "warm p50 <= 0.1x MiniStack's": 0.040,
            "first execution after 15 s idle <= 1.5x warm p50": 0.045,
            "50 at once <= 0.1x MiniStack's time": 2.5,
            "1000 at once <= 30 s (embedded)": 30.0,
            "1000 at once: peak RSS <= 1.5 GiB (embedded)": 1536,
            "1000 at once <= 30 s (container)": 30.0,
            "1000 at once: peak RSS <= 1.5 GiB (container)": 1536,
            "launch to healthy <= 1.0x MiniStack's": 0.6,
            "embedded `make up` to ready <= 1.0x MiniStack's start + deploy": 7.0,
            "RSS at rest <= 1.0x MiniStack's process tree": 288,
            "container `make up` to ready <= 2x the embedded stack's": 12.0,
        }
    )
    assert all(t["met"] is True for t in found.values())
    assert found["container `make up` to ready <= 2x the embedded stack's"]["value"] == 11.0


def test_a_figure_over_its_limit_is_not_met_and_one_at_the_limit_is():
    # GIVEN an embedded warm p50 of 50 ms and RSS at rest exactly MiniStack's
    given = results()
    given["engines"]["sfnlocal"]["warm"]["p50_s"] = 0.050
    given["engines"]["sfnlocal"]["memory"]["at_rest"]["rss_mib"] = 288

    found = by_name(report.targets(given))

    # THEN the 40 ms target is missed, 0.1x MiniStack's (40 ms) too, the RSS one is met
    assert found["warm p50 <= 40 ms"]["met"] is False
    assert found["warm p50 <= 0.1x MiniStack's"]["met"] is False
    assert found["RSS at rest <= 1.0x MiniStack's process tree"]["met"] is True
    # and the idle target follows the new warm p50 (1.5 x 50 ms)
    assert found["first execution after 15 s idle <= 1.5x warm p50"]["limit"] == pytest.approx(
        0.075
    )


def test_without_docker_the_container_rows_say_not_measured_no_docker_engine():
    # GIVEN a run without the container (no Docker engine answered)
    given = results(not_measured={"container": "no Docker engine"})
    del given["engines"]["container"]

    found = by_name(report.targets(given))
    text = report.targets_table(report.targets(given))

    # THEN its targets are neither met nor missed, and say why
    for name in (
        "1000 at once <= 30 s (container)",
        "container `make up` to ready <= 2x the embedded stack's",
    ):
        assert found[name]["met"] is None
        assert "no Docker engine" in found[name]["not_measured"]
    row = next(line for line in text.splitlines() if "container `make up`" in line)
    assert row.endswith("| not measured: sfnlocal (container): no Docker engine |")
    # and the embedded stack's own targets are still evaluated
    assert found["warm p50 <= 40 ms"]["met"] is True


def test_without_ministack_the_ratio_targets_are_not_measured_and_the_absolute_ones_are():
    given = results(not_measured={"ministack": "not selected (--engines)"})
    del given["engines"]["ministack"]

    found = by_name(report.targets(given))

    assert found["warm p50 <= 0.1x MiniStack's"]["met"] is None
    assert "MiniStack: not selected" in found["warm p50 <= 0.1x MiniStack's"]["not_measured"]
    assert found["warm p50 <= 40 ms"]["met"] is True
    assert found["1000 at once <= 30 s (embedded)"]["met"] is True


def test_a_big_burst_that_did_not_finish_misses_its_target_and_says_how_far_it_got():
    given = results()
    given["engines"]["container"]["big_burst"] = {
        "size": 1000,
        "finished": False,
        "observed": 420,
        "elapsed_s": 300.2,
        "peak": {"rss_mib": 1200},
    }

    found = by_name(report.targets(given))
    text = report.targets_table(report.targets(given))

    target = found["1000 at once <= 30 s (container)"]
    assert target["met"] is False
    row = next(line for line in text.splitlines() if "1000 at once <= 30 s (container)" in line)
    assert "not finished: 420 of 1000 in 300 s" in row
    assert row.endswith("| **no** |")
    # its peak memory up to then still counts
    assert found["1000 at once: peak RSS <= 1.5 GiB (container)"]["met"] is True


def test_the_side_by_side_table_has_the_three_engines_and_both_ratios():
    text = report.table(results())
    header, _, *rows = text.splitlines()

    assert header.count("|") == 7
    assert "sfnlocal (container)" in header and "MiniStack 1.5.33" in header
    warm = next(r for r in rows if r.startswith("| Warm execution, start to SNS report"))
    assert warm.split(" | ")[1:] == ["30 ms", "35 ms", "400 ms", "0.07x", "0.09x |"]
    big = next(r for r in rows if r.startswith("| 1000 executions at once"))
    assert "| 20.00 s | 25.00 s | n/a |" in big


def test_the_table_shows_an_engine_not_run_and_ministacks_unfinished_burst():
    given = results(not_measured={"container": "no Docker engine"})
    del given["engines"]["container"]
    given["engines"]["ministack"]["big_burst"] = {
        "size": 1000,
        "finished": False,
        "observed": 130,
        "elapsed_s": 120.4,
    }

    rows = report.table(given).splitlines()

    launch = next(r for r in rows if r.startswith("| Launch to healthy"))
    assert launch.split(" | ")[2] == "not measured"
    big = next(r for r in rows if r.startswith("| 1000 executions at once"))
    assert "not finished: 130 of 1000 in 120 s" in big


def test_the_results_file_says_why_an_engine_is_missing_and_when_the_machine_was_loaded():
    given = results(not_measured={"container": "no Docker engine"})
    del given["engines"]["container"]
    given["machine"]["load_average_at_end"] = [7.25, 5.0, 4.0]
    given["targets"] = report.targets(given)

    text = report.markdown(given)

    assert "sfnlocal (container): not measured: no Docker engine." in text
    assert "Measured under load: the 1-minute load average reached 7.25 on 2 CPUs" in text
    assert "not a quiet machine" in text
    assert "Targets (issue 17):" in text
    assert "Reproduce: `make bench`" in text


def test_an_unloaded_machine_gets_no_load_label():
    given = results()
    given["targets"] = report.targets(given)

    assert "Measured under load" not in report.markdown(given)


def test_an_unfinished_burst_fails_the_project_stacks_and_is_a_note_for_ministack():
    given = copy.deepcopy(results(notes=[]))
    for name in ("container", "ministack"):
        given["engines"][name]["big_burst"] = {
            "size": 1000,
            "finished": False,
            "reason": "its deadline of 120 s passed",
            "deadline_s": 120.0,
            "observed": 10,
            "elapsed_s": 120.0,
        }

    failed = unfinished_bursts(given)

    assert failed == ["sfnlocal (container)"]
    assert given["notes"] == [
        "MiniStack's big burst did not finish (its deadline: 120 s): its deadline of 120 s passed."
    ]


def test_a_load_above_one_at_the_start_alone_marks_the_figures_as_noise():
    # GIVEN a run that started while other work ran (1.4 on 2 CPUs) and ended quiet
    given = results()
    given["machine"]["load_average_at_start"] = [1.4, 1.0, 1.0]
    given["targets"] = report.targets(given)
    # WHEN it is reported THEN the figures say they are noise, with the load beside them
    text = report.markdown(given)
    assert "the 1-minute load average reached 1.4 on 2 CPUs, above 1" in text
    assert "load average 1.4 at start, 0.9 at the end" in text
