"""Time: acceptance timeouts, escalation after the last attempt, the fulfilment SLA."""

from __future__ import annotations

from datetime import timedelta

from engine_builders import (
    ACCEPTANCE_SLA,
    FULFILMENT_SLA,
    desk_with,
    of_type,
    only_refusal,
    transitions,
)

from router import ExclusionReason
from router.effects import AssignmentWithdrawn, Decided, StateChanged
from router.states import RefusalReason, RequestState

S = RequestState
MINUTE = timedelta(minutes=1)


def test_a_tick_past_the_acceptance_deadline_withdraws_and_reroutes_elsewhere() -> None:
    desk = desk_with("O-A", "O-B")
    desk.submit("R-1")
    first = desk.record("R-1")

    effects = desk.advance(ACCEPTANCE_SLA + MINUTE)

    withdrawn = of_type(effects, AssignmentWithdrawn)
    assert [(w.office_id, w.assignment_id, w.reason) for w in withdrawn] == [
        (first.office_id, first.assignment_id, "acceptance_timeout")
    ]
    assert transitions(effects) == [(S.ASSIGNED, S.TIMED_OUT), (S.TIMED_OUT, S.ASSIGNED)]
    assert of_type(effects, StateChanged)[0].reason == "ACCEPTANCE_SLA_EXPIRED"
    record = desk.record("R-1")
    assert record.attempt == 2
    assert record.office_id != first.office_id
    assert dict(record.excluded) == {first.office_id: ExclusionReason.PREVIOUSLY_TIMED_OUT}
    assert desk.load(first.office_id or "") == 0
    assert desk.load(desk.office("R-1")) == 1


def test_the_new_assignment_gets_a_fresh_acceptance_deadline_from_the_tick() -> None:
    desk = desk_with("O-A", "O-B")
    desk.submit("R-1")

    desk.advance(ACCEPTANCE_SLA + MINUTE)

    assert desk.record("R-1").accept_by == desk.at + ACCEPTANCE_SLA


def test_a_tick_exactly_at_the_acceptance_deadline_times_out() -> None:
    desk = desk_with("O-A", "O-B")
    desk.submit("R-1")

    desk.advance(ACCEPTANCE_SLA)

    assert desk.record("R-1").attempt == 2


def test_a_tick_before_the_acceptance_deadline_does_nothing() -> None:
    desk = desk_with("O-A", "O-B")
    desk.submit("R-1")
    before = desk.snapshot()

    effects = desk.advance(ACCEPTANCE_SLA - MINUTE)

    assert effects == []
    assert desk.snapshot() == before


def test_an_acceptance_deadline_is_stale_once_the_request_is_accepted() -> None:
    desk = desk_with("O-A", "O-B")
    desk.submit("R-1")
    desk.accept("R-1")
    before = desk.snapshot()

    effects = desk.advance(ACCEPTANCE_SLA + MINUTE)

    assert effects == []
    assert desk.snapshot() == before


def test_an_acceptance_deadline_of_a_cancelled_request_does_nothing() -> None:
    desk = desk_with("O-A", "O-B")
    desk.submit("R-1")
    desk.cancel("R-1")
    before = desk.snapshot()

    assert desk.advance(ACCEPTANCE_SLA + MINUTE) == []
    assert desk.snapshot() == before


def test_a_tick_that_goes_back_in_time_is_ignored() -> None:
    desk = desk_with("O-A", "O-B")
    desk.advance(MINUTE)
    desk.submit("R-1")
    desk.advance(ACCEPTANCE_SLA + MINUTE)
    late = desk.record("R-1")

    desk.at -= ACCEPTANCE_SLA
    assert desk.advance(MINUTE) == []
    assert desk.record("R-1") == late


def test_a_request_that_times_out_at_every_office_escalates_after_max_attempts() -> None:
    desk = desk_with("O-A", "O-B", "O-C", max_attempts=2)
    desk.submit("R-1")
    desk.advance(ACCEPTANCE_SLA + MINUTE)
    second = desk.office("R-1")

    effects = desk.advance(ACCEPTANCE_SLA + MINUTE)

    assert transitions(effects) == [(S.ASSIGNED, S.TIMED_OUT), (S.TIMED_OUT, S.ESCALATED)]
    assert of_type(effects, StateChanged)[-1].reason == "MAX_ATTEMPTS: 2"
    assert of_type(effects, Decided) == []
    assert [w.office_id for w in of_type(effects, AssignmentWithdrawn)] == [second]
    assert desk.state("R-1") is S.ESCALATED
    assert sum(desk.core.loads.values()) == 0


def test_a_request_rejected_by_both_offices_escalates_with_max_attempts_two() -> None:
    desk = desk_with("O-A", "O-B", max_attempts=2)
    desk.submit("R-1")
    desk.reject("R-1")

    effects = desk.reject("R-1")

    assert transitions(effects) == [(S.ASSIGNED, S.REJECTED), (S.REJECTED, S.ESCALATED)]
    assert of_type(effects, StateChanged)[-1].reason == "MAX_ATTEMPTS: 2"
    assert sum(desk.core.loads.values()) == 0


def test_an_escalated_request_is_final() -> None:
    desk = desk_with("O-A", "O-B", max_attempts=1)
    desk.submit("R-1")
    desk.reject("R-1")
    before = desk.snapshot()

    assert only_refusal(desk.cancel("R-1")).reason is RefusalReason.ILLEGAL_TRANSITION
    assert desk.advance(FULFILMENT_SLA * 2) == []
    assert desk.snapshot() == before


def test_a_tick_past_the_fulfilment_deadline_flags_the_request_once() -> None:
    desk = desk_with("O-A")
    desk.submit("R-1")
    desk.accept("R-1")

    first = desk.advance(FULFILMENT_SLA + MINUTE)
    second = desk.advance(FULFILMENT_SLA)

    assert transitions(first) == [(S.ACCEPTED, S.ACCEPTED)]
    assert of_type(first, StateChanged)[0].reason == "FULFILMENT_SLA_BREACHED"
    assert desk.record("R-1").sla_breached is True
    assert second == []


def test_a_breached_request_keeps_its_office_and_may_still_be_fulfilled() -> None:
    desk = desk_with("O-A")
    desk.submit("R-1")
    desk.accept("R-1")
    desk.advance(FULFILMENT_SLA + MINUTE)

    desk.fulfil("R-1")

    assert desk.state("R-1") is S.FULFILLED
    assert desk.load("O-A") == 0


def test_a_request_fulfilled_in_time_is_never_flagged() -> None:
    desk = desk_with("O-A")
    desk.submit("R-1")
    desk.accept("R-1")
    desk.fulfil("R-1")
    before = desk.snapshot()

    assert desk.advance(FULFILMENT_SLA + MINUTE) == []
    assert desk.snapshot() == before


def test_deadlines_of_many_requests_fall_due_in_time_order() -> None:
    desk = desk_with("O-A", "O-B", "O-C")
    desk.submit("R-1")
    desk.advance(10 * MINUTE)
    desk.submit("R-2")

    effects = desk.advance(ACCEPTANCE_SLA + 20 * MINUTE)

    timed_out = [e.record.request_id for e in of_type(effects, StateChanged)
                 if e.to_state is S.TIMED_OUT]
    assert timed_out == ["R-1", "R-2"]
