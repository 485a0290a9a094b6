"""The day's summary, read from the run's Postgres record (plus the wall-clock latencies
the simulated offices measured), as a JSON-ready dict and as text."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

import asyncpg

from router.states import FINAL
from sim.geography import PROVINCES
from sim.network import TEHRAN_TIME

OUTCOMES = ("fulfilled", "unroutable", "escalated", "declined", "cancelled")
PROVINCE_NAMES = {p.code: p.name for p in PROVINCES}

_FULFIL_MINUTES = """
SELECT EXTRACT(EPOCH FROM f.at - a.at) / 60.0 AS minutes
  FROM govroute.request_history f
  JOIN govroute.request_history a
    ON a.request_id = f.request_id AND a.attempt = f.attempt AND a.to_state = 'assigned'
 WHERE f.to_state = 'fulfilled'
"""
_BY_PROVINCE = """
SELECT o.province, count(*) AS n FROM govroute.decisions d
  JOIN govroute.offices o USING (office_id)
 WHERE d.outcome = 'assigned' GROUP BY o.province
"""


def percentiles(values: list[float], unit: str) -> dict[str, Any]:
    """p50/p95/p99 (nearest rank), min, max and count of `values`."""
    ordered = sorted(values)
    if not ordered:
        return {"unit": unit, "count": 0}

    def rank(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, max(0, round(p * len(ordered)) - 1))], 1)

    return {"unit": unit, "count": len(ordered), "p50": rank(0.50), "p95": rank(0.95),
            "p99": rank(0.99), "min": round(ordered[0], 1), "max": round(ordered[-1], 1)}


def primary_reason(reason: str | None) -> str:
    """`NO_ELIGIBLE_OFFICE: A x3, B x1` -> `NO_ELIGIBLE_OFFICE (A)`; `X: detail` -> `X`."""
    if not reason:
        return "-"
    head, _, rest = reason.partition(":")
    first = rest.strip().split(",")[0].split(" x")[0].strip()
    if head == "NO_ELIGIBLE_OFFICE" and first:
        return f"{head} ({first})"
    return head if head in ("MAX_ATTEMPTS",) else reason.strip()


def _pairs(rows: list[asyncpg.Record]) -> dict[str, int]:
    return {str(r[0]): int(r[1]) for r in sorted(rows, key=lambda r: (-r[1], str(r[0])))}


async def read_summary(dsn: str, wall_latencies_ms: list[float]) -> dict[str, Any]:
    conn = await asyncpg.connect(dsn)
    try:
        states = _pairs(await conn.fetch(
            "SELECT state, count(*) FROM govroute.requests GROUP BY state"))
        reasons = await conn.fetch(
            "SELECT state, reason FROM govroute.requests WHERE state = ANY($1::text[])",
            ["unroutable", "escalated"])
        decisions = _pairs(await conn.fetch(
            "SELECT outcome, count(*) FROM govroute.decisions GROUP BY outcome"))
        routed = await conn.fetchval(
            "SELECT count(DISTINCT request_id) FROM govroute.decisions WHERE outcome = 'assigned'")
        rerouted = await conn.fetchval("SELECT count(*) FROM govroute.requests WHERE attempt > 1")
        dead = _pairs(await conn.fetch(
            "SELECT reason_code, count(*) FROM govroute.dead_letters GROUP BY reason_code"))
        kinds = _pairs(await conn.fetch(
            "SELECT office_kind, count(*) FROM govroute.decisions WHERE outcome = 'assigned' "
            "GROUP BY office_kind"))
        provinces = _pairs(await conn.fetch(_BY_PROVINCE))
        fulfil_minutes = [float(r["minutes"]) for r in await conn.fetch(_FULFIL_MINUTES)]
        examples = {
            "rerouted": await conn.fetchval("SELECT request_id FROM govroute.requests "
                                            "WHERE attempt > 1 ORDER BY request_id LIMIT 1"),
            "any": await conn.fetchval("SELECT min(request_id) FROM govroute.requests"),
        }
        submitted = [r[0] for r in await conn.fetch(
            "SELECT submitted_at FROM govroute.requests WHERE submitted_at IS NOT NULL")]
    finally:
        await conn.close()
    total = sum(states.values())
    outcomes = {name: states.get(name, 0) for name in OUTCOMES}
    open_states = {s: n for s, n in states.items() if s not in {f.value for f in FINAL}}
    outcomes["open"] = sum(open_states.values())
    by_state_reason: dict[str, Counter[str]] = {"unroutable": Counter(), "escalated": Counter()}
    for row in reasons:
        by_state_reason[row["state"]][primary_reason(row["reason"])] += 1
    return {
        "requests": {"total": total, "by_state": states},
        "outcomes": outcomes,
        "open_by_state": open_states,
        "routing": {
            "requests_routed": int(routed or 0),
            "assigned_decisions": decisions.get("assigned", 0),
            "unroutable_decisions": decisions.get("unroutable", 0),
            "rerouted_requests": int(rerouted or 0),
            "unroutable_reasons": dict(by_state_reason["unroutable"].most_common(8)),
            "escalation_reasons": dict(by_state_reason["escalated"].most_common(8)),
        },
        "dead_letters": dead,
        "assignments": {
            "by_office_kind": kinds,
            "by_province": {f"{PROVINCE_NAMES.get(k, k)} ({k})": n for k, n in provinces.items()},
        },
        "latency": {
            "submitted_to_assigned_wall_ms": {
                **percentiles(wall_latencies_ms, "ms"),
                "measured": "wall clock from the intake publish (acked) to the simulated "
                            "office receiving its first assignment (read_committed)",
            },
            "assigned_to_fulfilled_sim_minutes": {
                **percentiles(fulfil_minutes, "simulated minutes"),
                "measured": "simulated time between the fulfilled attempt's assignment and "
                            "its fulfilment (request_history.at)",
            },
        },
        "requests_per_hour": _per_hour(submitted),
        "examples": examples,
        "histograms": {"submitted_to_assigned_wall_ms": wall_latencies_ms,
                       "assigned_to_fulfilled_sim_minutes": fulfil_minutes},
    }


def _per_hour(moments: list[datetime]) -> dict[str, int]:
    hours = Counter(m.astimezone(TEHRAN_TIME).hour for m in moments)
    return {f"{h:02d}": hours.get(h, 0) for h in range(24)}


def render_text(summary: dict[str, Any]) -> str:
    """The summary as the few dozen lines the demo prints."""
    run, req, out = summary["run"], summary["requests"], summary["outcomes"]
    routing, lat = summary["routing"], summary["latency"]
    wall, sim = lat["submitted_to_assigned_wall_ms"], lat["assigned_to_fulfilled_sim_minutes"]
    lines = [
        f"== demo {run['run_id']}: {run['day']}, {run['offices']} offices, "
        f"{run['workers']} worker(s)",
        f"requests        {req['total']} recorded ({run['published_requests']} published)",
        f"routed          {routing['requests_routed']} requests, "
        f"{routing['assigned_decisions']} assignment decisions; re-routed "
        f"{routing['rerouted_requests']}",
        "outcomes        " + ", ".join(f"{k} {v}" for k, v in out.items()),
        "open by state   " + (_inline(summary["open_by_state"]) or "-"),
        "unroutable      " + (_inline(routing["unroutable_reasons"]) or "-"),
        "escalated       " + (_inline(routing["escalation_reasons"]) or "-"),
        "dead letters    " + (_inline(summary["dead_letters"]) or "none"),
        "by office kind  " + _inline(summary["assignments"]["by_office_kind"]),
        "by province     " + _inline(summary["assignments"]["by_province"]),
        f"latency         submitted->assigned (wall) p50 {wall.get('p50', '-')} ms, "
        f"p95 {wall.get('p95', '-')} ms, p99 {wall.get('p99', '-')} ms (n={wall['count']})",
        f"                assigned->fulfilled (simulated) p50 {sim.get('p50', '-')} min, "
        f"p95 {sim.get('p95', '-')} min, p99 {sim.get('p99', '-')} min (n={sim['count']})",
        f"wall time       day {run['day_wall_seconds']}s, catch-up {run['catch_up_seconds']}s, "
        f"total {run['total_wall_seconds']}s",
    ]
    return "\n".join(lines)


def _inline(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items())
