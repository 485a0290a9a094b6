"""`router dispute R [--office Y]`: a request's full timeline and why Y was not chosen.

Sources: Postgres (current row, state history, decisions with explanations, dead
letters keyed by the request) and the router log (the intake event, every
fulfilment / inquiry / cancellation event of R, in the order the router applied
them). If Postgres holds no decision for R yet (sink lag), the decisions topic is
read instead.

For `--office Y`, at each attempt: if Y is the chosen office, a ranked candidate, an
exclusion or the preferred office in the *recorded* explanation, that is the answer.
Otherwise Y was never considered (a revoked licence is not even indexed; an office
of a farther tier is not surveyed when a nearer one has eligible offices), and the
router log is replayed into a fresh core up to that decision: `explain_office` is
asked about Y against the registry, catalog and loads exactly as they stood then.
The replay also re-derives the decision itself and reports whether its inputs
digest matches the recorded one (the decision is reproducible).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import asyncpg

from contracts.errors import ContractError
from contracts.registry import parse_event
from router import Candidate, Exclusion, RoutingRequest, explain_office, policy_named
from router.canonical import licence_plain
from router.effects import Decided

from . import compare
from .core import ProbingCore, apply_raw, fresh_core
from .logread import Endpoints, read_topic

_REQUEST_EVENTS = frozenset({
    "request.submitted", "request.cancelled", "fulfilment.accepted", "fulfilment.rejected",
    "fulfilment.awaiting_inquiry", "fulfilment.fulfilled", "inquiry.answered",
})


@dataclass
class Dispute:
    request_id: str
    office_id: str | None
    request: dict[str, Any] | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)  # compare views + extras
    events: list[dict[str, Any]] = field(default_factory=list)  # router-log events of R
    dead_letters: list[dict[str, Any]] = field(default_factory=list)
    office_findings: list[dict[str, Any]] = field(default_factory=list)
    replay: list[dict[str, Any]] = field(default_factory=list)  # per attempt: reproduced?

    def to_dict(self) -> dict[str, Any]:
        return {
            "request_id": self.request_id, "office_id": self.office_id,
            "request": self.request, "history": self.history, "decisions": self.decisions,
            "events": self.events, "dead_letters": self.dead_letters,
            "office_findings": self.office_findings, "replay": self.replay,
            "timeline": timeline(self),
        }


def timeline(d: Dispute) -> list[dict[str, Any]]:
    """Every item in time order (router-log events before the state changes they caused)."""
    items: list[tuple[str, int, dict[str, Any]]] = []
    for e in d.events:
        items.append((e["at"], 0, {"at": e["at"], "kind": "event", "what": e["event_type"],
                                   "detail": e["summary"], "offset": e["offset"]}))
    for dec in d.decisions:
        where = (f"{dec['office_id']} ({dec['office_kind']})" if dec["outcome"] == "assigned"
                 else "unroutable")
        items.append((dec["decided_at"] or "", 1, {
            "at": dec["decided_at"], "kind": "decision",
            "what": f"attempt {dec['attempt']}: {where}",
            "detail": (f"{len(dec['candidates'])} candidate(s), {len(dec['exclusions'])} "
                       f"excluded, policy {dec['policy_version']}")}))
    for h in d.history:
        move = f"{h['from_state'] or '(new)'} -> {h['to_state']}"
        detail = ", ".join(f"{k} {h[k]}" for k in ("office_id", "reason") if h.get(k))
        items.append((h["at"], 2, {"at": h["at"], "kind": "state", "what": move,
                                   "detail": f"attempt {h['attempt']}" + (
                                       f", {detail}" if detail else "")}))
    for x in d.dead_letters:
        items.append((x["at"], 3, {"at": x["at"], "kind": "dead letter",
                                   "what": x["reason_code"], "detail": x["message"]}))
    items.sort(key=lambda item: (item[0], item[1]))
    return [item[2] for item in items]


# -- the office question -------------------------------------------------------------

def recorded_answer(decision: dict[str, Any], office_id: str) -> dict[str, Any] | None:
    """Y's fate from the recorded explanation alone; None when Y was not considered."""
    base = {"attempt": decision["attempt"], "office_id": office_id, "source": "recorded",
            "chosen_office": decision["office_id"]}
    if decision["office_id"] == office_id:
        return {**base, "verdict": "CHOSEN", "reason": None,
                "detail": f"{office_id} was chosen at attempt {decision['attempt']}"}
    preferred = decision.get("preferred") or {}
    for c in decision["candidates"]:
        if c["office_id"] == office_id:
            return {**base, "verdict": "RANKED_LOWER", "reason": "RANKED_LOWER",
                    "detail": _ranked_detail(c, decision["candidates"]), "candidate": c}
    for x in decision["exclusions"]:
        if x["office_id"] == office_id:
            verdict = ("PREFERRED_NOT_HONOURED" if preferred.get("office_id") == office_id
                       else "EXCLUDED")
            return {**base, "verdict": verdict, "reason": x["reason"], "detail": x["detail"]}
    if preferred.get("office_id") == office_id and not preferred.get("honoured"):
        return {**base, "verdict": "PREFERRED_NOT_HONOURED", "reason": preferred.get("reason"),
                "detail": preferred.get("detail") or ""}
    return None


def _ranked_detail(c: dict[str, Any], candidates: list[dict[str, Any]]) -> str:
    winner = candidates[0]
    return (f"eligible, ranked {c['rank']} of {len(candidates)}: score {c['score']:.4f} "
            f"(load {c['load']}/{c['capacity']}) vs chosen {winner['office_id']} score "
            f"{winner['score']:.4f} (load {winner['load']}/{winner['capacity']}); lowest "
            f"score wins, ties by hash")


