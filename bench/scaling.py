"""How the router scales: 1 vs 2 workers, decision cost vs registry size, the Postgres sink.

    python bench/scaling.py [--requests N] [--offices M] [--quick]

1. Throughput with 1 and with 2 workers (same app id, so one consumer group) on the same
   prefilled input (each on a fresh prefix): committed decisions 1..N per second.
2. Decision cost vs registry size: `bench/decision_cost.py`'s `measure` for 1k/10k/100k
   offices (fixed geography).
3. The Postgres sink vs the routing rate, in the 1-worker run: decision rows in the run's
   database, sampled every 0.5 s, against decisions committed on Kafka; the sink's rows/s
   over the routing window, its lag when the N-th decision became visible, and how long
   it took to catch up.

Writes bench/results/scaling.json.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import decision_cost
from stack_support import (
    ROOT,
    Stack,
    build_workload,
    environment,
    ratio,
    table,
    worker_run,
    write_results,
)


def sink_summary(run: dict[str, Any], samples: list[dict[str, float]]) -> dict[str, Any]:
    times: list[float] = run["decision_times"]
    n = run["decided"]
    first, last = times[0], times[-1]
    window = [s for s in samples if first <= s["t"] <= last]
    at_end = max((s for s in samples if s["t"] <= last), key=lambda s: s["t"], default=None)
    caught = next((s for s in samples if s["rows"] >= n), None)
    rows_rate = None
    if len(window) >= 2 and window[-1]["t"] > window[0]["t"]:
        rows_rate = (window[-1]["rows"] - window[0]["rows"]) / (window[-1]["t"] - window[0]["t"])
    lag_end = None if at_end is None else int(at_end["kafka"] - at_end["rows"])
    max_lag = max((int(s["kafka"] - s["rows"]) for s in samples), default=None)
    return {
        "decisions_per_s": run["requests_per_s"],
        "sink_rows_per_s": round(rows_rate, 1) if rows_rate is not None else None,
        "sink_over_routing": ratio(rows_rate, run["requests_per_s"]),
        "lag_at_last_decision": lag_end,
        "max_lag": max_lag,
        "caught_up_s_after_last_decision": round(caught["t"] - last, 2) if caught else None,
        "samples": len(samples),
    }


async def worker_scaling(requests: int, offices: int) -> tuple[list[dict[str, Any]],
                                                               dict[str, Any]]:
    workload = build_workload(offices, requests, "scale")
    runs, sink = [], {}
    for workers in (1, 2):
        samples: list[dict[str, float]] = []
        async with Stack() as stack:
            topics = await stack.cluster_topics()
            result = await worker_run(stack, workload, workers=workers,
                                      sink_samples=samples if workers == 1 else None)
        if workers == 1:
            sink = sink_summary(result, samples)
            sink["series"] = [{"t": round(s["t"] - result["owner_at"], 2), "kafka": s["kafka"],
                               "rows": s["rows"]} for s in samples] if result["owner_at"] else []
        result.pop("decision_times")
        result.pop("owner_at")
        result["cluster_topics_at_start"] = topics
        runs.append(result)
    base = runs[0]["requests_per_s"]
    for r in runs:
        r["vs_1_worker"] = ratio(r["requests_per_s"], base)
    return runs, sink


def decision_costs(quick: bool, seed: int) -> list[dict[str, Any]]:
    plan = ([(1_000, 300, 30), (10_000, 300, 10)] if quick
            else [(1_000, 5_000, 300), (10_000, 5_000, 100), (100_000, 5_000, 20)])
    rows = [decision_cost.measure(offices, n, naive, seed, "fixed") for offices, n, naive in plan]
    base = float(rows[0]["indexed_us_p50"])  # type: ignore[arg-type]
    for row in rows:
        row["p50_vs_1k"] = round(float(row["indexed_us_p50"]) / base, 2)  # type: ignore[arg-type]
    return rows


async def run(args: argparse.Namespace) -> dict[str, Any]:
    report: dict[str, Any] = {"bench": "scaling", "quick": args.quick, **environment()}
    runs, sink = await worker_scaling(args.requests, args.offices)
    print(table(runs, [("workers", "workers"), ("requests", "requests"),
                       ("missing", "missing"),
                       ("requests_per_s", "requests/s"), ("vs_1_worker", "x 1 worker"),
                       ("requests_per_s_second_half", "2nd half /s"),
                       ("process_start_to_owner_s", "start->owner s"),
                       ("first_to_last_s", "first->last s")]))
    print()
    print(table([sink], [("decisions_per_s", "decisions/s"), ("sink_rows_per_s", "sink rows/s"),
                         ("sink_over_routing", "sink/routing"),
                         ("lag_at_last_decision", "lag at end"), ("max_lag", "max lag"),
                         ("caught_up_s_after_last_decision", "caught up after s")]))
    print()
    costs = decision_costs(args.quick, args.seed)
    print(table(costs, [("offices", "offices"), ("indexed_us_p50", "p50 µs"),
                        ("indexed_us_p99", "p99 µs"), ("p50_vs_1k", "p50 x 1k"),
                        ("indexed_decisions_per_s", "decisions/s"),
                        ("considered_offices_mean", "considered")]))
    report.update({"requests": args.requests, "offices": args.offices, "workers": runs,
                   "sink": sink, "decision_cost": costs})
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--offices", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for the smoke test")
    args = parser.parse_args(argv)
    if args.quick:
        args.requests, args.offices = min(args.requests, 300), 20
    report = asyncio.run(run(args))
    path = write_results("scaling", report)
    print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
