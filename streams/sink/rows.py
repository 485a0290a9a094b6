"""Turn recorded events into rows: pure functions from an event (as a dict) to row tuples.

Each function returns the rows one event contributes, grouped by the statement that
writes them, so a batch of events becomes a handful of `executemany` calls.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson

Row = tuple[Any, ...]


@dataclass
class Batch:
    """Rows of a batch by statement name, and the next offset of every partition seen."""

    rows: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    offsets: dict[tuple[str, int], int] = field(default_factory=dict)

    def count(self) -> int:
        return sum(len(r) for r in self.rows.values())


def ts(value: str | None) -> datetime | None:
    if value is None:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def mask(national_id: str | None) -> str | None:
    if not national_id:
        return None
    return f"{national_id[:3]}****{national_id[-3:]}"


def add_event(batch: Batch, envelope: dict[str, Any], offset: int) -> None:
    """Add the rows of one recorded event to the batch (unknown types add nothing)."""
    handler = _HANDLERS.get(envelope.get("event_type", ""))
    if handler is not None:
        handler(batch, envelope, offset)


def _state_changed(batch: Batch, env: dict[str, Any], offset: int) -> None:
    p = env["payload"]
    at = ts(p["at"])
    batch.rows["history"].append((
        env["event_id"], p["request_id"], p["seq"], p.get("from_state"), p["to_state"],
        p["attempt"], p.get("office_id"), p.get("reason"), p.get("cause_event_id"), at,
    ))
    region = p.get("region") or {}
    batch.rows["request"].append((
        p["request_id"], p.get("service_code"), region.get("province"), region.get("city"),
        p.get("channel"), p.get("citizen_masked"), ts(p.get("submitted_at")), p["to_state"],
        p["attempt"], p.get("office_id"), p.get("reason"), p["seq"], at,
    ))


def _decided(batch: Batch, env: dict[str, Any], offset: int) -> None:
    p = env["payload"]
    batch.rows["decision"].append((
        env["event_id"], p["request_id"], p["attempt"], p["outcome"], p.get("assignment_id"),
        p.get("office_id"), p.get("office_kind"), p["policy_version"], p["inputs_digest"],
        orjson.dumps(p["explanation"]).decode(), ts(p["decided_at"]),
    ))


def _dead_letter(batch: Batch, env: dict[str, Any], offset: int) -> None:
    p = env["payload"]
    src = p.get("source") or {}
    batch.rows["dead_letter"].append((
        env["event_id"], p["reason_code"], p["message"], src.get("topic"), src.get("partition"),
        src.get("offset"), src.get("key"), p.get("event_id"), p["raw"], p["raw_size"],
        p["raw_sha256"], ts(p["at"]),
    ))


def _licence(batch: Batch, env: dict[str, Any], offset: int) -> None:
    p = env["payload"]
    kind = env["event_type"]
    batch.rows["licence_event"].append((
        env["event_id"], p["office_id"], kind, orjson.dumps(p).decode(),
        ts(env["occurred_at"]), offset,
    ))
    if kind in ("licence.issued", "licence.amended"):
        region = p["region"]
        common = (
            region["province"], region["city"], p["capacity"], ts(p["valid_from"]),
            ts(p["valid_to"]), orjson.dumps(p["scope"]).decode(), env["event_id"], offset,
            ts(env["occurred_at"]),
        )
        if kind == "licence.issued":
            batch.rows["office_issued"].append(
                (p["office_id"], p["licence_id"], p["kind"], p.get("agency"), *common)
            )
        else:
            batch.rows["office_amended"].append((p["office_id"], p["licence_id"], *common))
    else:
        status = {"licence.suspended": "suspended", "licence.reinstated": "active",
                  "licence.revoked": "revoked"}[kind]
        batch.rows["office_status"].append((
            p["office_id"], status, env["event_id"], offset, ts(env["occurred_at"]),
        ))


_HANDLERS = {
    "request.state_changed": _state_changed,
    "routing.decided": _decided,
    "deadletter.recorded": _dead_letter,
    "licence.issued": _licence,
    "licence.amended": _licence,
    "licence.suspended": _licence,
    "licence.reinstated": _licence,
    "licence.revoked": _licence,
}
