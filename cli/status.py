"""`router status R`: one request's current state and full history, from Postgres."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

EXIT_OK, EXIT_UNKNOWN = 0, 1


def _when(value: str | None) -> str:
    return (value or "-").replace("T", " ")


def _current(row: dict[str, Any] | None) -> list[str]:
    if row is None:
        return ["current:   (no current row yet)"]
    return [
        f"state:     {row['state']}  (attempt {row['attempt']}, office {row['office_id'] or '-'})"
        + (f"  reason {row['reason']}" if row["reason"] else ""),
        f"service:   {row['service_code'] or '-'}   region {row['city'] or '-'}   "
        f"channel {row['channel'] or '-'}   citizen {row['citizen_masked'] or '-'}",
        f"submitted: {_when(row['submitted_at'])}   updated {_when(row['updated_at'])}",
    ]


def _history(rows: list[dict[str, Any]]) -> list[str]:
    lines = [f"history ({len(rows)}):"]
    for h in rows:
        move = f"{h['from_state'] or '(new)'} -> {h['to_state']}"
        extra = "".join(
            f"  {label} {h[key]}"
            for label, key in (("office", "office_id"), ("reason", "reason"))
            if h[key]
        )
        lines.append(f"  {h['seq']:>3}  {_when(h['at'])}  {move}  attempt {h['attempt']}{extra}")
    return lines


def _decisions(rows: list[dict[str, Any]]) -> list[str]:
    lines = [f"decisions ({len(rows)}):"]
    for d in rows:
        explanation = d["explanation"] or {}
        where = f"{d['office_id']} ({d['office_kind']})" if d["outcome"] == "assigned" else "-"
        lines.append(
            f"  attempt {d['attempt']}  {_when(d['decided_at'])}  {d['outcome']}  {where}  "
            f"candidates {len(explanation.get('candidates', []))}  "
            f"excluded {len(explanation.get('exclusions', []))}  policy {d['policy_version']}"
        )
        preferred = explanation.get("preferred")
        if preferred:
            reason = preferred.get("reason")
            fate = "honoured" if preferred.get("honoured") else f"not honoured: {reason}"
            lines.append(f"             preferred {preferred.get('office_id')} {fate}")
    return lines


def render(request_id: str, record: dict[str, Any]) -> str:
    """The human-readable status report of one request."""
    lines = [f"request {request_id}"]
    lines += _current(record["request"]) + _history(record["history"])
    lines += _decisions(record["decisions"])
    return "\n".join(lines)


def _status(args: argparse.Namespace) -> int:
    from clients.records import request_status
    from infra.aio import run_sync
    from infra.settings import load_settings

    try:
        record = run_sync(request_status(load_settings().pg_dsn, args.request_id))
    except Exception as exc:  # asyncpg raises its own errors and OSError
        print(f"error: cannot read the record from Postgres: {exc}", file=sys.stderr)
        return EXIT_UNKNOWN
    if record is None:
        print(f"unknown request: {args.request_id} (nothing recorded for it)", file=sys.stderr)
        return EXIT_UNKNOWN
    print(json.dumps(record, indent=2) if args.json else render(args.request_id, record))
    return EXIT_OK


def register(subparsers: Any) -> None:
    """Add `router status R`."""
    parser = subparsers.add_parser(
        "status",
        help="current state and full history of one request",
        description="Read from Postgres (env GOVROUTE_PG_DSN): the request's current row, "
        "its state history and its routing decisions. Exit 1 when the request is unknown.",
    )
    parser.add_argument("request_id", metavar="R", help="the request id")
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")
    parser.set_defaults(handler=_status)
