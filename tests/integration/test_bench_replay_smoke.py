"""bench/replay_rate.py runs with --quick, replays from real topics and finds no divergence."""

from __future__ import annotations

import pytest
from test_bench_smoke import run_bench


@pytest.mark.usefixtures("stack")
def test_replay_rate_quick() -> None:
    report = run_bench("replay_rate")
    in_memory, kafka = report["replay"], report["replay_from_kafka"]
    assert in_memory["decisions"] == report["requests"]
    assert report["baseline_decide"]["decisions"] == report["requests"]
    # from the recorded topics: every recorded decision compared, and the same
    assert kafka["events"] == report["log_records"]
    assert kafka["recorded_decisions"] == report["requests"]
    assert kafka["decisions"] == kafka["recorded_decisions"]
    assert kafka["divergent"] == 0
    assert kafka["decisions_per_s"] > 0
    assert report["ratio_kafka_replay_to_decide"] > 0
