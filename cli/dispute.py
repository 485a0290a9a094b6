"""`router dispute R [--office Y]`: a request's timeline and why Y was not chosen."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def _dispute(args: argparse.Namespace) -> int:
    from infra.aio import run_sync
    from infra.settings import load_settings
    from ops.dispute import gather
    from ops.logread import endpoints
    from ops.render import dispute_html, dispute_text

    try:
        d = run_sync(gather(endpoints(args.prefix), load_settings().pg_dsn, args.request_id,
                            args.office))
    except Exception as exc:  # Kafka / Postgres unreachable
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    if not d.decisions and not d.events and not d.history:
        print(f"unknown request: {args.request_id}", file=sys.stderr)
        return 1
    data = d.to_dict()
    if args.html:
        Path(args.html).write_text(dispute_html(data), encoding="utf-8")
        print(f"wrote {args.html}", file=sys.stderr)
    if args.json:
        print(json.dumps(data, indent=2, sort_keys=True, default=str))
    elif not args.html:
        print(dispute_text(data))
    return 0


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "dispute", help="a request's full timeline, and why an office was not chosen",
        description="Timeline of request R from Postgres (history, decisions, dead letters) "
        "and the router log (intake, fulfilment and inquiry events). With --office Y, the "
        "precise reason Y was not chosen at each attempt: from the recorded explanation, or, "
        "when Y was not even considered, by replaying the router log up to the decision and "
        "asking the core about Y as the registry stood then.")
    p.add_argument("request_id", metavar="R")
    p.add_argument("--office", default=None, metavar="Y", help="the office that disputes")
    p.add_argument("--prefix", default=None, help="topic prefix (default GOVROUTE_TOPIC_PREFIX)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--html", default=None, metavar="FILE", help="write a self-contained page")
    p.set_defaults(handler=_dispute)
