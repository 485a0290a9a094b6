"""Routing scenarios on the real stack: kinds, suspensions, capacity, duplicates, bad input."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import orjson
from scenario_builders import DAY, licence, request, service, suspended
from streams_harness import Harness

T1 = DAY + timedelta(minutes=1)


async def _network(h: Harness) -> None:
    """A delegated civil-registry service, a non-delegated tax service, offices of both kinds."""
    await h.publish("catalog", service("CIV-101", "civil-registry", delegated=True), at=DAY)
    await h.publish("catalog", service("TAX-201", "tax", delegated=False), at=DAY)
    await h.publish("licences", licence("GEN-00001", capacity=50), at=DAY)
    await h.publish("licences", licence("AGT-00001", kind="agency", agency="tax", capacity=50),
                    at=DAY)
    await h.publish("licences", licence("AGC-00001", kind="agency", agency="civil-registry",
                                        capacity=50), at=DAY)


async def _started(h: Harness, **env: str) -> None:
    worker = h.start_worker(**env)
    await h.wait_ready(worker)


def _decided(events: list, rid: str):  # type: ignore[no-untyped-def]
    return [e.payload for e in events if e.payload.request_id == rid]


async def test_agency_services_go_to_agency_offices_and_delegated_ones_to_either(
    harness: Harness,
) -> None:
    h = harness
    await _network(h)
    await _started(h)
    await h.publish("requests", request("REQ-TAX-00001", "TAX-201"), at=T1)
    for i in range(20):
        await h.publish("requests", request(f"REQ-CIV-{i:05d}", "CIV-101"), at=T1)
    decisions = await h.read(h.topic("decisions"), until=lambda e: len(e) >= 21)
    tax = _decided(decisions, "REQ-TAX-00001")[0]
    assert tax.office_id == "AGT-00001"
    # A non-delegated service: only the owning agency's office is even a candidate.
    assert [c.office_id for c in tax.explanation.candidates] == ["AGT-00001"]
    # A delegated service: the general office and the owning agency's office are equals,
    # and with equal capacity they share the work equally (no preference by kind).
    civ = Counter(e.payload.office_id for e in decisions
                  if e.payload.request_id.startswith("REQ-CIV"))
    assert civ == {"GEN-00001": 10, "AGC-00001": 10}


async def test_a_suspended_licence_is_avoided_by_new_requests_but_in_flight_work_is_kept(
    harness: Harness,
) -> None:
    h = harness
    await h.publish("catalog", service("CIV-101"), at=DAY)
    await h.publish("licences", licence("GEN-00001", capacity=50), at=DAY)
    await _started(h)
    await h.publish("requests", request("REQ-BEFORE-001"), at=T1)
    await h.read(h.office_topic("GEN-00001"), until=lambda e: len(e) >= 1)
    await h.publish("licences", licence("GEN-00002", capacity=50), at=T1)
    await h.publish("licences", suspended("GEN-00001"), at=T1)
    # Topics are not ordered with each other: wait until the router has applied it.
    await h.wait_sql("SELECT status FROM govroute.offices WHERE office_id = $1",
                     lambda r: bool(r) and r[0]["status"] == "suspended", "GEN-00001")
    await h.publish("requests", request("REQ-AFTER-0001", at=T1 + timedelta(minutes=1)), at=T1)

    decisions = await h.read(h.topic("decisions"), until=lambda e: len(e) >= 2)
    after = _decided(decisions, "REQ-AFTER-0001")[0]
    assert after.office_id == "GEN-00002"
    reasons = {x.office_id: x.reason for x in after.explanation.exclusions}
    assert reasons["GEN-00001"] == "LICENCE_SUSPENDED"
    # The request assigned before the suspension still belongs to its office.
    first = await h.read(h.office_topic("GEN-00001"))
    assert [e.event_type for e in first] == ["assignment.made"]


async def test_exhausted_capacity_makes_a_request_unroutable_with_its_reason(
    harness: Harness,
) -> None:
    h = harness
    await h.publish("catalog", service("CIV-101"), at=DAY)
    await h.publish("licences", licence("GEN-00001", capacity=2), at=DAY)
    await _started(h)
    for i in range(3):
        await h.publish("requests", request(f"REQ-CAP-{i:05d}"), at=T1)
    decisions = await h.read(h.topic("decisions"), until=lambda e: len(e) >= 3)
    outcomes = [d.payload.outcome for d in decisions]
    assert outcomes == ["assigned", "assigned", "unroutable"]
    last = decisions[2].payload
    assert [x.reason for x in last.explanation.exclusions] == ["CAPACITY_EXHAUSTED"]
    # Requests on different partitions reach the router log in any order: the third
    # one the router saw is the one that found no capacity left.
    rows = await h.wait_sql("SELECT state, reason FROM govroute.requests WHERE request_id = $1",
                            lambda r: bool(r) and r[0]["state"] == "unroutable",
                            last.request_id)
    assert "CAPACITY_EXHAUSTED" in rows[0]["reason"]


async def test_duplicate_requests_produce_one_assignment_and_are_dead_lettered(
    harness: Harness,
) -> None:
    h = harness
    await h.publish("catalog", service("CIV-101"), at=DAY)
    await h.publish("licences", licence("GEN-00001", capacity=50), at=DAY)
    await _started(h)
    payload = request("REQ-DUP-00001")
    event_id = await h.publish("requests", payload, at=T1)
    await h.publish("requests", payload, at=T1, event_id=event_id)  # redelivered
    await h.publish("requests", payload, at=T1)  # resubmitted with a new event id

    letters = await h.read(h.topic("deadletter"), until=lambda e: len(e) >= 2)
    assert sorted(e.payload.reason_code for e in letters) == ["DUPLICATE_EVENT",
                                                            "DUPLICATE_REQUEST"]
    assignments = await h.read(h.office_topic("GEN-00001"))
    assert len(assignments) == 1
    rows = await h.wait_sql("SELECT reason_code FROM govroute.dead_letters",
                            lambda r: len(r) == 2)
    assert sorted(r["reason_code"] for r in rows) == ["DUPLICATE_EVENT", "DUPLICATE_REQUEST"]


async def test_bad_events_are_dead_lettered_while_good_ones_flow(harness: Harness) -> None:
    h = harness
    await h.publish("catalog", service("CIV-101"), at=DAY)
    await h.publish("licences", licence("GEN-00001", capacity=50), at=DAY)
    await _started(h)
    good = orjson.loads(b"{}")
    bad_id = request("REQ-BADID-0001").model_dump(mode="json")
    bad_id["citizen_national_id"] = "0012345678"  # wrong check digit
    await h.publish_raw("requests", b"{not json", key="REQ-JUNK")
    await h.publish("requests", request("REQ-GOOD-00001"), at=T1)
    await h.publish_raw("requests", orjson.dumps({
        "event_id": "3f1c1a52-4c1f-4f0e-8a57-8f0f0b3f0c11", "event_type": "request.submitted",
        "schema_version": 1, "occurred_at": "2026-11-27T06:01:00Z", "producer": "portal",
        "correlation_id": "x", "payload": bad_id}), key="REQ-BADID-0001")
    await h.publish("requests", request("REQ-UNKNOWNSVC1", "XYZ-999"), at=T1)
    await h.publish("requests", request("REQ-GOOD-00002"), at=T1)
    assert good == {}

    letters = await h.read(h.topic("deadletter"), until=lambda e: len(e) >= 3)
    assert sorted(e.payload.reason_code for e in letters) == [
        "INVALID_NATIONAL_ID", "MALFORMED_JSON", "UNKNOWN_SERVICE"]
    for letter in letters:
        assert letter.payload.message
        assert letter.payload.source.topic.startswith(h.prefix)
    decisions = await h.read(h.topic("decisions"), until=lambda e: len(e) >= 2)
    assert {d.payload.request_id for d in decisions} == {"REQ-GOOD-00001", "REQ-GOOD-00002"}


async def test_two_workers_share_the_partitions_and_capacity_holds_globally(
    harness: Harness,
) -> None:
    h = harness
    await h.publish("catalog", service("CIV-101"), at=DAY)
    await h.publish("licences", licence("GEN-00001", capacity=15), at=DAY)
    await h.publish("licences", licence("GEN-00002", capacity=25), at=DAY)
    one, two = h.start_worker("w1"), h.start_worker("w2")
    await h.wait_ready(one)
    await h.wait_ready(two)
    for i in range(60):
        await h.publish("requests", request(f"REQ-TWO-{i:05d}"), at=T1)
    decisions = await h.read(h.topic("decisions"), until=lambda e: len(e) >= 60, timeout=90)
    assigned = Counter(d.payload.office_id for d in decisions if d.payload.outcome == "assigned")
    assert assigned == {"GEN-00001": 15, "GEN-00002": 25}
    assert sum(1 for d in decisions if d.payload.outcome == "unroutable") == 20
    ingest_owners = [set((await h.health(w))["ingest_partitions"]) for w in (one, two)]
    requests_topic = h.topic("requests")
    assert all(any(p.startswith(requests_topic) for p in parts) for parts in ingest_owners)


async def test_the_postgres_record_matches_the_topics_event_for_event(harness: Harness) -> None:
    h = harness
    await _network(h)
    await _started(h)
    for i in range(25):
        await h.publish("requests", request(f"REQ-PG-{i:05d}", "CIV-101" if i % 3 else "TAX-201"),
                        at=T1)
    states = await h.states(until=lambda e: len(e) >= 50)
    decisions = await h.read(h.topic("decisions"), until=lambda e: len(e) >= 25)
    history = await h.wait_sql("SELECT event_id, request_id, seq, to_state "
                               "FROM govroute.request_history", lambda r: len(r) >= 50)
    assert {(str(r["event_id"]), r["request_id"], r["seq"], r["to_state"]) for r in history} == {
        (str(e.event_id), e.payload.request_id, e.payload.seq, e.payload.to_state)
        for e in states}
    recorded = await h.wait_sql("SELECT event_id FROM govroute.decisions", lambda r: len(r) >= 25)
    assert {str(r["event_id"]) for r in recorded} == {str(d.event_id) for d in decisions}


async def test_health_and_metrics_report_what_the_worker_did(harness: Harness) -> None:
    h = harness
    await _network(h)
    worker = h.start_worker()
    await h.wait_ready(worker)
    await h.publish("requests", request("REQ-MET-00001"), at=T1)
    await h.read(h.topic("decisions"), until=lambda e: len(e) >= 1)
    health = await h.health(worker)
    assert health["status"] == "ok"
    assert health["owns_router_log"] is True
    assert health["events_applied"] >= 5
    text = await h.metrics(worker)
    routed = [line for line in text.splitlines()
              if line.startswith("govroute_requests_routed_total{")]
    assert len(routed) == 1, text  # one request, routed to one office of one kind
    assert routed[0].endswith(" 1.0")
    assert 'office_kind="general"' in routed[0] or 'office_kind="agency"' in routed[0]
    assert "govroute_consumer_lag" in text
