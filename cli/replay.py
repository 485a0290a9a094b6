"""`router replay`: re-run the router core over its log and compare with the record."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any


def _when(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text}: give a timezone (e.g. Z)")
    return value


def _replay(args: argparse.Namespace) -> int:
    from infra.aio import run_sync
    from ops.logread import endpoints
    from ops.render import replay_text
    from ops.replay import Scope, run_replay
    from router import UnknownPolicy, policy_named

    try:
        policy = policy_named(args.policy) if args.policy else None
    except UnknownPolicy:
        print(f"error: unknown policy {args.policy}", file=sys.stderr)
        return 2
    scope = Scope(
        from_offset=args.from_offset, to_offset=args.to_offset, since=args.since,
        until=args.until,
        requests=frozenset(r.strip() for r in args.requests.split(",") if r.strip())
        if args.requests else None,
    )
    out = Path(args.out) if args.out else None
    if args.resume and out is None:
        print("error: --resume needs --out (the checkpoint lives next to it)", file=sys.stderr)
        return 2
    try:
        result = run_sync(run_replay(endpoints(args.prefix), policy=policy, scope=scope, out=out,
                                     resume=args.resume,
                                     progress=None if args.quiet else sys.stderr))
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    data = result.to_dict()
    print(json.dumps(data, indent=2, sort_keys=True) if args.json else replay_text(data))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(data, indent=2, sort_keys=True))
    divergent = data["counts"]["divergent"]
    return 0 if not divergent or data["what_if"] else 3


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "replay", help="re-derive decisions from the router log and compare with the record",
        description="Reads the router log from its beginning into a fresh router core (state "
        "must be rebuilt from the start to be exact), re-derives every decision and compares "
        "it with the recorded one on the decisions topic (joined by request and attempt). "
        "Only the comparison is restricted by --from-offset/--to-offset, --since/--until or "
        "--requests. With --policy VERSION different from the recorded one it is a what-if. "
        "Never writes to a topic. Exit 3 when decisions diverge under the recorded policy.")
    p.add_argument("--prefix", default=None, help="topic prefix (default GOVROUTE_TOPIC_PREFIX)")
    p.add_argument("--from-offset", type=int, default=None, help="first router-log offset")
    p.add_argument("--to-offset", type=int, default=None, help="last router-log offset")
    p.add_argument("--since", type=_when, default=None, help="decided at or after (ISO)")
    p.add_argument("--until", type=_when, default=None, help="decided before (ISO)")
    p.add_argument("--requests", default=None, help="compare only these request ids (R1,R2)")
    p.add_argument("--policy", default=None,
                   help="policy version to replay with (default: the recorded one)")
    p.add_argument("--out", default=None, help="findings file (JSONL), one line a divergence")
    p.add_argument("--resume", action="store_true",
                   help="continue from OUT.checkpoint.json (re-applies the log to rebuild state)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--json-out", default=None, help="also write the summary JSON to a file")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(handler=_replay)
