"""The fulfilment lifecycle in the stream: accept, reject, time out, escalate, cancel."""

from __future__ import annotations

from lifecycle_steps import (
    at,
    history_rows,
    offices,
    other,
    router_up,
    states_of,
    wait_assignment,
    wait_dead_letter,
    wait_dead_letter_row,
    wait_decision,
    wait_request_row,
    wait_states,
    wait_withdrawal,
)
from scenario_builders import cancelled, report, request, service
from streams_harness import Harness

OFFICES = ("GEN-00001", "GEN-00002")


async def test_an_accepted_request_is_fulfilled_and_its_history_is_recorded_event_for_event(
        harness: Harness) -> None:
    h = harness
    await router_up(h, [service("CIV-101")], offices("GEN-00001"))
    await h.publish("requests", request("REQ-LIFE-0001", at=at(1)), at=at(1))
    made = await wait_assignment(h, "REQ-LIFE-0001")
    await h.publish("fulfilment", report("accepted", made), at=at(10))
    await wait_states(h, "REQ-LIFE-0001", "accepted")
    await h.publish("fulfilment", report("fulfilled", made), at=at(20))

    events = await h.states(until=lambda ev: states_of(ev, "REQ-LIFE-0001")[-1:] == ["fulfilled"])
    mine = [e for e in events if e.payload.request_id == "REQ-LIFE-0001"]
    assert [e.payload.seq for e in mine] == [1, 2, 3, 4]  # in order on the topic itself
    assert [str(e.payload.to_state) for e in mine] == [
        "received", "assigned", "accepted", "fulfilled"]
    assert [e.payload.from_state and str(e.payload.from_state) for e in mine] == [
        None, "received", "assigned", "accepted"]
    assert {e.payload.office_id for e in mine[1:]} == {"GEN-00001"}

    row = await wait_request_row(h, "REQ-LIFE-0001", "fulfilled", 4)
    assert row["office_id"] == "GEN-00001"
    assert row["attempt"] == 1
    rows = await history_rows(h, "REQ-LIFE-0001", 4)
    assert [(str(r["event_id"]), r["seq"], r["from_state"], r["to_state"], r["attempt"],
             r["office_id"], r["reason"], str(r["cause_event_id"])) for r in rows] == [
        (str(e.event_id), e.payload.seq, e.payload.from_state and str(e.payload.from_state),
         str(e.payload.to_state), e.payload.attempt, e.payload.office_id, e.payload.reason,
         str(e.payload.cause_event_id)) for e in mine]


async def test_a_rejected_request_is_routed_again_to_the_other_office(harness: Harness) -> None:
    h = harness
    await router_up(h, [service("CIV-101")], offices(*OFFICES))
    await h.publish("requests", request("REQ-LIFE-0002", at=at(1)), at=at(1))
    first = await wait_assignment(h, "REQ-LIFE-0002")
    second_office = other(OFFICES, first.office_id)

    await h.publish("fulfilment", report("rejected", first), at=at(30))
    second = await wait_assignment(h, "REQ-LIFE-0002", attempt=2)
    assert second.office_id == second_office
    assert second.assignment_id != first.assignment_id

    decision = await wait_decision(h, "REQ-LIFE-0002", attempt=2)
    assert decision.office_id == second_office
    excluded = {(x.office_id, str(x.reason)) for x in decision.explanation.exclusions}
    assert (first.office_id, "PREVIOUSLY_REJECTED") in excluded
    assert [c.office_id for c in decision.explanation.candidates] == [second_office]

    history = await wait_states(h, "REQ-LIFE-0002", "rejected", "assigned")
    assert [str(p.to_state) for p in history] == ["received", "assigned", "rejected", "assigned"]
    assert history[2].reason == "NO_STAFF"
    assert (history[3].attempt, history[3].office_id) == (2, second_office)
    row = await wait_request_row(h, "REQ-LIFE-0002", "assigned", 4)
    assert (row["attempt"], row["office_id"]) == (2, second_office)


