"""Steps shared by the fulfilment-lifecycle scenarios: set a router up, wait on its outputs.

Every wait is on an explicit predicate over a topic or a table; nothing here sleeps.
Events for one request reach the router through different ingest agents (requests,
fulfilment, inquiry-results), so a scenario waits for the effect of each input before
publishing the next one: that keeps the router log in the order the scenario means.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from scenario_builders import DAY, licence, service
from streams_harness import Harness, Worker

from contracts.catalog import ServiceDefined
from contracts.licences import LicenceIssued

Events = list[Any]


async def router_up(h: Harness, services: Iterable[ServiceDefined] = (),
                    licences: Iterable[LicenceIssued] = (), *, name: str = "w1",
                    **env: str) -> Worker:
    """Publish the catalog and licences, start a worker, and wait until it has sequenced
    them all into the router log (so a request published next meets a known service)."""
    services = list(services) or [service("CIV-101")]
    licences = list(licences)
    for svc in services:
        await h.publish("catalog", svc, at=DAY)
    for lic in licences:
        await h.publish("licences", lic, at=DAY)
    worker = h.start_worker(name, **env)
    await h.wait_ready(worker)
    await wait_router_log(h, lambda events: (
        _count(events, "catalog.service_defined") >= len(services)
        and _count(events, "licence.issued") >= len(licences)
    ))
    return worker


def _count(events: Events, event_type: str) -> int:
    return sum(1 for e in events if e.event_type == event_type)


async def wait_router_log(h: Harness, until: Callable[[Events], bool],
                          timeout: float = 40) -> Events:
    return await h.read(h.topic("router-log"), until=until, timeout=timeout)


def offices(*office_ids: str, capacity: int = 10) -> list[LicenceIssued]:
    return [licence(office_id, capacity=capacity) for office_id in office_ids]


def at(seconds: float) -> datetime:
    """The scenario's clock: `seconds` after the start of the scenario day."""
    return DAY + timedelta(seconds=seconds)


# -- request-state ------------------------------------------------------------------


def history_of(events: Events, request_id: str) -> list[Any]:
    """The request's state changes (payloads), in seq order."""
    return sorted((e.payload for e in events if e.payload.request_id == request_id),
                  key=lambda p: p.seq)


def states_of(events: Events, request_id: str) -> list[str]:
    return [str(p.to_state) for p in history_of(events, request_id)]


async def wait_states(h: Harness, request_id: str, *expected: str,
                      timeout: float = 40) -> list[Any]:
    """Wait until the request's history ends with `expected`; return the whole history."""
    n = len(expected)
    events = await h.states(
        until=lambda ev: states_of(ev, request_id)[-n:] == list(expected), timeout=timeout,
    )
    return history_of(events, request_id)


# -- decisions and assignments ------------------------------------------------------


async def wait_decision(h: Harness, request_id: str, attempt: int = 1,
                        timeout: float = 40) -> Any:
    """The routing decision (payload) of the request's attempt."""
    def mine(events: Events) -> list[Any]:
        return [e.payload for e in events
                if e.payload.request_id == request_id and e.payload.attempt == attempt]
    events = await h.read(h.topic("decisions"), until=lambda ev: bool(mine(ev)),
                          timeout=timeout)
    return mine(events)[0]


async def office_events(h: Harness, office_id: str,
                        until: Callable[[Events], bool] | None = None,
                        timeout: float = 40) -> Events:
    return await h.read(h.office_topic(office_id), until=until, timeout=timeout)


async def wait_assignment(h: Harness, request_id: str, attempt: int = 1) -> Any:
    """The `assignment.made` payload on the chosen office's own topic."""
    decision = await wait_decision(h, request_id, attempt)
    assert decision.outcome == "assigned", decision

    def made(events: Events) -> list[Any]:
        return [e.payload for e in events if e.event_type == "assignment.made"
                and e.payload.request_id == request_id and e.payload.attempt == attempt]
    events = await office_events(h, decision.office_id, until=lambda ev: bool(made(ev)))
    assignment = made(events)[0]
    assert assignment.assignment_id == decision.assignment_id
    return assignment


async def wait_withdrawal(h: Harness, office_id: str, request_id: str) -> Any:
    def withdrawn(events: Events) -> list[Any]:
        return [e.payload for e in events if e.event_type == "assignment.withdrawn"
                and e.payload.request_id == request_id]
    events = await office_events(h, office_id, until=lambda ev: bool(withdrawn(ev)))
    return withdrawn(events)[0]


def other(office_ids: Iterable[str], office_id: str) -> str:
    (rest,) = [o for o in office_ids if o != office_id]
    return rest


# -- dead letters -------------------------------------------------------------------


async def wait_dead_letter(h: Harness, source_event_id: str, timeout: float = 40) -> Any:
    """The dead-letter record (payload) of the refused input with that event id."""
    def mine(events: Events) -> list[Any]:
        return [e.payload for e in events if str(e.payload.event_id) == source_event_id]
    events = await h.read(h.topic("deadletter"), until=lambda ev: bool(mine(ev)),
                          timeout=timeout)
    return mine(events)[0]


async def wait_dead_letter_row(h: Harness, source_event_id: str) -> Any:
    rows = await h.wait_sql(
        "SELECT reason_code, message, source_key, source_topic FROM govroute.dead_letters "
        "WHERE source_event_id = $1", lambda rows: len(rows) == 1, source_event_id,
    )
    return rows[0]


# -- Postgres ----------------------------------------------------------------------


async def wait_request_row(h: Harness, request_id: str, state: str, seq: int) -> Any:
    rows = await h.wait_sql(
        "SELECT * FROM govroute.requests WHERE request_id = $1",
        lambda rows: bool(rows) and rows[0]["seq"] >= seq, request_id,
    )
    assert (rows[0]["state"], rows[0]["seq"]) == (state, seq), dict(rows[0])
    return rows[0]


async def history_rows(h: Harness, request_id: str, count: int) -> list[Any]:
    return await h.wait_sql(
        "SELECT * FROM govroute.request_history WHERE request_id = $1 ORDER BY seq",
        lambda rows: len(rows) >= count, request_id,
    )


async def wait_tails(h: Harness, tails: dict[str, tuple[str, ...]],
                     timeout: float = 60) -> Events:
    """Wait until each request's history ends with its tail of states; return every event."""
    def done(events: Events) -> bool:
        return all(states_of(events, rid)[-len(tail):] == list(tail)
                   for rid, tail in tails.items())
    return await h.states(until=done, timeout=timeout)
