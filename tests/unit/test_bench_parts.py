"""`make bench`'s small pure parts: which engines run, a container's cgroup memory, Docker's
timestamps, the peak-memory sampler's figures (no engine, no thread)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bench.cgroup import memory_cgroup, memory_in, parse_stat
from bench.engines import parse_docker_time
from bench.run import NO_DOCKER, choose_engines
from bench.sampler import PeakMemory


def test_by_default_all_three_engines_run_when_docker_answers():
    assert choose_engines("auto", docker=True) == (["sfnlocal", "container", "ministack"], {})


def test_by_default_without_docker_the_container_is_skipped_with_its_reason():
    wanted, skipped = choose_engines("auto", docker=False)

    assert wanted == ["sfnlocal", "ministack"]
    assert skipped == {"container": NO_DOCKER}


def test_named_engines_run_in_the_benchmarks_order_and_the_others_say_why_not():
    wanted, skipped = choose_engines("ministack, container", docker=True)

    assert wanted == ["container", "ministack"]
    assert skipped == {"sfnlocal": "not selected (--engines)"}


@pytest.mark.parametrize(
    ("requested", "docker", "message"),
    [
        ("container", False, "no Docker engine answers"),
        ("sfnlocal,localstack", True, "unknown engine(s) ['localstack']"),
        (",", True, "unknown engine(s) []"),
    ],
)
def test_an_engine_that_cannot_run_is_an_error_not_a_skip(requested, docker, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        choose_engines(requested, docker=docker)


def test_the_memory_cgroup_is_found_in_cgroup_v1_and_v2():
    v1 = "12:pids:/docker/abc\n5:memory:/docker/abc\n1:name=systemd:/docker/abc\n"
    v2 = "0::/system.slice/docker-abc.scope\n"

    assert memory_cgroup(v1) == (1, "/docker/abc")
    assert memory_cgroup(v2) == (2, "/system.slice/docker-abc.scope")
    assert memory_cgroup("3:cpu:/x\n") is None


def test_docker_stats_memory_is_usage_minus_inactive_page_cache(tmp_path: Path):
    (tmp_path / "memory.usage_in_bytes").write_text(f"{500 * 2**20}\n")
    (tmp_path / "memory.max_usage_in_bytes").write_text(f"{800 * 2**20}\n")
    (tmp_path / "memory.stat").write_text(
        f"cache 1\ninactive_file 7\ntotal_inactive_file {100 * 2**20}\nbroken line x\n"
    )

    memory = memory_in(tmp_path, 1)

    assert memory is not None
    assert memory.as_dict() == {
        "cgroup_version": 1,
        "docker_stats_mib": 400.0,
        "cgroup_usage_mib": 500.0,
        "cgroup_peak_mib": 800.0,
    }


def test_cgroup_v2_files_and_a_missing_peak(tmp_path: Path):
    (tmp_path / "memory.current").write_text(f"{300 * 2**20}\n")
    (tmp_path / "memory.stat").write_text(f"anon 5\ninactive_file {50 * 2**20}\n")

    memory = memory_in(tmp_path, 2)

    assert memory is not None
    assert memory.docker_stats_bytes == 250 * 2**20
    assert memory.peak_bytes is None
    assert memory_in(tmp_path / "gone", 2) is None


def test_parse_stat_keeps_the_numbers():
    assert parse_stat("rss 10\ncache 20\nnot-a-number x\n") == {"rss": 10, "cache": 20}


def test_docker_timestamps_with_nanoseconds_are_read_as_utc():
    expected = datetime(2026, 12, 1, 12, 30, 1, 123456, tzinfo=UTC).timestamp()

    assert parse_docker_time("2026-12-01T12:30:01.123456789Z") == pytest.approx(expected)
    assert parse_docker_time("2026-12-01T12:30:01Z") == pytest.approx(expected - 0.123456)
    assert parse_docker_time("0001-01-01T00:00:00Z") is not None
    assert parse_docker_time("garbage") is None


def test_the_sampler_keeps_each_figures_peak_and_says_when_the_cap_is_passed():
    sampler = PeakMemory(dict, cap_mib=1000)

    sampler.add({"rss_mib": 400.0, "processes": 7, "cgroup_version": 1, "label": "x"})
    sampler.add({"rss_mib": 900.0, "processes": 5})
    assert sampler.over_cap() is None
    sampler.add({"rss_mib": 1200.5, "processes": 9})

    assert sampler.peak == {"rss_mib": 1200.5, "processes": 9, "cgroup_version": 1}
    assert sampler.samples == 3
    assert sampler.over_cap() == "its RSS passed the cap of 1000 MiB (1200 MiB)"


def test_a_sampler_without_a_cap_never_stops_the_burst():
    sampler = PeakMemory(dict)
    sampler.add({"rss_mib": 10**6})

    assert sampler.over_cap() is None
