"""The Postgres record against the request-state topic, over many mixed lifecycles."""

from __future__ import annotations

from typing import Any

from lifecycle_steps import at, offices, router_up, states_of, wait_tails
from scenario_builders import cancelled, report, request, service
from streams_harness import Harness

OFFICES = ("GEN-00001", "GEN-00002", "GEN-00003")
IDS = [f"REQ-MIX-{n:04d}" for n in range(1, 31)]
#: how each request's lifecycle goes, by its number modulo 5
FULFILLED, REJECTED, TIMED_OUT, CANCELLED, ACCEPTED = range(5)


def fate(request_id: str) -> int:
    return int(request_id[-4:]) % 5


async def first_decisions(h: Harness) -> dict[str, Any]:
    def firsts(events: list[Any]) -> dict[str, Any]:
        return {e.payload.request_id: e.payload for e in events if e.payload.attempt == 1}
    events = await h.read(h.topic("decisions"), until=lambda ev: len(firsts(ev)) == len(IDS),
                          timeout=60)
    return firsts(events)


async def test_the_postgres_history_equals_the_state_topic_event_for_event(
        harness: Harness) -> None:
    h = harness
    await router_up(h, [service("CIV-101", accept_s=600)], offices(*OFFICES, capacity=50))
    for n, rid in enumerate(IDS, start=1):
        await h.publish("requests", request(rid, at=at(n)), at=at(n))
    decided = await first_decisions(h)
    assert all(d.outcome == "assigned" for d in decided.values())

    for rid in IDS:
        if fate(rid) in (FULFILLED, ACCEPTED):
            await h.publish("fulfilment", report("accepted", decided[rid]), at=at(100))
        elif fate(rid) == REJECTED:
            await h.publish("fulfilment", report("rejected", decided[rid]), at=at(100))
        elif fate(rid) == CANCELLED:
            await h.publish("requests", cancelled(rid), at=at(100))
    await wait_tails(h, {rid: {
        FULFILLED: ("accepted",), ACCEPTED: ("accepted",), REJECTED: ("rejected", "assigned"),
        CANCELLED: ("cancelled",), TIMED_OUT: ("received", "assigned"),
    }[fate(rid)] for rid in IDS})

    await h.tick(at(1000))  # every request still waiting on an acceptance times out
    await wait_tails(h, {rid: ("timed_out", "assigned") for rid in IDS
                         if fate(rid) in (REJECTED, TIMED_OUT)})
    for rid in IDS:
        if fate(rid) == FULFILLED:
            await h.publish("fulfilment", report("fulfilled", decided[rid]), at=at(1100))
    events = await wait_tails(h, {rid: ("fulfilled",) for rid in IDS if fate(rid) == FULFILLED})

    expected_last = {FULFILLED: "fulfilled", ACCEPTED: "accepted", REJECTED: "assigned",
                     TIMED_OUT: "assigned", CANCELLED: "cancelled"}
    assert {rid: states_of(events, rid)[-1] for rid in IDS} == {
        rid: expected_last[fate(rid)] for rid in IDS}
    on_topic = [(str(e.event_id), e.payload.request_id, e.payload.seq, str(e.payload.to_state))
                for e in events]
    assert len(set(on_topic)) == len(on_topic)
    # every seq of every request, 1..n without gaps or repeats
    for rid in IDS:
        seqs = sorted(seq for _, r, seq, _ in on_topic if r == rid)
        assert seqs == list(range(1, len(seqs) + 1)), (rid, seqs)

    rows = await h.wait_sql(
        "SELECT event_id, request_id, seq, to_state FROM govroute.request_history",
        lambda rows: len(rows) >= len(on_topic), timeout=60,
    )
    in_postgres = [(str(r["event_id"]), r["request_id"], r["seq"], r["to_state"]) for r in rows]
    assert len(in_postgres) == len(on_topic)
    assert set(in_postgres) == set(on_topic)

    last_on_topic: dict[str, tuple[int, str]] = {}
    for _, rid, seq, state in on_topic:
        last_on_topic[rid] = max(last_on_topic.get(rid, (0, "")), (seq, state))
    current = await h.sql("SELECT request_id, seq, state FROM govroute.requests")
    assert {r["request_id"]: (r["seq"], r["state"]) for r in current} == last_on_topic
    # a final look at the topic: nothing arrived after the comparison was made
    assert len(await h.states()) == len(on_topic)
