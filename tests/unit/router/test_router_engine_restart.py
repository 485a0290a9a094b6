"""Restart and replay: a core rebuilt over the same mappings continues identically."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from engine_builders import (
    ACCEPTANCE_SLA,
    CHECKED,
    INQUIRY_SLA,
    Desk,
    checked_service,
    desk_with,
    engine_service,
    new_core,
    of_type,
    transitions,
)
from router_builders import REY

from router import CURRENT_POLICY, SuspendLicence
from router.deadlines import deadlines_of
from router.effects import Decided, Effect
from router.engine import RouterCore
from router.states import FINAL, RequestState

S = RequestState
MINUTE = timedelta(minutes=1)


def _restarted(desk: Desk) -> Desk:
    """A new core over the same durable mappings, its caches rebuilt from them."""
    old = desk.core
    core = RouterCore(
        requests=old.requests, loads=old.loads, licences=old.licences, services=old.services,
        clock=old.clock, policy=CURRENT_POLICY, max_attempts=old.max_attempts,
    )
    core.rebuild()
    return Desk(core=core, at=desk.at, counter=desk.counter)


def _busy_desk() -> Desk:
    desk = desk_with("O-A", "O-B", "O-C", services=[engine_service(), checked_service()],
                     capacity=3)
    desk.license(SuspendLicence("O-C", "audit"))
    desk.submit("R-1")
    desk.submit("R-2", CHECKED)
    desk.accept("R-2")
    desk.advance(10 * MINUTE)
    desk.submit("R-3", region=REY)
    desk.reject("R-3")
    return desk


def _script(desk: Desk) -> list[Effect]:
    """What happens next, whichever core it happens to."""
    effects = [*desk.answer("R-2", "identity"), *desk.submit("R-4"), *desk.submit("R-5")]
    effects += desk.advance(ACCEPTANCE_SLA)
    effects += desk.accept("R-4")
    effects += desk.advance(INQUIRY_SLA)
    return effects


def test_a_restarted_core_rebuilds_the_same_registry_catalog_and_deadlines() -> None:
    desk = _busy_desk()

    again = _restarted(desk)

    assert list(again.core.registry) == list(desk.core.registry)
    assert dict(again.core.catalog) == dict(desk.core.catalog)
    far = desk.at + timedelta(days=365)
    rebuilt, cached = list(again.core.deadlines.due(far)), list(desk.core.deadlines.due(far))
    live = sorted(d for r in desk.core.requests.values() if r.state not in FINAL
                  for d in deadlines_of(r))
    assert rebuilt == live
    assert len(rebuilt) >= 3
    assert set(rebuilt) <= set(cached)  # the running cache also holds stale entries


def test_a_restart_keeps_timers_so_an_earlier_assignment_still_times_out() -> None:
    desk = desk_with("O-A", "O-B")
    desk.submit("R-1")
    first = desk.office("R-1")

    again = _restarted(desk)
    effects = again.advance(ACCEPTANCE_SLA + MINUTE)

    assert transitions(effects) == [(S.ASSIGNED, S.TIMED_OUT), (S.TIMED_OUT, S.ASSIGNED)]
    assert again.office("R-1") != first
    assert again.load(first) == 0


def test_a_restart_keeps_the_fulfilment_and_inquiry_timers() -> None:
    desk = desk_with("O-A", services=[checked_service()])
    desk.submit("R-1", CHECKED)
    desk.accept("R-1")

    again = _restarted(desk)
    effects = again.advance(INQUIRY_SLA + MINUTE)

    assert transitions(effects) == [(S.AWAITING_INQUIRY, S.ESCALATED)]


def test_a_restart_keeps_loads_and_suspensions() -> None:
    desk = _busy_desk()
    loads = dict(desk.core.loads)

    again = _restarted(desk)

    assert dict(again.core.loads) == loads
    assert again.core.registry.get("O-C") == desk.core.registry.get("O-C")


def test_a_restarted_core_continues_exactly_as_the_original_would_have() -> None:
    original, survivor = _busy_desk(), _busy_desk()
    restarted = _restarted(survivor)

    expected = _script(original)
    actual = _script(restarted)

    assert repr(actual) == repr(expected)
    assert restarted.core.requests == original.core.requests
    assert restarted.core.loads == original.core.loads


def test_a_restart_gives_the_same_decisions_with_the_same_explanations() -> None:
    original, survivor = _busy_desk(), _busy_desk()
    restarted = _restarted(survivor)

    def decisions(run: Callable[[], list[Effect]]) -> list[dict[str, object]]:
        return [d.decision.to_dict() for d in of_type(run(), Decided)]

    expected = decisions(lambda: _script(original))
    actual = decisions(lambda: _script(restarted))

    assert actual == expected
    assert len(actual) >= 3


def test_two_cores_fed_the_same_inputs_produce_the_same_effects_and_state() -> None:
    first, second = _busy_desk(), _busy_desk()

    one, two = _script(first), _script(second)

    assert repr(one) == repr(two)
    assert [d.decision.to_dict() for d in of_type(one, Decided)] == [
        d.decision.to_dict() for d in of_type(two, Decided)
    ]
    assert first.core.requests == second.core.requests
    assert first.core.loads == second.core.loads
    assert first.core.clock == second.core.clock


def test_replaying_the_log_into_a_fresh_core_reproduces_every_effect() -> None:
    desk = _busy_desk()
    recorded = _script(desk)
    replay = new_core()

    effects = [e for event, at in desk.log for e in replay.handle(event, at)]

    assert repr(effects[-len(recorded):]) == repr(recorded)
    assert replay.requests == desk.core.requests
    assert replay.loads == desk.core.loads
