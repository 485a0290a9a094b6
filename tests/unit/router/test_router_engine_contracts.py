"""The router's codes against the published contracts (tests may import contracts; router not)."""

from __future__ import annotations

from typing import get_args

from engine_builders import (
    ACCEPTANCE_SLA,
    CHECKED,
    INQUIRY_SLA,
    checked_service,
    desk_with,
    of_type,
)

from contracts.assignments import WithdrawalReason
from contracts.errors import DeadLetterReason
from contracts.state import RequestState as ContractState
from router.effects import AssignmentWithdrawn
from router.states import FINAL, HELD, RefusalReason, RequestState


def test_every_refusal_reason_is_a_dead_letter_reason() -> None:
    assert {r.value for r in RefusalReason} <= {r.value for r in DeadLetterReason}


def test_the_router_states_are_exactly_the_contract_states() -> None:
    assert {s.value for s in RequestState} == {s.value for s in ContractState}


def test_a_request_is_never_both_held_and_final() -> None:
    assert HELD.isdisjoint(FINAL)


def test_every_withdrawal_the_engine_makes_has_a_contract_reason() -> None:
    desk = desk_with("O-A", "O-B", services=[checked_service()], max_attempts=9)
    effects = [*desk.submit("R-1", CHECKED), *desk.advance(ACCEPTANCE_SLA)]
    effects += [*desk.submit("R-2", CHECKED), *desk.cancel("R-2")]
    for rid in ("R-3", "R-4"):
        effects += [*desk.submit(rid, CHECKED), *desk.accept(rid)]
    effects += [*desk.answer("R-3", "tax", positive=False), *desk.advance(INQUIRY_SLA)]

    reasons = {w.reason for w in of_type(effects, AssignmentWithdrawn)}

    assert reasons == {"acceptance_timeout", "cancelled", "declined", "escalated"}
    assert reasons <= set(get_args(WithdrawalReason))
