"""`router demo` end to end on the real stack: a reduced day, then its summary JSON is
checked against that run's own Postgres database, and the HTML report is looked at."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from infra.settings import REPO_ROOT, Settings

FINAL_OUTCOMES = ("fulfilled", "unroutable", "escalated", "declined", "cancelled")


@pytest.fixture(scope="module")
def demo_run(stack: Settings, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("demo")
    command = [sys.executable, "-m", "cli.main", "demo", "--requests", "300", "--offices", "60",
               "--quick", "--out", str(out)]
    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=280)
    assert done.returncode == 0, f"demo failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    summary = json.loads((out / "demo-summary.json").read_text())
    return {"out": out, "stdout": done.stdout, "summary": summary}


async def _fetch(dsn: str, query: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(dsn)
    try:
        return list(await conn.fetch(query))
    finally:
        await conn.close()


async def test_every_request_is_in_exactly_one_state(demo_run: dict[str, Any]) -> None:
    summary = demo_run["summary"]
    requests = summary["requests"]
    assert requests["total"] == summary["run"]["published_requests"] == 300
    assert sum(requests["by_state"].values()) == requests["total"]
    rows = await _fetch(summary["run"]["dsn"],
                        "SELECT state, count(*) AS n, count(DISTINCT request_id) AS d "
                        "FROM govroute.requests GROUP BY state")
    assert {r["state"]: r["n"] for r in rows} == requests["by_state"]
    assert sum(r["d"] for r in rows) == requests["total"]


async def test_outcomes_add_up(demo_run: dict[str, Any]) -> None:
    summary = demo_run["summary"]
    outcomes = summary["outcomes"]
    assert sum(outcomes[name] for name in (*FINAL_OUTCOMES, "open")) == summary["requests"][
        "total"]
    assert outcomes["open"] == sum(summary["open_by_state"].values())
    assert outcomes["fulfilled"] > 0
    assert summary["routing"]["requests_routed"] > 0


async def test_routing_counts_match_the_record(demo_run: dict[str, Any]) -> None:
    summary = demo_run["summary"]
    dsn = summary["run"]["dsn"]
    [assigned] = await _fetch(dsn, "SELECT count(*) AS n FROM govroute.assignments")
    assert summary["routing"]["assigned_decisions"] == assigned["n"]
    assert sum(summary["assignments"]["by_office_kind"].values()) == assigned["n"]
    assert sum(summary["assignments"]["by_province"].values()) == assigned["n"]
    [rerouted] = await _fetch(dsn, "SELECT count(*) AS n FROM govroute.requests WHERE attempt > 1")
    assert summary["routing"]["rerouted_requests"] == rerouted["n"]


async def test_dead_letters_match_the_table(demo_run: dict[str, Any]) -> None:
    summary = demo_run["summary"]
    rows = await _fetch(summary["run"]["dsn"], "SELECT reason_code, count(*) AS n "
                        "FROM govroute.dead_letters GROUP BY reason_code")
    assert summary["dead_letters"] == {r["reason_code"]: r["n"] for r in rows}


def test_report_is_written(demo_run: dict[str, Any]) -> None:
    html = (Path(demo_run["out"]) / "demo-report.html").read_text()
    assert "<svg" in html
    assert "<script" not in html
    assert "demo-report.html" in demo_run["stdout"]
    assert "router status" in demo_run["stdout"]
