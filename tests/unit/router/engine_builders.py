"""A dict-backed RouterCore and the inputs that drive it, for the engine's unit tests.

`Desk` owns one core plus a cursor in time: every input is handled at the desk's
current instant, and `advance` moves the cursor and feeds the matching clock tick.
Reports default to what the request's current record says (office, attempt and
assignment), so a test names only what it means to get wrong.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from router_builders import T0, TEHRAN, issue

from router import CURRENT_POLICY, Inquiry, LicenceCommand, Reach, Region, Service
from router.effects import Effect, Refused, StateChanged
from router.engine import RouterCore
from router.inputs import (
    Cancelled,
    Input,
    InquiryAnswered,
    LicenceChanged,
    Report,
    ServiceDefined,
    Submitted,
    Ticked,
)
from router.licences import Licence
from router.records import RequestRecord
from router.states import RequestState

E = TypeVar("E")

PLAIN = "S-PLAIN"
CHECKED = "S-CHECKED"
CITIZEN = "0012345679"
ACCEPTANCE_SLA = timedelta(hours=1)
FULFILMENT_SLA = timedelta(days=3)
INQUIRY_SLA = timedelta(hours=4)


def engine_service(
    code: str = PLAIN,
    *,
    inquiries: Iterable[Inquiry] = (),
    agency: str = "police",
    reach: Reach = Reach.NATIONAL,
) -> Service:
    return Service(
        code=code,
        agency=agency,
        delegated_to_general=True,
        branch=None,
        inquiries=tuple(inquiries),
        acceptance_sla=ACCEPTANCE_SLA,
        fulfilment_sla=FULFILMENT_SLA,
        inquiry_sla=INQUIRY_SLA,
        reach=reach,
    )


def checked_service(code: str = CHECKED) -> Service:
    """A service that needs an identity check and a tax check before fulfilment."""
    return engine_service(
        code, inquiries=(Inquiry("identity", "civil-registry"), Inquiry("tax", "tax-agency"))
    )


def new_core(max_attempts: int = 3) -> RouterCore:
    return RouterCore(
        requests={}, loads={}, licences={}, services={}, clock={},
        policy=CURRENT_POLICY, max_attempts=max_attempts,
    )


def of_type(effects: Iterable[Effect], kind: type[E]) -> list[E]:
    return [effect for effect in effects if isinstance(effect, kind)]


def only_refusal(effects: list[Effect]) -> Refused:
    assert len(effects) == 1, effects
    refusal = effects[0]
    assert isinstance(refusal, Refused), effects
    return refusal


def transitions(effects: Iterable[Effect]) -> list[tuple[RequestState | None, RequestState]]:
    return [(e.from_state, e.to_state) for e in of_type(effects, StateChanged)]


@dataclass
class Desk:
    """One router core and the instant its next input is handled at."""

    core: RouterCore = field(default_factory=new_core)
    at: datetime = T0
    counter: int = 0
    log: list[tuple[Input, datetime]] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)  # ids of events the core refused

    # -- feeding ----------------------------------------------------------------------

    def event_id(self) -> str:
        self.counter += 1
        return f"EV-{self.counter:05d}"

    def feed(self, event: Input) -> list[Effect]:
        self.log.append((event, self.at))
        effects = self.core.handle(event, self.at)
        if effects and all(isinstance(e, Refused) for e in effects):
            self.refused.add(event.event_id)
        return effects

    def define(self, *services: Service) -> None:
        for service in services or (engine_service(),):
            assert self.feed(ServiceDefined(self.event_id(), service)) == []

    def license(self, *commands: LicenceCommand) -> list[Effect]:
        return [e for c in commands for e in self.feed(LicenceChanged(self.event_id(), c))]

    def open_offices(self, *office_ids: str, capacity: int = 10,
                     region: Region = TEHRAN) -> None:
        self.license(*(issue(o, capacity=capacity, region=region) for o in office_ids))

    def submit(self, request_id: str = "R-1", service_code: str = PLAIN, *,
               region: Region = TEHRAN, preferred: str | None = None,
               event_id: str | None = None) -> list[Effect]:
        return self.feed(Submitted(
            event_id=event_id or self.event_id(), request_id=request_id,
            service_code=service_code, citizen_national_id=CITIZEN, region=region,
            channel="web", preferred_office=preferred, submitted_at=self.at,
        ))

    def report(self, request_id: str, kind: str, *, office: str | None = None,
               attempt: int | None = None, assignment: str | None = None,
               reason: str | None = None, inquiries: tuple[str, ...] = (),
               event_id: str | None = None) -> list[Effect]:
        record = self.record(request_id)
        return self.feed(Report(
            event_id=event_id or self.event_id(), kind=kind, request_id=request_id,
            assignment_id=assignment or record.assignment_id or "A-none",
            office_id=office or record.office_id or "O-none",
            attempt=record.attempt if attempt is None else attempt,
            reason=reason, inquiries=inquiries,
        ))

    def accept(self, request_id: str = "R-1", **kwargs: object) -> list[Effect]:
        return self.report(request_id, "accepted", **kwargs)  # type: ignore[arg-type]

    def reject(self, request_id: str = "R-1", **kwargs: object) -> list[Effect]:
        return self.report(request_id, "rejected", reason="no staff", **kwargs)  # type: ignore[arg-type]

    def fulfil(self, request_id: str = "R-1", **kwargs: object) -> list[Effect]:
        return self.report(request_id, "fulfilled", **kwargs)  # type: ignore[arg-type]

    def answer(self, request_id: str, kind: str, *, positive: bool = True,
               inquiry_id: str | None = None, event_id: str | None = None) -> list[Effect]:
        if inquiry_id is None:
            inquiry_id = self.pending_inquiry(request_id, kind)
        return self.feed(InquiryAnswered(
            event_id=event_id or self.event_id(), inquiry_id=inquiry_id,
            request_id=request_id, kind=kind, positive=positive,
        ))

    def cancel(self, request_id: str = "R-1", *, event_id: str | None = None) -> list[Effect]:
        return self.feed(Cancelled(event_id or self.event_id(), request_id, "citizen", "moved"))

    def advance(self, by: timedelta) -> list[Effect]:
        self.at += by
        return self.feed(Ticked(self.event_id(), self.at))

    # -- reading ------------------------------------------------------------------------

    def record(self, request_id: str = "R-1") -> RequestRecord:
        return self.core.requests[request_id]

    def state(self, request_id: str = "R-1") -> RequestState:
        return self.record(request_id).state

    def office(self, request_id: str = "R-1") -> str:
        office = self.record(request_id).office_id
        assert office is not None
        return office

    def load(self, office_id: str) -> int:
        return self.core.loads.get(office_id, 0)

    def licence(self, office_id: str) -> Licence:
        return self.core.licences[office_id]

    def pending_inquiry(self, request_id: str, kind: str) -> str:
        pending = [i for i in self.record(request_id).inquiries
                   if i.kind == kind and i.outcome is None]
        assert len(pending) == 1, self.record(request_id).inquiries
        return pending[0].inquiry_id

    def snapshot(self) -> tuple[dict[str, RequestRecord], dict[str, int]]:
        """The durable request and load state (records are frozen, so a shallow copy)."""
        return dict(self.core.requests), dict(self.core.loads)


def desk_with(*office_ids: str, services: Iterable[Service] = (), capacity: int = 10,
              max_attempts: int = 3) -> Desk:
    desk = Desk(core=new_core(max_attempts))
    desk.define(*services)
    desk.open_offices(*office_ids, capacity=capacity)
    return desk
