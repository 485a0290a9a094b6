"""Inter-agency inquiries in the stream: asked on acceptance, answered, or left to time out."""

from __future__ import annotations

from typing import Any

from lifecycle_steps import (
    at,
    offices,
    router_up,
    wait_assignment,
    wait_request_row,
    wait_states,
    wait_withdrawal,
)
from scenario_builders import answered, report, request, service
from streams_harness import Harness

INQUIRING = service("CIV-201", inquiries=(("identity", "civil-registry"), ("tax", "tax")),
                    inquiry_s=3600)


async def accepted_with_inquiries(h: Harness, request_id: str) -> tuple[Any, dict[str, Any]]:
    """Route and accept a CIV-201 request; its assignment and inquiries by kind."""
    await router_up(h, [INQUIRING], offices("GEN-00001"))
    await h.publish("requests", request(request_id, "CIV-201", at=at(1)), at=at(1))
    made = await wait_assignment(h, request_id)
    await h.publish("fulfilment", report("accepted", made), at=at(10))
    history = await wait_states(h, request_id, "accepted", "awaiting_inquiry")
    assert history[-1].reason == "INQUIRIES: identity, tax"
    asked: dict[str, Any] = {}
    for agency, kind in (("civil-registry", "identity"), ("tax", "tax")):
        events = await h.read(h.topic(f"agency.{agency}.inquiries"), until=lambda ev: any(
            e.payload.request_id == request_id for e in ev))
        (inquiry,) = [e for e in events if e.payload.request_id == request_id]
        assert inquiry.event_type == "inquiry.requested"
        assert (inquiry.payload.kind, inquiry.payload.agency) == (kind, agency)
        assert inquiry.payload.due_by == at(10 + 3600)
        assert inquiry.payload.citizen_national_id == made.citizen_national_id
        asked[kind] = inquiry.payload
    assert asked["identity"].inquiry_id != asked["tax"].inquiry_id
    return made, asked


async def test_positive_answers_to_every_inquiry_let_the_office_fulfil(harness: Harness) -> None:
    h = harness
    made, asked = await accepted_with_inquiries(h, "REQ-INQ-0001")
    await h.publish("inquiry-results", answered(asked["identity"]), at=at(100))
    await h.publish("inquiry-results", answered(asked["tax"]), at=at(200))
    history = await wait_states(h, "REQ-INQ-0001", "awaiting_inquiry", "in_progress")
    assert history[-2].reason == "INQUIRY_POSITIVE: identity"
    assert history[-1].reason == "INQUIRY_POSITIVE: tax"

    await h.publish("fulfilment", report("fulfilled", made), at=at(300))
    history = await wait_states(h, "REQ-INQ-0001", "fulfilled")
    assert [str(p.to_state) for p in history] == [
        "received", "assigned", "accepted", "awaiting_inquiry", "awaiting_inquiry",
        "in_progress", "fulfilled"]
    await wait_request_row(h, "REQ-INQ-0001", "fulfilled", 7)


async def test_a_negative_inquiry_declines_the_request_for_good(harness: Harness) -> None:
    h = harness
    made, asked = await accepted_with_inquiries(h, "REQ-INQ-0002")
    await h.publish("inquiry-results", answered(asked["identity"]), at=at(100))
    await wait_states(h, "REQ-INQ-0002", "awaiting_inquiry", "awaiting_inquiry")
    await h.publish("inquiry-results", answered(asked["tax"], "negative"), at=at(200))

    history = await wait_states(h, "REQ-INQ-0002", "declined")
    assert history[-1].reason is not None
    assert "INQUIRY_NEGATIVE" in history[-1].reason
    withdrawn = await wait_withdrawal(h, "GEN-00001", "REQ-INQ-0002")
    assert (withdrawn.assignment_id, withdrawn.reason) == (made.assignment_id, "declined")
    row = await wait_request_row(h, "REQ-INQ-0002", "declined", 6)
    assert "INQUIRY_NEGATIVE" in row["reason"]


async def test_an_unanswered_inquiry_escalates_the_request_when_its_deadline_passes(
        harness: Harness) -> None:
    h = harness
    made, asked = await accepted_with_inquiries(h, "REQ-INQ-0003")
    await h.publish("inquiry-results", answered(asked["identity"]), at=at(100))
    await wait_states(h, "REQ-INQ-0003", "awaiting_inquiry", "awaiting_inquiry")
    await h.tick(at(10 + 3599))  # just before the tax inquiry is due
    await h.tick(at(10 + 3700))

    history = await wait_states(h, "REQ-INQ-0003", "escalated")
    assert [str(p.to_state) for p in history] == [
        "received", "assigned", "accepted", "awaiting_inquiry", "awaiting_inquiry",
        "escalated"]
    assert history[-1].reason == "INQUIRY_TIMED_OUT: tax"
    assert history[-1].at == at(10 + 3700)
    withdrawn = await wait_withdrawal(h, "GEN-00001", "REQ-INQ-0003")
    assert (withdrawn.assignment_id, withdrawn.reason) == (made.assignment_id, "escalated")
    row = await wait_request_row(h, "REQ-INQ-0003", "escalated", 6)
    assert row["reason"].startswith("INQUIRY_TIMED_OUT")