def replayed_answer(attempt: int, office_id: str, answer: Exclusion | Candidate,
                    licence: dict[str, Any] | None, load: int) -> dict[str, Any]:
    base = {"attempt": attempt, "office_id": office_id, "source": "replayed",
            "licence_then": licence, "load_then": load}
    if isinstance(answer, Exclusion):
        return {**base, "verdict": "NOT_CONSIDERED", "reason": answer.reason.value,
                "detail": answer.detail}
    return {**base, "verdict": "NOT_CONSIDERED", "reason": "FARTHER_TIER",
            "detail": (f"eligible in the {answer.tier.value} tier (load {answer.load}/"
                       f"{answer.capacity}), but a nearer tier had eligible offices and the "
                       f"policy prefers the nearest tier"),
            "candidate": answer.to_dict()}


# -- gathering -----------------------------------------------------------------------

_DEAD = """
SELECT reason_code, message, source_topic, source_offset, source_key, source_event_id, at
  FROM govroute.dead_letters WHERE source_key = $1 ORDER BY at
"""


async def load_postgres(dsn: str, d: Dispute) -> None:
    from clients.records import request_status

    status = await request_status(dsn, d.request_id)
    if status is not None:
        d.request = status["request"]
        d.history = status["history"]
        for row in status["decisions"]:
            d.decisions.append(compare.recorded_view({
                **row, "request_id": d.request_id, "explanation": row["explanation"]}))
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(_DEAD, d.request_id)
    finally:
        await conn.close()
    from clients.records import _row

    d.dead_letters = [_row(r) for r in rows]


async def load_decisions_topic(ep: Endpoints, d: Dispute) -> None:
    async for record in read_topic(ep.bootstrap, ep.topic("decisions")):
        if record.key is not None and record.key.decode(errors="replace") != d.request_id:
            continue
        try:
            payload = parse_event(record.value).payload
        except ContractError:
            continue
        if getattr(payload, "request_id", None) == d.request_id:
            d.decisions.append(compare.recorded_view(payload))


def _summary(payload: Any) -> str:
    data = payload.model_dump(mode="json")
    keep = ("service_code", "region", "channel", "preferred_office", "office_id", "attempt",
            "reason", "note", "inquiries", "kind", "outcome", "detail", "by", "reference")
    return ", ".join(f"{k}={data[k]}" for k in keep if data.get(k) not in (None, "", [], ()))


async def replay_for(ep: Endpoints, d: Dispute) -> None:
    """Scan the router log: R's events, Y at each routing of R, reproducibility of R."""
    policy = policy_named(d.decisions[0]["policy_version"]) if d.decisions else None
    core = fresh_core(policy) if policy is not None else None
    if core is None:
        from router import CURRENT_POLICY

        core = fresh_core(CURRENT_POLICY)
    recorded = {dec["attempt"]: dec for dec in d.decisions}
    office = d.office_id

    def probe(c: ProbingCore, request: RoutingRequest) -> None:
        if request.request_id != d.request_id or office is None:
            return
        dec = recorded.get(request.attempt)
        if dec is not None and recorded_answer(dec, office) is not None:
            return
        answer = explain_office(request, c.catalog, c.registry, c.loads, c.policy, office)
        licence = c.registry.get(office)
        d.office_findings.append(replayed_answer(
            request.attempt, office, answer, None if licence is None else licence_plain(licence),
            c.loads.get(office, 0)))

    core.probe = probe
    async for record in read_topic(ep.bootstrap, ep.topic("router-log")):
        applied = apply_raw(core, record.value)
        if applied is None:
            continue
        payload = applied.envelope.payload
        if (applied.envelope.event_type in _REQUEST_EVENTS
                and getattr(payload, "request_id", None) == d.request_id):
            d.events.append({"offset": record.offset, "event_type": applied.envelope.event_type,
                             "at": compare._iso(applied.envelope.occurred_at),
                             "event_id": str(applied.envelope.event_id),
                             "summary": _summary(payload)})
        for effect in applied.effects:
            if isinstance(effect, Decided) and effect.decision.request_id == d.request_id:
                mine = compare.replayed_view(effect.decision, effect.at)
                dec = recorded.get(mine["attempt"])
                d.replay.append({
                    "attempt": mine["attempt"], "router_log_offset": record.offset,
                    "replayed_office": mine["office_id"], "replayed_digest": mine["inputs_digest"],
                    "recorded_digest": None if dec is None else dec["inputs_digest"],
                    "reproduced": dec is not None and dec["inputs_digest"]
                    == mine["inputs_digest"] and dec["office_id"] == mine["office_id"],
                })


async def gather(ep: Endpoints, dsn: str | None, request_id: str,
                 office_id: str | None = None) -> Dispute:
    d = Dispute(request_id, office_id)
    if dsn:
        await load_postgres(dsn, d)
    if not d.decisions:
        await load_decisions_topic(ep, d)
    # One per attempt: the topic may hold a re-emitted copy (same event id) after a restart.
    d.decisions = sorted({dec["attempt"]: dec for dec in d.decisions}.values(),
                         key=lambda dec: dec["attempt"])
    await replay_for(ep, d)
    if office_id is not None:
        for dec in d.decisions:
            answer = recorded_answer(dec, office_id)
            if answer is not None:
                d.office_findings.append(answer)
        d.office_findings.sort(key=lambda f: f["attempt"])
    return d
