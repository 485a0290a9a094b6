"""Office reports: accept, fulfil, reject and re-route; and the reports that are refused."""

from __future__ import annotations

import pytest
from engine_builders import desk_with, of_type, only_refusal, transitions

from router import ExclusionReason
from router.effects import AssignmentIssued, AssignmentWithdrawn, Decided, StateChanged
from router.inputs import Report
from router.states import RefusalReason, RequestState

S = RequestState


def _other(office: str, *among: str) -> str:
    return ({*among} - {office}).pop()


def test_an_accepted_request_moves_from_assigned_to_accepted() -> None:
    desk = desk_with("O-A")
    desk.submit("R-1")

    effects = desk.accept("R-1")

    assert transitions(effects) == [(S.ASSIGNED, S.ACCEPTED)]
    assert desk.record("R-1").fulfil_by == desk.at + desk.core.catalog["S-PLAIN"].fulfilment_sla
    assert desk.load("O-A") == 1


def test_a_fulfilled_request_releases_its_offices_load() -> None:
    desk = desk_with("O-A")
    desk.submit("R-1")
    desk.accept("R-1")

    effects = desk.fulfil("R-1")

    assert transitions(effects) == [(S.ACCEPTED, S.FULFILLED)]
    assert desk.state("R-1") is S.FULFILLED
    assert desk.load("O-A") == 0
    assert of_type(effects, AssignmentWithdrawn) == []


def test_a_rejected_request_is_rerouted_to_another_eligible_office() -> None:
    desk = desk_with("O-A", "O-B")
    desk.submit("R-1")
    first = desk.office("R-1")

    effects = desk.reject("R-1")

    second = desk.office("R-1")
    assert second == _other(first, "O-A", "O-B")
    assert transitions(effects) == [(S.ASSIGNED, S.REJECTED), (S.REJECTED, S.ASSIGNED)]
    record = desk.record("R-1")
    assert record.attempt == 2
    assert dict(record.excluded) == {first: ExclusionReason.PREVIOUSLY_REJECTED}
    assert desk.load(first) == 0
    assert desk.load(second) == 1


def test_a_rerouting_decision_explains_why_the_rejecting_office_was_skipped() -> None:
    desk = desk_with("O-A", "O-B")
    desk.submit("R-1")
    first = desk.office("R-1")

    effects = desk.reject("R-1")

    decision = of_type(effects, Decided)[0].decision
    assert decision.attempt == 2
    assert [(x.office_id, x.reason) for x in decision.exclusions] == [
        (first, ExclusionReason.PREVIOUSLY_REJECTED)
    ]
    issued = of_type(effects, AssignmentIssued)[0]
    assert issued.record.assignment_id == decision.assignment_id
    assert issued.record.office_id == decision.office_id != first


def test_a_rerouted_assignment_has_a_new_assignment_id() -> None:
    desk = desk_with("O-A", "O-B")
    desk.submit("R-1")
    first = desk.record("R-1").assignment_id

    desk.reject("R-1")

    assert desk.record("R-1").assignment_id not in {None, first}


def test_a_rejection_from_the_only_office_leaves_the_request_unroutable() -> None:
    desk = desk_with("O-A")
    desk.submit("R-1")

    effects = desk.reject("R-1")

    assert desk.state("R-1") is S.UNROUTABLE
    assert of_type(effects, StateChanged)[-1].reason == "NO_ELIGIBLE_OFFICE: PREVIOUSLY_REJECTED x1"
    assert desk.load("O-A") == 0


def test_an_accepted_request_may_still_be_rejected_and_rerouted() -> None:
    desk = desk_with("O-A", "O-B")
    desk.submit("R-1")
    first = desk.office("R-1")
    desk.accept("R-1")

    desk.reject("R-1")

    assert desk.state("R-1") is S.ASSIGNED
    assert desk.office("R-1") != first
    assert desk.record("R-1").fulfil_by is None
    assert desk.load(first) == 0


def test_a_report_forged_by_another_licensed_office_is_a_security_refusal() -> None:
    desk = desk_with("O-A", "O-B")
    desk.submit("R-1")
    intruder = _other(desk.office("R-1"), "O-A", "O-B")
    before = desk.snapshot()

    refusal = only_refusal(desk.accept("R-1", office=intruder))

    assert refusal.reason is RefusalReason.OFFICE_NOT_ASSIGNED
    assert refusal.security is True
    assert refusal.office_id == intruder
    assert desk.snapshot() == before


def test_a_report_from_an_unlicensed_office_is_an_unknown_office() -> None:
    desk = desk_with("O-A")
    desk.submit("R-1")
    before = desk.snapshot()

    refusal = only_refusal(desk.fulfil("R-1", office="O-GHOST"))

    assert refusal.reason is RefusalReason.UNKNOWN_OFFICE
    assert desk.snapshot() == before


def test_a_report_with_the_wrong_assignment_id_is_a_security_refusal() -> None:
    desk = desk_with("O-A")
    desk.submit("R-1")
    before = desk.snapshot()

    refusal = only_refusal(desk.accept("R-1", assignment="A-forged"))

    assert refusal.reason is RefusalReason.OFFICE_NOT_ASSIGNED
    assert refusal.security is True
    assert desk.snapshot() == before


