"""Routing in the stream: requests in, decisions, assignments and a Postgres record out."""

from __future__ import annotations

from datetime import timedelta

from scenario_builders import DAY, licence, request, service
from streams_harness import Harness


async def test_a_request_is_routed_to_an_office_stream_and_recorded(harness: Harness) -> None:
    h = harness
    await h.publish("catalog", service("CIV-101"), at=DAY)
    await h.publish("licences", licence("GEN-00001", capacity=5), at=DAY)
    worker = h.start_worker()
    await h.wait_ready(worker)
    await h.publish("requests", request("REQ-SMOKE-0001"), at=DAY + timedelta(seconds=1))

    assignments = await h.read(h.office_topic("GEN-00001"), until=lambda e: len(e) >= 1)
    assert assignments[0].event_type == "assignment.made"
    assert assignments[0].payload.request_id == "REQ-SMOKE-0001"
    decisions = await h.read(h.topic("decisions"), until=lambda e: len(e) >= 1)
    assert decisions[0].payload.office_id == "GEN-00001"
    assert decisions[0].payload.assignment_id == assignments[0].payload.assignment_id
    rows = await h.wait_sql(
        "SELECT state, office_id, seq FROM govroute.requests WHERE request_id = $1",
        lambda rows: bool(rows) and rows[0]["state"] == "assigned", "REQ-SMOKE-0001",
    )
    assert rows[0]["office_id"] == "GEN-00001"
    assert rows[0]["seq"] == 2
