"""Inter-agency inquiries (estelam): asked on acceptance, answered, timed out, refused."""

from __future__ import annotations

from datetime import timedelta

from engine_builders import (
    CHECKED,
    CITIZEN,
    INQUIRY_SLA,
    Desk,
    checked_service,
    desk_with,
    engine_service,
    of_type,
    only_refusal,
    transitions,
)

from router.effects import AssignmentWithdrawn, InquiryIssued, StateChanged
from router.engine import inquiry_id
from router.states import RefusalReason, RequestState

S = RequestState
MINUTE = timedelta(minutes=1)


def _awaiting() -> Desk:
    desk = desk_with("O-A", services=[checked_service()])
    desk.submit("R-1", CHECKED)
    desk.accept("R-1")
    return desk


def test_accepting_a_checked_service_asks_each_agency_and_awaits_the_answers() -> None:
    desk = desk_with("O-A", services=[checked_service()])
    desk.submit("R-1", CHECKED)

    effects = desk.accept("R-1")

    assert transitions(effects) == [(S.ASSIGNED, S.ACCEPTED), (S.ACCEPTED, S.AWAITING_INQUIRY)]
    assert of_type(effects, StateChanged)[-1].reason == "INQUIRIES: identity, tax"
    issued = of_type(effects, InquiryIssued)
    assert [(i.kind, i.agency) for i in issued] == [
        ("identity", "civil-registry"), ("tax", "tax-agency")
    ]
    assert all(i.citizen_national_id == CITIZEN for i in issued)
    assert all(i.due_by == desk.at + INQUIRY_SLA for i in issued)
    assert desk.load("O-A") == 1


def test_inquiry_ids_derive_from_the_request_attempt_and_kind() -> None:
    desk = desk_with("O-A", services=[checked_service()])
    desk.submit("R-1", CHECKED)

    issued = of_type(desk.accept("R-1"), InquiryIssued)

    assert [i.inquiry_id for i in issued] == [
        inquiry_id("R-1", 1, "identity"), inquiry_id("R-1", 1, "tax")
    ]
    assert len({i.inquiry_id for i in issued}) == 2


def test_one_positive_answer_of_two_keeps_the_request_awaiting() -> None:
    desk = _awaiting()

    effects = desk.answer("R-1", "identity")

    assert transitions(effects) == [(S.AWAITING_INQUIRY, S.AWAITING_INQUIRY)]
    assert of_type(effects, StateChanged)[0].reason == "INQUIRY_POSITIVE: identity"


def test_all_positive_answers_put_the_request_in_progress_and_allow_fulfilment() -> None:
    desk = _awaiting()
    desk.answer("R-1", "identity")

    effects = desk.answer("R-1", "tax")
    fulfilled = desk.fulfil("R-1")

    assert transitions(effects) == [(S.AWAITING_INQUIRY, S.IN_PROGRESS)]
    assert transitions(fulfilled) == [(S.IN_PROGRESS, S.FULFILLED)]
    assert desk.load("O-A") == 0


def test_one_negative_answer_declines_the_request_and_releases_the_load() -> None:
    desk = _awaiting()
    assignment = desk.record("R-1").assignment_id

    effects = desk.answer("R-1", "tax", positive=False)

    assert transitions(effects) == [(S.AWAITING_INQUIRY, S.DECLINED)]
    assert of_type(effects, StateChanged)[0].reason == "INQUIRY_NEGATIVE: tax"
    assert [(w.assignment_id, w.reason) for w in of_type(effects, AssignmentWithdrawn)] == [
        (assignment, "declined")
    ]
    assert desk.load("O-A") == 0


def test_a_declined_request_is_final() -> None:
    desk = _awaiting()
    desk.answer("R-1", "tax", positive=False)
    before = desk.snapshot()

    late = only_refusal(desk.answer("R-1", "identity"))
    fulfil = only_refusal(desk.fulfil("R-1"))
    cancel = only_refusal(desk.cancel("R-1"))

    assert late.reason is RefusalReason.ILLEGAL_TRANSITION
    assert fulfil.reason is RefusalReason.ILLEGAL_TRANSITION
    assert cancel.reason is RefusalReason.ILLEGAL_TRANSITION
    assert desk.snapshot() == before


def test_an_inquiry_past_its_sla_escalates_the_request() -> None:
    desk = _awaiting()
    desk.answer("R-1", "identity")

    effects = desk.advance(INQUIRY_SLA + MINUTE)

    assert transitions(effects) == [(S.AWAITING_INQUIRY, S.ESCALATED)]
    assert of_type(effects, StateChanged)[0].reason == "INQUIRY_TIMED_OUT: tax"
    assert [w.reason for w in of_type(effects, AssignmentWithdrawn)] == ["escalated"]
    assert desk.load("O-A") == 0


def test_inquiries_answered_in_time_never_escalate() -> None:
    desk = _awaiting()
    desk.answer("R-1", "identity")
    desk.answer("R-1", "tax")
    before = desk.snapshot()

    assert desk.advance(INQUIRY_SLA + MINUTE) == []
    assert desk.snapshot() == before