def test_a_report_from_the_office_of_an_earlier_attempt_is_stale() -> None:
    desk = desk_with("O-A", "O-B")
    desk.submit("R-1")
    first = desk.record("R-1")
    desk.reject("R-1")
    before = desk.snapshot()

    refusal = only_refusal(desk.accept(
        "R-1", office=first.office_id, attempt=1, assignment=first.assignment_id))

    assert refusal.reason is RefusalReason.STALE_ATTEMPT
    assert desk.snapshot() == before


def test_a_report_naming_an_old_attempt_number_is_stale() -> None:
    desk = desk_with("O-A", "O-B")
    desk.submit("R-1")
    desk.reject("R-1")

    refusal = only_refusal(desk.accept("R-1", attempt=1))

    assert refusal.reason is RefusalReason.STALE_ATTEMPT


def test_fulfilled_before_accepted_is_an_illegal_transition() -> None:
    desk = desk_with("O-A")
    desk.submit("R-1")
    before = desk.snapshot()

    refusal = only_refusal(desk.fulfil("R-1"))

    assert refusal.reason is RefusalReason.ILLEGAL_TRANSITION
    assert desk.snapshot() == before


def test_accepting_twice_is_an_illegal_transition() -> None:
    desk = desk_with("O-A")
    desk.submit("R-1")
    desk.accept("R-1")

    refusal = only_refusal(desk.accept("R-1"))

    assert refusal.reason is RefusalReason.ILLEGAL_TRANSITION


def test_the_same_report_delivered_twice_is_a_duplicate_event() -> None:
    desk = desk_with("O-A")
    desk.submit("R-1")
    desk.accept("R-1", event_id="EV-acc")
    before = desk.snapshot()

    refusal = only_refusal(desk.accept("R-1", event_id="EV-acc"))

    assert refusal.reason is RefusalReason.DUPLICATE_EVENT
    assert desk.snapshot() == before


def test_a_report_for_an_unknown_request_is_refused() -> None:
    desk = desk_with("O-A")

    refusal = only_refusal(desk.feed(Report("EV-x", "accepted", "R-404", "A-x", "O-A", 1)))

    assert refusal.reason is RefusalReason.UNKNOWN_REQUEST


@pytest.mark.parametrize("kind", ["accepted", "rejected", "fulfilled", "awaiting_inquiry"])
def test_any_report_after_fulfilment_is_an_illegal_transition(kind: str) -> None:
    desk = desk_with("O-A", "O-B")
    desk.submit("R-1")
    desk.accept("R-1")
    desk.fulfil("R-1")
    before = desk.snapshot()

    refusal = only_refusal(desk.report("R-1", kind))

    assert refusal.reason is RefusalReason.ILLEGAL_TRANSITION
    assert "final" in refusal.message
    assert desk.snapshot() == before


def test_reports_after_cancellation_are_illegal_transitions() -> None:
    desk = desk_with("O-A")
    desk.submit("R-1")
    desk.cancel("R-1")

    refusal = only_refusal(desk.accept("R-1"))

    assert refusal.reason is RefusalReason.ILLEGAL_TRANSITION
    assert desk.load("O-A") == 0


def test_cancelling_an_assigned_request_withdraws_it_and_releases_the_load() -> None:
    desk = desk_with("O-A")
    desk.submit("R-1")
    assignment = desk.record("R-1").assignment_id

    effects = desk.cancel("R-1")

    assert transitions(effects) == [(S.ASSIGNED, S.CANCELLED)]
    withdrawn = of_type(effects, AssignmentWithdrawn)
    assert [(w.office_id, w.assignment_id, w.reason) for w in withdrawn] == [
        ("O-A", assignment, "cancelled")
    ]
    assert of_type(effects, StateChanged)[0].reason == "citizen: moved"
    assert desk.load("O-A") == 0


def test_cancelling_an_accepted_request_also_releases_the_load() -> None:
    desk = desk_with("O-A")
    desk.submit("R-1")
    desk.accept("R-1")

    desk.cancel("R-1")

    assert desk.state("R-1") is S.CANCELLED
    assert desk.load("O-A") == 0


def test_cancelling_a_fulfilled_request_is_an_illegal_transition() -> None:
    desk = desk_with("O-A")
    desk.submit("R-1")
    desk.accept("R-1")
    desk.fulfil("R-1")
    before = desk.snapshot()

    refusal = only_refusal(desk.cancel("R-1"))

    assert refusal.reason is RefusalReason.ILLEGAL_TRANSITION
    assert desk.snapshot() == before


def test_cancelling_an_unknown_request_is_refused() -> None:
    desk = desk_with("O-A")

    refusal = only_refusal(desk.cancel("R-404"))

    assert refusal.reason is RefusalReason.UNKNOWN_REQUEST


def test_the_same_cancellation_delivered_twice_is_a_duplicate_event() -> None:
    desk = desk_with("O-A")
    desk.submit("R-1")
    desk.cancel("R-1", event_id="EV-c")

    refusal = only_refusal(desk.cancel("R-1", event_id="EV-c"))

    assert refusal.reason is RefusalReason.DUPLICATE_EVENT


def test_a_freed_office_takes_the_next_request() -> None:
    desk = desk_with("O-A", capacity=1)
    desk.submit("R-1")
    desk.accept("R-1")
    desk.fulfil("R-1")

    desk.submit("R-2")

    assert desk.state("R-2") is S.ASSIGNED
    assert desk.load("O-A") == 1
