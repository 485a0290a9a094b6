"""Submitting a request: received, routed, assigned; and the submissions that are refused."""

from __future__ import annotations

from engine_builders import PLAIN, Desk, desk_with, of_type, only_refusal, transitions
from router_builders import T0

from router import Outcome
from router.effects import AssignmentIssued, Decided, Refused, StateChanged
from router.states import RefusalReason, RequestState

S = RequestState


def test_a_submitted_request_is_received_then_assigned_with_a_decision() -> None:
    desk = desk_with("O-A", "O-B")

    effects = desk.submit("R-1")

    assert [type(e) for e in effects] == [StateChanged, Decided, StateChanged, AssignmentIssued]
    assert transitions(effects) == [(None, S.RECEIVED), (S.RECEIVED, S.ASSIGNED)]
    decision = of_type(effects, Decided)[0].decision
    assert decision.outcome is Outcome.ASSIGNED
    assert decision.attempt == 1
    issued = of_type(effects, AssignmentIssued)[0]
    assert issued.record.office_id == decision.office_id
    assert issued.record.assignment_id == decision.assignment_id
    assert issued.policy_version == decision.policy_version


def test_an_assigned_request_records_its_office_attempt_and_acceptance_deadline() -> None:
    desk = desk_with("O-A", "O-B")

    desk.submit("R-1")

    record = desk.record("R-1")
    assert record.state is S.ASSIGNED
    assert record.attempt == 1
    assert record.office_id in {"O-A", "O-B"}
    assert record.accept_by == T0 + desk.core.catalog.require(PLAIN).acceptance_sla
    assert record.seq == 2


def test_assignment_adds_one_to_the_chosen_offices_load_only() -> None:
    desk = desk_with("O-A", "O-B")

    desk.submit("R-1")

    chosen = desk.office("R-1")
    other = ({"O-A", "O-B"} - {chosen}).pop()
    assert desk.load(chosen) == 1
    assert desk.load(other) == 0


def test_state_changes_carry_consecutive_sequence_numbers() -> None:
    desk = desk_with("O-A")

    effects = desk.submit("R-1")

    assert [e.record.seq for e in of_type(effects, StateChanged)] == [1, 2]


def test_a_request_for_an_unknown_service_is_refused_and_leaves_no_record() -> None:
    desk = desk_with("O-A")

    refusal = only_refusal(desk.submit("R-1", "S-NOPE"))

    assert refusal.reason is RefusalReason.UNKNOWN_SERVICE
    assert refusal.request_id == "R-1"
    assert "R-1" not in desk.core.requests
    assert desk.core.loads == {}


def test_a_second_submission_of_the_same_request_id_is_a_duplicate_request() -> None:
    desk = desk_with("O-A", "O-B")
    desk.submit("R-1", event_id="EV-first")
    before = desk.snapshot()

    refusal = only_refusal(desk.submit("R-1", event_id="EV-second"))

    assert refusal.reason is RefusalReason.DUPLICATE_REQUEST
    assert desk.snapshot() == before


def test_the_same_submission_delivered_twice_is_a_duplicate_event() -> None:
    desk = desk_with("O-A", "O-B")
    desk.submit("R-1", event_id="EV-first")
    before = desk.snapshot()

    refusal = only_refusal(desk.submit("R-1", event_id="EV-first"))

    assert refusal.reason is RefusalReason.DUPLICATE_EVENT
    assert desk.snapshot() == before
    assert sum(desk.core.loads.values()) == 1


def test_a_request_with_no_eligible_office_is_unroutable_and_final() -> None:
    desk = desk_with("O-A", capacity=1)
    desk.submit("R-1")

    effects = desk.submit("R-2")

    assert transitions(effects) == [(None, S.RECEIVED), (S.RECEIVED, S.UNROUTABLE)]
    assert desk.state("R-2") is S.UNROUTABLE
    assert of_type(effects, AssignmentIssued) == []
    reason = of_type(effects, StateChanged)[-1].reason
    assert reason == "NO_ELIGIBLE_OFFICE: CAPACITY_EXHAUSTED x1"
    assert desk.load("O-A") == 1


def test_an_unroutable_reason_ranks_exclusion_codes_by_count() -> None:
    desk = desk_with("O-A", "O-B", capacity=1)
    desk.open_offices("O-C", capacity=0)
    desk.submit("R-1")
    desk.submit("R-2")

    effects = desk.submit("R-3")

    reason = of_type(effects, StateChanged)[-1].reason
    assert reason == "NO_ELIGIBLE_OFFICE: CAPACITY_EXHAUSTED x3"


def test_a_request_with_no_office_licensed_anywhere_says_none_is_nearby() -> None:
    desk = Desk()
    desk.define()

    effects = desk.submit("R-1")

    assert desk.state("R-1") is S.UNROUTABLE
    assert of_type(effects, StateChanged)[-1].reason == "NO_OFFICE_LICENSED_NEARBY"


def test_nothing_can_be_reported_or_cancelled_on_an_unroutable_request() -> None:
    desk = desk_with("O-A", capacity=0)
    desk.submit("R-1")
    before = desk.snapshot()

    cancel = only_refusal(desk.cancel("R-1"))
    accept = only_refusal(desk.accept("R-1", office="O-A", assignment="A-x"))

    assert cancel.reason is RefusalReason.ILLEGAL_TRANSITION
    assert accept.reason is RefusalReason.OFFICE_NOT_ASSIGNED
    assert desk.snapshot() == before


def test_a_preferred_office_that_is_eligible_is_chosen() -> None:
    desk = desk_with("O-A", "O-B", "O-C")

    desk.submit("R-1", preferred="O-C")

    assert desk.office("R-1") == "O-C"


def test_refusals_are_not_security_events_for_citizen_mistakes() -> None:
    desk = desk_with("O-A")
    desk.submit("R-1", event_id="EV-1")

    effects = [*desk.submit("R-2", "S-NOPE"), *desk.submit("R-1", event_id="EV-1")]

    assert all(isinstance(e, Refused) and not e.security for e in effects)
