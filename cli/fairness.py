"""`router fairness`: assignments against capacity-weighted fair shares, per office."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from cli.replay import _when


def _fairness(args: argparse.Namespace) -> int:
    from infra.aio import run_sync
    from infra.settings import load_settings
    from ops.fairness import compute, load_catalog, load_decisions
    from ops.logread import endpoints
    from ops.render import fairness_text

    ep = endpoints(args.prefix)

    async def gather() -> Any:
        facts, agencies = await load_decisions(load_settings().pg_dsn, args.since, args.until)
        catalog = await load_catalog(ep.bootstrap, ep.topic("catalog"))
        return compute(facts, service_agency=catalog, agencies_with_offices=agencies,
                       threshold=args.threshold, min_samples=args.min_samples)

    try:
        report = run_sync(gather()).to_dict()
    except Exception as exc:
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(report, indent=2, sort_keys=True) if args.json else fairness_text(report))
    return 0


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "fairness", help="per office: assignments vs capacity-weighted fair share",
        description="From the Postgres record: for each office, how many requests it got "
        "against its capacity-weighted fair share of the decisions where it was eligible; "
        "flags offices systematically skipped; shows how agency services were split between "
        "agency and general offices.")
    p.add_argument("--since", type=_when, default=None, help="decided at or after (ISO)")
    p.add_argument("--until", type=_when, default=None, help="decided before (ISO)")
    p.add_argument("--threshold", type=float, default=0.5, help="flag below this ratio")
    p.add_argument("--min-samples", type=int, default=20, help="eligible decisions needed")
    p.add_argument("--prefix", default=None, help="topic prefix (default GOVROUTE_TOPIC_PREFIX)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=_fairness)