def test_an_answer_for_an_unknown_inquiry_id_is_refused() -> None:
    desk = _awaiting()
    before = desk.snapshot()

    refusal = only_refusal(desk.answer("R-1", "identity", inquiry_id="INQ-forged"))

    assert refusal.reason is RefusalReason.UNKNOWN_INQUIRY
    assert desk.snapshot() == before


def test_an_answer_for_an_unknown_request_is_refused() -> None:
    desk = _awaiting()

    refusal = only_refusal(desk.answer("R-404", "identity", inquiry_id="INQ-x"))

    assert refusal.reason is RefusalReason.UNKNOWN_REQUEST


def test_an_answer_that_names_another_kind_than_the_inquiry_asked_is_refused() -> None:
    desk = _awaiting()
    identity = desk.pending_inquiry("R-1", "identity")
    before = desk.snapshot()

    refusal = only_refusal(desk.answer("R-1", "tax", positive=False, inquiry_id=identity))

    assert refusal.reason is RefusalReason.UNKNOWN_INQUIRY
    assert desk.snapshot() == before


def test_answering_the_same_inquiry_twice_is_a_duplicate_event() -> None:
    desk = _awaiting()
    inquiry = desk.pending_inquiry("R-1", "identity")
    desk.answer("R-1", "identity", inquiry_id=inquiry)
    before = desk.snapshot()

    redelivered = only_refusal(desk.answer("R-1", "identity", inquiry_id=inquiry))

    assert redelivered.reason is RefusalReason.DUPLICATE_EVENT
    assert desk.snapshot() == before


def test_fulfilled_while_awaiting_an_inquiry_is_an_illegal_transition() -> None:
    desk = _awaiting()
    before = desk.snapshot()

    refusal = only_refusal(desk.fulfil("R-1"))

    assert refusal.reason is RefusalReason.ILLEGAL_TRANSITION
    assert desk.snapshot() == before


def test_an_office_may_ask_a_declared_inquiry_again_while_in_progress() -> None:
    desk = _awaiting()
    desk.answer("R-1", "identity")
    desk.answer("R-1", "tax")

    effects = desk.report("R-1", "awaiting_inquiry", inquiries=("identity",))

    assert transitions(effects) == [(S.IN_PROGRESS, S.AWAITING_INQUIRY)]
    assert [i.kind for i in of_type(effects, InquiryIssued)] == ["identity"]


def test_an_inquiry_asked_again_gets_an_id_of_its_own() -> None:
    desk = _awaiting()
    first = desk.pending_inquiry("R-1", "identity")
    desk.answer("R-1", "identity")
    desk.answer("R-1", "tax")

    effects = desk.report("R-1", "awaiting_inquiry", inquiries=("identity",))

    again = of_type(effects, InquiryIssued)[0].inquiry_id
    assert again != first
    assert desk.pending_inquiry("R-1", "identity") == again
    late = only_refusal(desk.answer("R-1", "identity", inquiry_id=first))
    assert late.reason is RefusalReason.DUPLICATE_EVENT


def test_an_inquiry_asked_again_is_timed_by_its_own_deadline() -> None:
    desk = _awaiting()
    desk.advance(MINUTE)
    desk.answer("R-1", "identity")
    desk.answer("R-1", "tax")
    desk.advance(2 * MINUTE)
    desk.report("R-1", "awaiting_inquiry", inquiries=("identity",))

    before_due = desk.advance(INQUIRY_SLA - 2 * MINUTE)
    after_due = desk.advance(2 * MINUTE)

    assert before_due == []
    assert transitions(after_due) == [(S.AWAITING_INQUIRY, S.ESCALATED)]


def test_an_office_may_not_ask_an_inquiry_the_service_does_not_declare() -> None:
    desk = _awaiting()
    desk.answer("R-1", "identity")
    desk.answer("R-1", "tax")
    before = desk.snapshot()

    refusal = only_refusal(desk.report("R-1", "awaiting_inquiry", inquiries=("criminal",)))

    assert refusal.reason is RefusalReason.UNKNOWN_INQUIRY
    assert desk.snapshot() == before


def test_an_awaiting_inquiry_report_that_names_no_inquiry_is_refused() -> None:
    desk = desk_with("O-A")
    desk.submit("R-1")
    desk.accept("R-1")
    before = desk.snapshot()

    refusal = only_refusal(desk.report("R-1", "awaiting_inquiry", inquiries=()))

    assert refusal.reason is RefusalReason.UNKNOWN_INQUIRY
    assert desk.snapshot() == before


def test_a_service_without_inquiries_goes_straight_to_accepted() -> None:
    desk = desk_with("O-A", services=[engine_service()])
    desk.submit("R-1")

    effects = desk.accept("R-1")

    assert of_type(effects, InquiryIssued) == []
    assert desk.state("R-1") is S.ACCEPTED


def test_cancelling_while_awaiting_an_inquiry_ignores_its_later_answer_and_deadline() -> None:
    desk = _awaiting()
    desk.cancel("R-1")
    before = desk.snapshot()

    late = only_refusal(desk.answer("R-1", "tax"))

    assert late.reason is RefusalReason.ILLEGAL_TRANSITION
    assert desk.advance(INQUIRY_SLA + MINUTE) == []
    assert desk.snapshot() == before
    assert desk.load("O-A") == 0
