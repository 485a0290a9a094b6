"""A hostile corpus mixed into valid traffic: every bad input is dead-lettered with its code,
the valid traffic is routed exactly as in a control run without it, the worker never stops.

Both runs publish the valid traffic byte for byte the same (fixed event ids and times), all
on partition 0 of each topic and phase by phase (each phase waits until the router group
has consumed everything), so the router log holds the valid events in the same order in
both runs and the decisions can be compared event for event.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson
from fault_support import (
    FaultHarness,
    check_invariants,
    event_id_for,
    fault_harness,
    plan,
    say,
    wait_quiescent,
)
from scenario_builders import DAY, licence, report, request, service, suspended

from contracts.registry import new_envelope, to_bytes
from infra.settings import Settings

OFFICES = {"GEN-00001": 4, "GEN-00002": 4}
ROUNDS = 3
PER_ROUND = 10
Raw = bytes
Doc = dict[str, Any]


def _bytes(payload: Any, event_id: str, seconds: int) -> bytes:
    return to_bytes(new_envelope(payload, producer="fault-test", event_id=event_id,
                                 occurred_at=DAY + timedelta(seconds=seconds)))


def _doc(raw: bytes) -> Doc:
    return dict(orjson.loads(raw))


def _mutated(raw: bytes, change: Callable[[Doc], None], *, fresh_id: str) -> bytes:
    doc = copy.deepcopy(_doc(raw))
    doc["event_id"] = fresh_id
    change(doc)
    return orjson.dumps(doc)


def _set(path: str, value: Any) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        *parents, last = path.split(".")
        for part in parents:
            doc = doc[part]
        doc[last] = value
    return change


def _drop(path: str) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        *parents, last = path.split(".")
        for part in parents:
            doc = doc[part]
        del doc[last]
    return change


class Run:
    """One deployment (control or hostile) driven phase by phase."""

    def __init__(self, h: FaultHarness, hostile: bool) -> None:
        self.h = h
        self.hostile = hostile
        self.expected: dict[str, str] = {}  # key of a bad input -> reason code
        self.answered: set[str] = set()
        self.requests: dict[str, bytes] = {}
        self.reports: dict[str, bytes] = {}
        self.extras = 0

    async def send(self, topic: str, raw: bytes, key: str) -> None:
        assert self.h.producer is not None
        await self.h.producer.send_and_wait(self.h.topic(topic), value=raw, key=key.encode(),
                                            partition=0)

    async def bad(self, topic: str, raw: bytes, code: str) -> None:
        if not self.hostile:
            return
        key = f"BAD-{len(self.expected) + 1:03d}"
        self.expected[key] = code
        await self.send(topic, raw, key)

    async def setup(self) -> None:
        await self.send("catalog", _bytes(service("CIV-101", accept_s=3600),
                                          event_id_for("svc"), 0), "CIV-101")
        for office, capacity in OFFICES.items():
            await self.send("licences", _bytes(licence(office, capacity=capacity),
                                               event_id_for("lic", office), 0), office)
        await self.bad("licences", _bytes(suspended("GEN-09999"), event_id_for("bad-lic"), 0),
                       "UNKNOWN_OFFICE")
        worker = self.h.start_worker("w1")
        await self.h.wait_ready(worker)

    async def submit_round(self, r: int) -> None:
        for i in range(PER_ROUND):
            n = r * PER_ROUND + i + 1
            rid = f"REQ-HOS-{n:05d}"
            raw = _bytes(request(rid), event_id_for("req", rid), 60 + n)
            self.requests[rid] = raw
            await self.send("requests", raw, rid)
            await self._bad_request(r, i, raw)

    async def _bad_request(self, r: int, i: int, valid: bytes) -> None:
        """One or two hostile inputs after each valid request (a different mix each round)."""
        fresh = event_id_for("bad", str(r), str(i))
        corpus: list[tuple[bytes, str]] = [
            (b"{not json", "MALFORMED_JSON"),
            (b"[1, 2, 3]", "NOT_AN_OBJECT"),
            (_mutated(valid, _set("payload.submitted_at", 12345), fresh_id=fresh), "WRONG_TYPE"),
            (_mutated(valid, _drop("payload.citizen_national_id"), fresh_id=fresh),
             "MISSING_FIELD"),
            (_mutated(valid, _set("payload.preferred_office", "G" * 70_000), fresh_id=fresh),
             "PAYLOAD_TOO_LARGE"),
            (_mutated(valid, _set("schema_version", 2), fresh_id=fresh),
             "UNSUPPORTED_SCHEMA_VERSION"),
            (_mutated(valid, _set("payload.service_code", "XYZ-999"), fresh_id=fresh)
             .replace(b"REQ-HOS", b"REQ-BAD"), "UNKNOWN_SERVICE"),
            (_mutated(valid, _set("payload.citizen_national_id", "0012345678"), fresh_id=fresh),
             "INVALID_NATIONAL_ID"),
            (_mutated(valid, _set("occurred_at", "2026-11-27T06:01:00"), fresh_id=fresh),
             "TIMESTAMP_WITHOUT_TIMEZONE"),
            (_mutated(valid, _set("payload.submitted_at", "2026-11-27T06:01:00"),
                      fresh_id=fresh), "TIMESTAMP_WITHOUT_TIMEZONE"),
        ]
        extra: list[tuple[bytes, str]] = [
            (valid, "DUPLICATE_EVENT"),  # the same event again (same event id)
            (_mutated(valid, lambda d: None, fresh_id=fresh), "DUPLICATE_REQUEST"),
            (_mutated(valid, _set("payload.colour", "blue"), fresh_id=fresh), "UNKNOWN_FIELD"),
            (_mutated(valid, _set("event_type", "request.teleported"), fresh_id=fresh),
             "UNKNOWN_EVENT_TYPE"),
            (_mutated(valid, _set("event_type", "licence.issued"), fresh_id=fresh),
             "UNEXPECTED_EVENT_TYPE"),
            (_mutated(valid, _set("payload.service_code", "civ101"), fresh_id=fresh),
             "INVALID_SERVICE_CODE"),
            (_mutated(valid, _set("payload.region.city", "99"), fresh_id=fresh),
             "INVALID_REGION_CODE"),
            (_mutated(valid, _set("payload.channel", "pigeon"), fresh_id=fresh),
             "INVALID_VALUE"),
        ]
        raw, code = corpus[(r * PER_ROUND + i) % len(corpus)]
        await self.bad("requests", raw, code)
        if i < len(extra) and (i + r) % 2 == 0:
            raw, code = extra[self.extras % len(extra)]
            self.extras += 1
            await self.bad("requests", raw, code)

    async def answer_round(self, r: int) -> None:
        """Report on every assignment not answered yet, in a fixed order."""
        assignments = []
        for office in OFFICES:
            for e in await self.h.read(self.h.office_topic(office)):
                if e.event_type == "assignment.made" and e.payload.assignment_id not in \
                        self.answered:
                    assignments.append(e.payload)
        assignments.sort(key=lambda a: (a.request_id, a.attempt))
        for index, a in enumerate(assignments):
            self.answered.add(a.assignment_id)
            kinds = plan(int(a.request_id.rsplit("-", 1)[1]), a.attempt)
            await self._bad_report(r, index, a, kinds)
            for kind in kinds:
                raw = _bytes(report(kind, a), event_id_for("rep", a.assignment_id, kind),
                             600 + r * 100 + index)
                self.reports[f"{a.assignment_id}:{kind}"] = raw
                await self.send("fulfilment", raw, a.request_id)
            if kinds and index % 4 == 1:  # an office resending its last report
                await self.bad("fulfilment", self.reports[f"{a.assignment_id}:{kinds[-1]}"],
                               "DUPLICATE_EVENT")

    async def _bad_report(self, r: int, index: int, a: Any, kinds: tuple[str, ...]) -> None:
        fresh = event_id_for("badrep", str(r), str(index))
        at = DAY + timedelta(seconds=600 + r * 100 + index)

        def raw(payload: Any) -> bytes:
            return to_bytes(new_envelope(payload, producer="office", event_id=fresh,
                                         occurred_at=at))

        other = next(o for o in OFFICES if o != a.office_id)
        choice = index % 5
        if choice == 0 and kinds[:1] == ("accepted",):  # fulfilment before acceptance
            await self.bad("fulfilment", raw(report("fulfilled", a)), "ILLEGAL_TRANSITION")
        elif choice == 1:
            await self.bad("fulfilment", raw(report("accepted", a).model_copy(
                update={"request_id": "REQ-NOPE-00001"})), "UNKNOWN_REQUEST")
        elif choice == 2:
            await self.bad("fulfilment", raw(report("accepted", a).model_copy(
                update={"office_id": "GEN-09999"})), "UNKNOWN_OFFICE")
        elif choice == 3 and a.attempt == 1:
            await self.bad("fulfilment", raw(report("accepted", a).model_copy(
                update={"office_id": other})), "OFFICE_NOT_ASSIGNED")
        elif choice == 4:
            doc = _doc(raw(report("accepted", a)))
            doc["payload"]["office_id"] = "gen-1"
            await self.bad("fulfilment", orjson.dumps(doc), "INVALID_OFFICE_ID")
        if a.attempt > 1:  # the office that rejected attempt 1 reports on it again
            first = a.model_copy(update={"attempt": 1, "office_id": other})
            await self.bad("fulfilment", to_bytes(new_envelope(
                report("accepted", first), producer="office",
                event_id=event_id_for("stale", a.request_id), occurred_at=at)), "STALE_ATTEMPT")

    async def drive(self) -> None:
        await self.setup()
        await wait_quiescent(self.h)  # catalog and licences applied before any request
        for r in range(ROUNDS):
            await self.submit_round(r)
            await wait_quiescent(self.h)
            await self.answer_round(r)
            await wait_quiescent(self.h)
        await self.answer_round(ROUNDS)  # the re-routed ones of the last round
        await wait_quiescent(self.h)


def _payloads(events: list[Any]) -> list[Any]:
    return [e.model_dump(mode="json") for e in events]


async def test_a_hostile_corpus_is_dead_lettered_and_changes_no_decision(
    stack: Settings, tmp_path: Path,
) -> None:
    (tmp_path / "control").mkdir()
    (tmp_path / "hostile").mkdir()
    async with fault_harness(stack, tmp_path / "control") as hc, \
            fault_harness(stack, tmp_path / "hostile") as hh:
        control, hostile = Run(hc, hostile=False), Run(hh, hostile=True)
        await asyncio.gather(control.drive(), hostile.drive())

        worker = hh.workers[0]
        assert worker.process.poll() is None, worker.log_tail()
        assert (await hh.health(worker))["status"] == "ok"

        letters = await hh.read(hh.topic("deadletter"))
        got = {e.payload.source.key: str(e.payload.reason_code) for e in letters}
        assert len(letters) == len(got)  # one dead letter per bad input
        table = sorted(set(hostile.expected.values()))
        wrong = {k: (code, got.get(k)) for k, code in hostile.expected.items()
                 if got.get(k) != code}
        assert not wrong, f"bad inputs with a wrong or no dead letter: {wrong}"
        assert set(got) == set(hostile.expected), sorted(set(got) - set(hostile.expected))
        assert await hc.read(hc.topic("deadletter")) == []

        # the valid traffic: the same decisions and state changes, event for event
        decisions = [_payloads(await h.read(h.topic("decisions"))) for h in (hc, hh)]
        states = [_payloads(await h.read(h.topic("request-state"))) for h in (hc, hh)]
        assert decisions[0] == decisions[1]
        assert states[0] == states[1]
        submitted = set(control.requests)
        c = await check_invariants(hc, submitted, OFFICES, letters_allowed=())
        await check_invariants(hh, submitted, OFFICES, letters_allowed=tuple(table))
        say("scenario 5 (hostile corpus):", {
            "valid_requests": len(submitted),
            "valid_reports": len(control.reports),
            "bad_inputs": len(hostile.expected),
            "codes": {code: list(hostile.expected.values()).count(code) for code in table},
            "decisions": c.decisions, "assignments": c.assignments,
            "unroutable": c.unroutable, "final_states": c.final_states})
