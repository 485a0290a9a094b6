"""Read-only queries on the router's Postgres record (see infra/migrations/0002_record.sql).

`request_status` gives one request's current row, its state history and its routing
decisions; `office_overview` lists offices with licence status, open load and today's
assignments. Values come back as JSON-ready dicts (timestamps as ISO strings).
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from typing import Any, Final

import asyncpg

OPEN_STATES: Final = ("assigned", "accepted", "awaiting_inquiry", "in_progress")

_REQUEST = """
SELECT request_id, service_code, province, city, channel, citizen_masked, submitted_at,
       state, attempt, office_id, reason, seq, updated_at
  FROM govroute.requests WHERE request_id = $1
"""
_HISTORY = """
SELECT seq, from_state, to_state, attempt, office_id, reason, at, event_id, cause_event_id
  FROM govroute.request_history WHERE request_id = $1 ORDER BY seq
"""
_DECISIONS = """
SELECT attempt, outcome, assignment_id, office_id, office_kind, policy_version,
       inputs_digest, explanation, decided_at, event_id
  FROM govroute.decisions WHERE request_id = $1 ORDER BY attempt
"""
_OFFICES = """
SELECT o.office_id, o.licence_id, o.kind, o.agency, o.province, o.city, o.capacity,
       o.status, o.valid_from, o.valid_to,
       COALESCE(l.open_load, 0) AS open_load,
       COALESCE(d.assigned, 0) AS assigned_today
  FROM govroute.offices o
  LEFT JOIN (SELECT office_id, count(*) AS open_load FROM govroute.requests
              WHERE state = ANY($3::text[]) GROUP BY office_id) l USING (office_id)
  LEFT JOIN (SELECT office_id, count(*) AS assigned FROM govroute.decisions
              WHERE outcome = 'assigned' AND decided_at >= $4 AND decided_at < $5
              GROUP BY office_id) d USING (office_id)
 WHERE ($1::text IS NULL OR o.province = $1) AND ($2::text IS NULL OR o.kind = $2)
 ORDER BY o.province, o.city, o.office_id
"""


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _row(record: asyncpg.Record, *, json_columns: tuple[str, ...] = ()) -> dict[str, Any]:
    row = {key: _plain(value) for key, value in record.items()}
    for column in json_columns:
        if isinstance(row.get(column), str):
            row[column] = json.loads(row[column])
    return row


def licence_state(status: str, valid_from: datetime, valid_to: datetime, now: datetime) -> str:
    """The licence as it stands now: suspended / revoked, or active, expired, not-yet-valid."""
    if status != "active":
        return status
    if now < valid_from:
        return "not-yet-valid"
    if now >= valid_to:
        return "expired"
    return "active"


async def request_status(dsn: str, request_id: str) -> dict[str, Any] | None:
    """The request's row, history and decisions; None when nothing is recorded for it."""
    conn = await asyncpg.connect(dsn)
    try:
        current = await conn.fetchrow(_REQUEST, request_id)
        history = await conn.fetch(_HISTORY, request_id)
        decisions = await conn.fetch(_DECISIONS, request_id)
    finally:
        await conn.close()
    if current is None and not history and not decisions:
        return None
    return {
        "request": None if current is None else _row(current),
        "history": [_row(r) for r in history],
        "decisions": [_row(r, json_columns=("explanation",)) for r in decisions],
    }


async def office_overview(
    dsn: str,
    *,
    province: str | None = None,
    kind: str | None = None,
    day: date | None = None,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """Offices with licence state, capacity, open load and assignments made on `day` (UTC)."""
    now = now or datetime.now(UTC)
    day = day or now.astimezone(UTC).date()
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    end = datetime.fromordinal(day.toordinal() + 1).replace(tzinfo=UTC)
    conn = await asyncpg.connect(dsn)
    try:
        records = await conn.fetch(_OFFICES, province, kind, list(OPEN_STATES), start, end)
    finally:
        await conn.close()
    rows = []
    for record in records:
        row = _row(record)
        row["licence"] = licence_state(
            record["status"], record["valid_from"], record["valid_to"], now
        )
        rows.append(row)
    return rows
