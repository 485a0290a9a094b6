"""`router offices`: offices with licence status, capacity, open load and today's counts."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any

COLUMNS = (
    ("office_id", "OFFICE", 10),
    ("kind", "KIND", 7),
    ("agency", "AGENCY", 16),
    ("city", "CITY", 6),
    ("licence", "LICENCE", 13),
    ("capacity", "CAP", 4),
    ("open_load", "OPEN", 4),
    ("assigned_today", "TODAY", 5),
)


def render(rows: list[dict[str, Any]]) -> str:
    """A fixed-width table with a total line."""
    header = "  ".join(f"{title:<{width}}" for _, title, width in COLUMNS)
    lines = [header]
    for row in rows:
        cells = [str(row[key] if row[key] is not None else "-") for key, _, _ in COLUMNS]
        lines.append("  ".join(f"{c:<{w}}" for c, (_, _, w) in zip(cells, COLUMNS, strict=True)))
    open_load = sum(r["open_load"] for r in rows)
    today = sum(r["assigned_today"] for r in rows)
    lines.append(f"{len(rows)} office(s); open load {open_load}; assigned today {today}")
    return "\n".join(lines)


def _offices(args: argparse.Namespace) -> int:
    from clients.records import office_overview
    from infra.aio import run_sync
    from infra.settings import load_settings

    query = office_overview(
        load_settings().pg_dsn, province=args.province, kind=args.kind, day=args.day
    )
    try:
        rows = run_sync(query)
    except Exception as exc:  # asyncpg's own errors and OSError: one clear line
        print(f"error: cannot read the record from Postgres: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(rows, indent=2) if args.json else render(rows))
    return 0


def register(subparsers: Any) -> None:
    """Add `router offices`."""
    parser = subparsers.add_parser(
        "offices",
        help="offices with licence status, capacity, open load and today's assignments",
        description="Read from Postgres (env GOVROUTE_PG_DSN). Open load counts requests "
        "assigned, accepted, awaiting an inquiry or in progress at the office; 'today' "
        "counts assignment decisions on the UTC day (or --day).",
    )
    parser.add_argument("--province", help="only offices in this province, e.g. 23")
    parser.add_argument("--kind", choices=("general", "agency"), help="only this kind")
    parser.add_argument("--day", type=date.fromisoformat, help="count decisions of this UTC day")
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")
    parser.set_defaults(handler=_offices)
