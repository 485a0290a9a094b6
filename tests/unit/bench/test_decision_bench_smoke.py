"""Smoke runs of the pure benchmarks, so they cannot rot (no timing is asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_the_decision_cost_bench_runs_and_the_index_agrees_with_a_full_scan() -> None:
    done = subprocess.run(
        [sys.executable, "bench/decision_cost.py", "--quick"], cwd=ROOT, capture_output=True,
        text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads((ROOT / "bench/results/decision_cost.json").read_text())
    assert report["quick"] is True
    assert {row["geography"] for row in report["rows"]} == {"fixed", "growing"}
    assert all(row["same_choices_as_naive"] for row in report["rows"])
