"""Reports the router must refuse: from the wrong office, or out of order."""

from __future__ import annotations

from lifecycle_steps import (
    at,
    offices,
    other,
    router_up,
    states_of,
    wait_assignment,
    wait_dead_letter,
    wait_dead_letter_row,
    wait_request_row,
    wait_states,
)
from scenario_builders import report, request, service
from streams_harness import Harness

from contracts.fulfilment import FulfilmentAccepted

OFFICES = ("GEN-00001", "GEN-00002")


async def test_a_report_forged_by_another_licensed_office_is_dead_lettered_and_changes_nothing(
        harness: Harness) -> None:
    h = harness
    await router_up(h, [service("CIV-101")], offices(*OFFICES))
    await h.publish("requests", request("REQ-REF-0001", at=at(1)), at=at(1))
    made = await wait_assignment(h, "REQ-REF-0001")
    intruder = other(OFFICES, made.office_id)

    forged = FulfilmentAccepted(request_id=made.request_id, assignment_id=made.assignment_id,
                                office_id=intruder, attempt=made.attempt)
    forged_id = await h.publish("fulfilment", forged, at=at(10), producer=intruder)
    letter = await wait_dead_letter(h, forged_id)
    assert str(letter.reason_code) == "OFFICE_NOT_ASSIGNED"
    assert intruder in letter.message
    assert letter.source.topic == h.topic("router-log")
    assert letter.source.key == "REQ-REF-0001"
    row = await wait_dead_letter_row(h, forged_id)
    assert row["reason_code"] == "OFFICE_NOT_ASSIGNED"
    assert row["source_key"] == "REQ-REF-0001"

    await wait_request_row(h, "REQ-REF-0001", "assigned", 2)
    assert states_of(await h.states(), "REQ-REF-0001") == ["received", "assigned"]
    # the real office's acceptance is the next change (seq 3): the forgery applied nothing
    await h.publish("fulfilment", report("accepted", made), at=at(20))
    history = await wait_states(h, "REQ-REF-0001", "accepted")
    assert [(p.seq, str(p.to_state), p.office_id) for p in history] == [
        (1, "received", None), (2, "assigned", made.office_id),
        (3, "accepted", made.office_id)]
    await wait_request_row(h, "REQ-REF-0001", "accepted", 3)


async def test_a_report_out_of_order_is_refused_and_the_right_order_still_works(
        harness: Harness) -> None:
    h = harness
    await router_up(h, [service("CIV-101")], offices("GEN-00001"))
    await h.publish("requests", request("REQ-REF-0002", at=at(1)), at=at(1))
    made = await wait_assignment(h, "REQ-REF-0002")

    early = await h.publish("fulfilment", report("fulfilled", made), at=at(10))
    letter = await wait_dead_letter(h, early)
    assert str(letter.reason_code) == "ILLEGAL_TRANSITION"
    assert "assigned" in letter.message
    assert (await wait_dead_letter_row(h, early))["reason_code"] == "ILLEGAL_TRANSITION"

    await h.publish("fulfilment", report("accepted", made), at=at(20))
    await wait_states(h, "REQ-REF-0002", "accepted")
    await h.publish("fulfilment", report("fulfilled", made), at=at(30))
    history = await wait_states(h, "REQ-REF-0002", "fulfilled")
    assert [(p.seq, str(p.to_state)) for p in history] == [
        (1, "received"), (2, "assigned"), (3, "accepted"), (4, "fulfilled")]
    await wait_request_row(h, "REQ-REF-0002", "fulfilled", 4)
    letters = await h.sql("SELECT reason_code FROM govroute.dead_letters")
    assert [r["reason_code"] for r in letters] == ["ILLEGAL_TRANSITION"]