async def test_an_assignment_not_accepted_in_time_is_withdrawn_and_routed_elsewhere(
        harness: Harness) -> None:
    h = harness
    await router_up(h, [service("CIV-101", accept_s=600)], offices(*OFFICES))
    await h.publish("requests", request("REQ-LIFE-0003", at=at(1)), at=at(1))
    first = await wait_assignment(h, "REQ-LIFE-0003")
    assert first.accept_by == at(601)

    await h.tick(at(599))  # not yet: nothing may happen before the deadline
    await h.tick(at(700))
    withdrawn = await wait_withdrawal(h, first.office_id, "REQ-LIFE-0003")
    assert withdrawn.assignment_id == first.assignment_id
    assert withdrawn.reason == "acceptance_timeout"
    second = await wait_assignment(h, "REQ-LIFE-0003", attempt=2)
    assert second.office_id == other(OFFICES, first.office_id)
    assert second.accept_by == at(700 + 600)

    history = await wait_states(h, "REQ-LIFE-0003", "timed_out", "assigned")
    assert [str(p.to_state) for p in history] == ["received", "assigned", "timed_out", "assigned"]
    assert history[2].reason == "ACCEPTANCE_SLA_EXPIRED"
    assert history[2].at == at(700)
    assert (history[3].attempt, history[3].office_id) == (2, second.office_id)
    rows = await history_rows(h, "REQ-LIFE-0003", 4)
    assert [(r["to_state"], r["attempt"], r["office_id"]) for r in rows[2:]] == [
        ("timed_out", 1, first.office_id), ("assigned", 2, second.office_id)]


async def test_a_request_is_escalated_when_its_attempts_are_used_up(harness: Harness) -> None:
    h = harness
    await router_up(h, [service("CIV-101", accept_s=600)], offices(*OFFICES),
                    GOVROUTE_MAX_ATTEMPTS="2")
    await h.publish("requests", request("REQ-LIFE-0004", at=at(1)), at=at(1))
    first = await wait_assignment(h, "REQ-LIFE-0004")
    await h.tick(at(700))
    second = await wait_assignment(h, "REQ-LIFE-0004", attempt=2)
    assert second.office_id == other(OFFICES, first.office_id)
    await h.tick(at(1400))

    history = await wait_states(h, "REQ-LIFE-0004", "escalated")
    assert [str(p.to_state) for p in history] == [
        "received", "assigned", "timed_out", "assigned", "timed_out", "escalated"]
    assert history[-1].reason is not None
    assert history[-1].reason.startswith("MAX_ATTEMPTS")
    withdrawn = await wait_withdrawal(h, second.office_id, "REQ-LIFE-0004")
    assert (withdrawn.assignment_id, withdrawn.reason) == (
        second.assignment_id, "acceptance_timeout")
    row = await wait_request_row(h, "REQ-LIFE-0004", "escalated", 6)
    assert row["reason"].startswith("MAX_ATTEMPTS")
    # escalated is final: no third decision was made
    decisions = await h.read(h.topic("decisions"))
    assert sorted(d.payload.attempt for d in decisions
                  if d.payload.request_id == "REQ-LIFE-0004") == [1, 2]


async def test_a_request_cancelled_while_assigned_is_withdrawn_and_later_reports_are_refused(
        harness: Harness) -> None:
    h = harness
    await router_up(h, [service("CIV-101")], offices("GEN-00001"))
    await h.publish("requests", request("REQ-LIFE-0005", at=at(1)), at=at(1))
    made = await wait_assignment(h, "REQ-LIFE-0005")
    await h.publish("requests", cancelled("REQ-LIFE-0005"), at=at(20))

    withdrawn = await wait_withdrawal(h, "GEN-00001", "REQ-LIFE-0005")
    assert (withdrawn.assignment_id, withdrawn.reason) == (made.assignment_id, "cancelled")
    history = await wait_states(h, "REQ-LIFE-0005", "cancelled")
    assert [str(p.to_state) for p in history] == ["received", "assigned", "cancelled"]
    assert history[-1].reason == "citizen: no longer needed"

    late = await h.publish("fulfilment", report("accepted", made), at=at(30))
    letter = await wait_dead_letter(h, late)
    assert str(letter.reason_code) == "ILLEGAL_TRANSITION"
    assert "cancelled" in letter.message
    row = await wait_dead_letter_row(h, late)
    assert row["reason_code"] == "ILLEGAL_TRANSITION"
    await wait_request_row(h, "REQ-LIFE-0005", "cancelled", 3)
    states = await h.states()
    assert states_of(states, "REQ-LIFE-0005") == ["received", "assigned", "cancelled"]
