"""The stack benchmarks run end to end with --quick and write a sane JSON (no timing asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from infra.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results"


def run_bench(name: str) -> dict[str, Any]:
    path = RESULTS / f"{name}.json"
    before = path.stat().st_mtime_ns if path.exists() else 0
    done = subprocess.run([sys.executable, str(ROOT / "bench" / f"{name}.py"), "--quick"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, f"{name} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    assert path.exists(), f"{name} wrote no results"
    assert path.stat().st_mtime_ns > before, f"{name} did not rewrite its results"
    report: dict[str, Any] = json.loads(path.read_text())
    assert report["quick"] is True
    assert report["bench"] == name
    assert set(report["versions"]) == {"python", "faust", "aiokafka", "kafka"}
    assert report["machine"]["nproc"] >= 1
    assert report["machine"]["memory_gib"] > 0
    assert report["date"]
    return report


@pytest.mark.usefixtures("stack")
def test_throughput_quick() -> None:
    report = run_bench("throughput")
    n = report["requests"]
    assert report["ours"]["requests"] == n
    assert report["ours"]["requests_per_s"] > 0
    assert report["baseline_aiokafka"]["requests"] == n
    assert report["baseline_aiokafka"]["requests_per_s"] > 0
    assert report["baseline_pure"]["messages_per_request"] >= 3  # decision, state, assignment
    assert report["ratios"]["ours_over_aiokafka"] > 0
    perf = report["baseline_kafka_perf"]
    assert "error" in perf or perf["producer"]["records_per_s"] > 0


@pytest.mark.usefixtures("stack")
def test_latency_quick() -> None:
    report = run_bench("latency")
    assert len(report["rows"]) == 2
    for row in report["rows"]:
        assert row["published"] > 0
        assert row["not_visible"] == 0
        assert 0 < row["p50_ms"] <= row["p99_ms"] <= row["p999_ms"] <= row["max_ms"]


@pytest.mark.usefixtures("stack")
def test_scaling_quick() -> None:
    report = run_bench("scaling")
    assert [r["workers"] for r in report["workers"]] == [1, 2]
    assert all(r["requests_per_s"] > 0 for r in report["workers"])
    assert report["sink"]["samples"] >= 1
    assert [r["offices"] for r in report["decision_cost"]] == [1_000, 10_000]


def test_memory_quick(stack: Settings) -> None:
    report = run_bench("memory")
    assert report["baseline_rss_mib"] > 0
    for variant in report["variants"]:
        steps = variant["rss_mib"]
        assert steps["open_requests"] > steps["offices"] > 0
        assert variant["deadlines"] == variant["open_requests"] == 10_000
        assert variant["bytes_per_request"] > variant["encoded_bytes_per_request"] / 2


@pytest.mark.usefixtures("stack")
def test_memory_worker_quick() -> None:
    report = run_bench("memory_worker")
    written = report["written"]
    assert written["requests"]["records"] == report["open_requests"] == 10_000
    assert written["licences"]["records"] == report["offices"] + 1  # + the probe office
    rebuilt = report["rebuilt"]
    assert rebuilt["offices"] == written["licences"]["records"]
    assert rebuilt["services"] == written["services"]["records"] == 501
    assert rebuilt["deadlines"] == report["open_requests"]
    assert report["empty_rebuilt"]["offices"] == report["empty_rebuilt"]["deadlines"] == 0
    assert report["probe_office"] == "GEN-00001"
    assert report["probes_routed_to_probe_office"] == report["probes"] > 1
    assert report["probes_delivered"] == report["probes"]  # through the outbox relay
    assert all(t["partitions"] == 1 and t["cleanup.policy"] == "compact"
               for t in report["changelog_topics"].values())
    steps = report["steps"]
    assert len(steps) >= 4
    assert all(s["VmRSS"] > 0 and s["VmHWM"] >= s["VmRSS"] for s in steps)
