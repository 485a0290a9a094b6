"""How fast a router log can be replayed: decisions re-evaluated per second, one process.

    python bench/replay_rate.py [--quick] [--seed N] [--no-kafka]

Builds a synthetic router log in memory (ops.synthetic: a catalog, a few thousand
offices, N requests with clock ticks, serialised with contracts.registry.to_bytes)
and times what `router replay` does per record: parse + translate + RouterCore.handle.
Then, on the local stack (started if down; skipped with --no-kafka), the same log is
recorded on a fresh prefix's router-log with the decisions it produces on its
decisions topic, and `ops.replay.run_replay` (what `router replay` runs) is timed
end to end: reading both topics read_committed, re-deciding, comparing each replayed
decision with the recorded one. In the same run, the baseline: the pure
`router.decide` call alone on the same requests against the same registry (loads
updated as the router would). Prints a table and writes
bench/results/replay_rate.json. Nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from contracts.registry import parse_event  # noqa: E402
from ops.core import apply_raw, fresh_core  # noqa: E402
from ops.synthetic import build_log  # noqa: E402
from router import CURRENT_POLICY, RoutingRequest, decide  # noqa: E402
from router.effects import Decided  # noqa: E402
from router.inputs import Submitted  # noqa: E402
from streams.translate import to_input  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "replay_rate.json"


def replay(log: list[bytes]) -> dict[str, Any]:
    core = fresh_core(CURRENT_POLICY)
    decisions = 0
    started = time.perf_counter()
    for raw in log:
        applied = apply_raw(core, raw)
        if applied is not None:
            decisions += sum(isinstance(e, Decided) for e in applied.effects)
    seconds = time.perf_counter() - started
    return {"events": len(log), "decisions": decisions, "seconds": seconds,
            "events_per_s": len(log) / seconds, "decisions_per_s": decisions / seconds}


def recorded_decisions(log: list[bytes], prefix: str) -> list[tuple[str, bytes]]:
    """The decisions topic a worker would have written for this log (key, value)."""
    from streams.outputs import Cause, render

    core = fresh_core(CURRENT_POLICY)
    decisions: list[tuple[str, bytes]] = []
    for offset, raw in enumerate(log):
        envelope = parse_event(raw)
        effects = core.handle(to_input(envelope), at=envelope.occurred_at)
        cause = Cause(str(envelope.event_id), raw, "router-log", 0, offset, None,
                      envelope.occurred_at)
        outgoing, _ = render(effects, cause, prefix)
        decisions += [(m.key, m.value) for m in outgoing if m.event_type == "routing.decided"]
    return decisions


async def from_kafka(log: list[bytes]) -> dict[str, Any]:
    """`run_replay` over the log and its decisions recorded on a fresh prefix."""
    import stack_support

    from ops.logread import endpoints
    from ops.replay import run_replay

    async with stack_support.Stack() as stack:
        prefix = stack.harness.prefix
        await stack.send_all(stack.topic("router-log"), [("k", raw) for raw in log])
        decisions = recorded_decisions(log, prefix)
        await stack.send_all(stack.topic("decisions"), decisions)
        started = time.perf_counter()
        result = await run_replay(endpoints(prefix, stack.bootstrap), progress=None)
        seconds = time.perf_counter() - started
    counts = result.counts
    return {"events": counts.events, "decisions": counts.compared, "seconds": seconds,
            "divergent": counts.divergent, "recorded_decisions": len(decisions),
            "events_per_s": counts.events / seconds, "decisions_per_s": counts.compared / seconds}


def baseline(log: list[bytes]) -> dict[str, Any]:
    """Only `router.decide`, on the same requests, state prepared outside the timing."""
    core = fresh_core(CURRENT_POLICY)
    requests: list[RoutingRequest] = []
    for raw in log:
        envelope = parse_event(raw)
        event = to_input(envelope)
        if isinstance(event, Submitted):
            requests.append(RoutingRequest(
                request_id=event.request_id, service_code=event.service_code,
                region=event.region, submitted_at=event.submitted_at))
        else:
            core.handle(event, at=envelope.occurred_at)
    loads: dict[str, int] = {}
    started = time.perf_counter()
    for request in requests:
        decision = decide(request, core.catalog, core.registry, loads, CURRENT_POLICY)
        if decision.office_id is not None:
            loads[decision.office_id] = loads.get(decision.office_id, 0) + 1
    seconds = time.perf_counter() - started
    return {"decisions": len(requests), "seconds": seconds,
            "decisions_per_s": len(requests) / seconds}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small run (a few seconds)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default=str(RESULTS))
    parser.add_argument("--no-kafka", action="store_true",
                        help="skip the replay from recorded topics (no stack needed)")
    args = parser.parse_args(argv)
    offices, requests = (1000, 2000) if args.quick else (3000, 20000)
    import stack_support

    environment = stack_support.environment()  # the load average before this run's work
    built = time.perf_counter()
    log, _ = build_log(offices=offices, requests=requests, seed=args.seed)
    build_s = time.perf_counter() - built
    rep = replay(log)
    kafka = None if args.no_kafka else asyncio.run(from_kafka(log))
    base = baseline(log)
    ratio = rep["decisions_per_s"] / base["decisions_per_s"]
    rows = [
        ("replay (parse+translate+handle)", rep["decisions"], rep["seconds"],
         rep["decisions_per_s"]),
        *([("router replay from Kafka (+compare)", kafka["decisions"], kafka["seconds"],
            kafka["decisions_per_s"])] if kafka else []),
        ("baseline: router.decide only", base["decisions"], base["seconds"],
         base["decisions_per_s"]),
    ]
    print(f"synthetic log: {len(log)} records ({offices} offices, {requests} requests), "
          f"built in {build_s:.1f}s")
    print(f"{'MEASURE':<34}{'DECISIONS':>10}{'SECONDS':>10}{'DECISIONS/S':>14}")
    for name, n, s, rate in rows:
        print(f"{name:<34}{n:>10}{s:>10.2f}{rate:>14,.0f}")
    print(f"replay events/s: {rep['events_per_s']:,.0f}; replay rate / decide rate = "
          f"{ratio:.2f}")
    if kafka:
        print(f"from Kafka: {kafka['events']} events, {kafka['decisions']} decisions compared "
              f"with the {kafka['recorded_decisions']} recorded, {kafka['divergent']} divergent; "
              f"from-Kafka rate / decide rate = "
              f"{kafka['decisions_per_s'] / base['decisions_per_s']:.2f}")
    result = {
        "bench": "replay_rate", **environment, "quick": args.quick, "seed": args.seed,
        "offices": offices, "requests": requests,
        "log_records": len(log), "replay": rep, "replay_from_kafka": kafka,
        "baseline_decide": base, "ratio_replay_to_decide": ratio,
        "ratio_kafka_replay_to_decide": (
            kafka["decisions_per_s"] / base["decisions_per_s"] if kafka else None),
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
