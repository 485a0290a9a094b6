"""`router infra up|down|status|topics|migrate`: the local Kafka + Postgres stack."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

Handler = Callable[[argparse.Namespace], int]


def _guarded(fn: Handler) -> Handler:
    """Turn an `InfraError` into one clear line on stderr and exit code 1."""

    def run(args: argparse.Namespace) -> int:
        from infra.errors import InfraError

        try:
            return fn(args)
        except InfraError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1

    return run


def _up(args: argparse.Namespace) -> int:
    from infra.stack import up

    report = up(echo=print)
    if report.started:
        print(f"stack ready in {report.seconds:.1f}s (started: {', '.join(report.started)})")
    elif report.changed:
        print(f"everything was already running; updated in {report.seconds:.1f}s")
    else:
        print(f"everything is already running; nothing to do ({report.seconds:.1f}s)")
    return 0


def _down(args: argparse.Namespace) -> int:
    from infra.stack import down

    down(purge=args.purge, echo=print)
    return 0


def _print_status(info: dict[str, Any]) -> None:
    k, pg = info["kafka"], info["postgres"]
    print(f"stack dir:  {info['stack_dir']}  (topic prefix {info['topic_prefix']!r})")
    if k["external"]:
        print(f"Kafka:      external {k['bootstrap_servers']} (reachable: {k['reachable']})")
    else:
        state = f"running, pid {k['pid']}" if k["running"] else "stopped"
        print(f"Kafka:      {state}; bootstrap {k['bootstrap_servers']}; version {k['version']}")
        print(f"            log {k['log']}")
    if pg["external"]:
        print(f"Postgres:   external {pg['dsn']}")
    else:
        state = f"running, pid {pg['pid']}" if pg["running"] else "stopped"
        print(f"Postgres:   {state}; {pg['dsn']}; version {pg['version']}")
        print(f"            read-only {pg['ops_dsn']}")
        print(f"            log {pg['log']}")


def _status(args: argparse.Namespace) -> int:
    from infra.stack import is_running, status

    info = status()
    if args.json:
        print(json.dumps(info, indent=2))
    else:
        _print_status(info)
    return 0 if is_running() else 3


def _topics(args: argparse.Namespace) -> int:
    from infra.aio import run_sync
    from infra.topics import create_topics

    report = run_sync(create_topics())
    print(f"created: {', '.join(report.created) or '(none)'}")
    print(f"existing: {len(report.existing)}")
    for problem in report.mismatched:
        print(f"MISMATCH {problem}")
    return 2 if report.mismatched else 0


def _migrate(args: argparse.Namespace) -> int:
    from infra.aio import run_sync
    from infra.migrate import migrate
    from infra.settings import load_settings

    applied = run_sync(migrate(load_settings().pg_dsn))
    print(f"applied: {', '.join(applied)}" if applied else "migrations: up to date")
    return 0


def register(subparsers: Any) -> None:
    """Add `router infra ...` to the top-level parser."""
    infra = subparsers.add_parser(
        "infra",
        help="run the local Kafka + Postgres stack",
        description="The local stack: Apache Kafka (KRaft, single node) and Postgres. "
        "Env: GOVROUTE_STACK_DIR, GOVROUTE_KAFKA_PORT, GOVROUTE_KAFKA_CONTROLLER_PORT, "
        "GOVROUTE_PG_PORT, GOVROUTE_KAFKA_BOOTSTRAP / GOVROUTE_PG_DSN (external services), "
        "GOVROUTE_TOPIC_PREFIX, GOVROUTE_CACHE_DIR.",
    )
    infra.set_defaults(handler=lambda _args: (infra.print_help(), 0)[1])
    sub = infra.add_subparsers(dest="infra_command", metavar="ACTION")

    p = sub.add_parser("up", help="start Kafka and Postgres, migrate, create topics (idempotent)")
    p.set_defaults(handler=_guarded(_up))

    p = sub.add_parser("down", help="stop Kafka and Postgres (data is kept)")
    p.add_argument("--purge", action="store_true", help="also delete the stack's data")
    p.set_defaults(handler=_guarded(_down))

    p = sub.add_parser("status", help="what runs where (exit 3 when not everything runs)")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON")
    p.set_defaults(handler=_guarded(_status))

    p = sub.add_parser("topics", help="create missing topics, report differing ones")
    p.set_defaults(handler=_guarded(_topics))

    p = sub.add_parser("migrate", help="apply pending SQL migrations")
    p.set_defaults(handler=_guarded(_migrate))
