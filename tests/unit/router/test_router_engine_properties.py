"""Properties of the core over random input sequences: loads, sequence numbers, finality."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from engine_builders import CHECKED, PLAIN, Desk, checked_service, engine_service, new_core
from hypothesis import given, settings
from hypothesis import strategies as st
from router_builders import ISFAHAN, REY, TEHRAN, issue

from router import Reach, ReinstateLicence, SuspendLicence
from router.effects import Effect, Refused, StateChanged
from router.inputs import Cancelled, InquiryAnswered, Report, Submitted
from router.records import RequestRecord
from router.states import FINAL, RequestState

S = RequestState
NEARBY = "S-NEARBY"
SERVICES = [PLAIN, CHECKED, NEARBY]
REGIONS = [TEHRAN, REY, ISFAHAN]
TRANSIENT = {S.RECEIVED, S.REJECTED, S.TIMED_OUT}

request_op = st.tuples(
    st.sampled_from(["step", "step", "step", "accept", "reject", "fulfil", "cancel", "yes",
                     "no", "ask", "forge", "again"]),
    st.integers(0, 50),
)
OPS = st.lists(
    st.one_of(
        st.tuples(st.just("submit"), st.sampled_from(SERVICES), st.sampled_from(REGIONS)),
        request_op, request_op, request_op,
        st.tuples(st.just("tick"), st.integers(1, 45)),
        st.tuples(st.sampled_from(["suspend", "reinstate"]), st.integers(0, 3)),
    ),
    min_size=8,
    max_size=50,
)
OFFICES = st.lists(
    st.tuples(st.sampled_from(REGIONS), st.sampled_from([0, 1, 2, 2, 3])), min_size=1, max_size=4
)


class Watcher:
    """Checks every effect and every resting state against the core's invariants."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self.seen: dict[str, RequestRecord] = {}
        self.finals: dict[str, RequestRecord] = {}

    def effects(self, effects: list[Effect]) -> None:
        for change in (e for e in effects if isinstance(e, StateChanged)):
            rid = change.record.request_id
            assert rid not in self.finals, f"{rid} changed after its final state"
            last = self.seen.get(rid)
            assert change.record.seq == (1 if last is None else last.seq + 1)
            assert change.from_state == (None if last is None else last.state)
            assert change.record.state is change.to_state
            self.seen[rid] = change.record

    def rest(self) -> None:
        core = self.desk.core
        assert set(core.requests) == set(self.seen)
        for rid, record in core.requests.items():
            assert record == self.seen[rid], "the stored record is the last one announced"
            assert record.state in RequestState
            assert record.state not in TRANSIENT, "transient states never rest"
            if record.state in FINAL:
                assert self.finals.setdefault(rid, record) == record
        held = Counter(r.held_by for r in core.requests.values() if r.held_by is not None)
        for office, licence in core.licences.items():
            assert core.loads.get(office, 0) == held[office]
            assert core.loads.get(office, 0) <= licence.capacity
        assert set(held) <= set(core.licences)


def _target(desk: Desk, n: int) -> str | None:
    """Mostly an open request; every third pick may be any request, final ones too."""
    requests = desk.core.requests
    ids = sorted(r for r in requests if n % 3 == 0 or requests[r].state not in FINAL)
    return ids[n % len(ids)] if ids else None


#: The step that moves a request on from where it rests.
NEXT = {S.ASSIGNED: "accept", S.ACCEPTED: "fulfil", S.IN_PROGRESS: "fulfil",
        S.AWAITING_INQUIRY: "yes"}


def _request_op(desk: Desk, op: str, rid: str, n: int) -> list[Effect]:
    record = desk.record(rid)
    if op == "step":
        op = NEXT.get(record.state, "cancel")
    if op in {"accept", "reject", "fulfil"}:
        return desk.report(rid, {"accept": "accepted", "reject": "rejected"}.get(op, "fulfilled"))
    if op == "cancel":
        return desk.cancel(rid)
    if op == "ask":
        return desk.report(rid, "awaiting_inquiry", inquiries=("identity",))
    if op == "forge":
        return desk.accept(rid, office=f"O-{n % 4}")
    if op == "again":
        return _redeliver(desk, n)
    pending = [i for i in record.inquiries if i.outcome is None]
    inquiry = pending[n % len(pending)] if pending else None
    if inquiry is None:
        return []
    return desk.answer(rid, inquiry.kind, positive=op == "yes", inquiry_id=inquiry.inquiry_id)


def _redeliver(desk: Desk, n: int) -> list[Effect]:
    """Re-deliver an event the core APPLIED earlier: it must be refused, never re-applied.

    (An event that was refused leaves no trace, so its re-delivery is judged afresh
    against the current state: an office's premature report may be legal later.)
    """
    kinds = (Submitted, Report, Cancelled, InquiryAnswered)
    earlier = [event for event, _ in desk.log
               if isinstance(event, kinds) and event.event_id not in desk.refused]
    if not earlier:
        return []
    effects = desk.feed(earlier[n % len(earlier)])
    assert all(isinstance(e, Refused) for e in effects), effects
    return effects


def _apply(desk: Desk, op: tuple[object, ...]) -> list[Effect]:
    match op:
        case ("submit", str(code), region):
            return desk.submit(f"R-{len(desk.core.requests)}", code, region=region)  # type: ignore[arg-type]
        case ("tick", int(minutes)):
            return desk.advance(timedelta(minutes=minutes))
        case ("suspend", int(i)):
            return desk.license(SuspendLicence(f"O-{i % len(desk.core.licences)}", "audit"))
        case ("reinstate", int(i)):
            return desk.license(ReinstateLicence(f"O-{i % len(desk.core.licences)}"))
        case (str(name), int(n)):
            rid = _target(desk, n)
            return [] if rid is None else _request_op(desk, name, rid, n)
    raise AssertionError(op)


@settings(max_examples=300, deadline=None)
@given(offices=OFFICES, ops=OPS, max_attempts=st.integers(1, 3))
def test_random_inputs_never_break_loads_sequences_or_finality(
    offices: list[tuple[object, int]], ops: list[tuple[object, ...]], max_attempts: int
) -> None:
    desk = Desk(core=new_core(max_attempts))
    desk.define(engine_service(), checked_service(), engine_service(NEARBY, reach=Reach.CITY))
    for i, (region, capacity) in enumerate(offices):
        desk.license(issue(f"O-{i}", region=region, capacity=capacity))  # type: ignore[arg-type]
    watcher = Watcher(desk)

    for op in ops:
        before = desk.snapshot()
        effects = _apply(desk, op)
        watcher.effects(effects)
        watcher.rest()
        if all(isinstance(e, Refused) for e in effects):
            assert desk.snapshot() == before, "a refused input changed nothing"
