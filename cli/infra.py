"""`router infra up|down|status|topics|migrate|principal`: the local Kafka + Postgres stack.

`--secure` selects the stack's secure broker (SASL/SCRAM and ACLs, see infra/README.md);
`router infra principal add|env|list` manages its principals.
"""

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

    report = up(echo=print, secure=args.secure)
    if args.secure:
        print("act as a principal: eval \"$(router infra principal env NAME)\"")
    if report.started:
        print(f"stack ready in {report.seconds:.1f}s (started: {', '.join(report.started)})")
    elif report.changed:
        print(f"everything was already running; updated in {report.seconds:.1f}s")
    else:
        print(f"everything is already running; nothing to do ({report.seconds:.1f}s)")
    return 0


def _down(args: argparse.Namespace) -> int:
    from infra.stack import down

    down(purge=args.purge, echo=print, secure=args.secure)
    return 0


def _print_status(info: dict[str, Any]) -> None:
    k, pg = info["kafka"], info["postgres"]
    print(f"stack dir:  {info['stack_dir']}  (topic prefix {info['topic_prefix']!r})")
    if info.get("profile") == "secure":
        print(f"profile:    secure ({k['security_protocol']} {k['sasl_mechanism']}, ACLs)")
        print(f"            principals: {', '.join(k['principals']) or '(none)'}")
        print(f"            credentials {k['credentials']} (mode 0600)")
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

    info = status(secure=args.secure)
    if args.json:
        print(json.dumps(info, indent=2))
    else:
        _print_status(info)
    return 0 if is_running(secure=args.secure) else 3


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


def _secure_profile() -> Any:
    from infra.kafka import profile

    return profile(secure=True)


def _print_plan(prof: Any, principal: Any) -> None:
    from infra.acls import plan

    for binding in plan(principal, prof.settings.topic_prefix, prof.settings.app_id):
        print(f"  allow {binding.describe()}")


def _principal_add(args: argparse.Namespace) -> int:
    from infra.secure import add_principal

    prof = _secure_profile()
    principal = add_principal(prof, args.kind, args.ident or "")
    print(f"principal {principal.name}: SCRAM-SHA-512 user and ACLs created")
    _print_plan(prof, principal)
    print(f"act as it: eval \"$(router infra principal env {principal.name})\"")
    return 0


def _principal_env(args: argparse.Namespace) -> int:
    from infra.secure import export_lines, principal_env

    print(export_lines(principal_env(_secure_profile(), args.name)), end="")
    return 0


def _principal_list(args: argparse.Namespace) -> int:
    from infra.acls import Principal
    from infra.secure import principals_status

    prof = _secure_profile()
    for name in principals_status(prof)["principals"]:
        print(name)
        if args.acls:
            _print_plan(prof, Principal.parse(name))
    return 0


def _group(subparsers: Any, name: str, help: str, description: str) -> Any:
    """A command of commands (`router infra ...`); alone, it prints its help."""
    parser = subparsers.add_parser(name, help=help, description=description)
    parser.set_defaults(handler=lambda _args: (parser.print_help(), 0)[1])
    return parser.add_subparsers(dest=f"{name}_command", metavar="ACTION")


def _register_principal(sub: Any) -> None:
    actions = _group(
        sub,
        "principal",
        help="principals of the secure broker (SCRAM users and their ACLs)",
        description="Principals of the secure profile (router infra up --secure): "
        "router, regulator, ops, intake-<name>, office-<id>, agency-<code>. Passwords live "
        "in <stack dir>/kafka-secure/credentials.json (mode 0600).",
    )
    p = actions.add_parser("add", help="create a principal (password, SCRAM user, ACLs)")
    p.add_argument("kind", choices=["intake", "office", "agency", "router", "regulator", "ops"])
    p.add_argument("ident", nargs="?", help="intake name, office id or agency code")
    p.set_defaults(handler=_guarded(_principal_add))
    p = actions.add_parser(
        "env", help="print `export GOVROUTE_KAFKA_...` lines to run a client as NAME"
    )
    p.add_argument("name", help="e.g. router, ops, office-GEN-00042, intake-portal")
    p.set_defaults(handler=_guarded(_principal_env))
    p = actions.add_parser("list", help="the principals (names, never passwords)")
    p.add_argument("--acls", action="store_true", help="also print each one's ACL bindings")
    p.set_defaults(handler=_guarded(_principal_list))


def register(subparsers: Any) -> None:
    """Add `router infra ...` to the top-level parser."""
    sub = _group(
        subparsers,
        "infra",
        help="run the local Kafka + Postgres stack",
        description="The local stack: Apache Kafka (KRaft, single node) and Postgres. "
        "Env: GOVROUTE_STACK_DIR, GOVROUTE_KAFKA_PORT, GOVROUTE_KAFKA_CONTROLLER_PORT, "
        "GOVROUTE_PG_PORT, GOVROUTE_KAFKA_BOOTSTRAP / GOVROUTE_PG_DSN (external services), "
        "GOVROUTE_TOPIC_PREFIX, GOVROUTE_CACHE_DIR; the secure profile: "
        "GOVROUTE_KAFKA_SECURE_PORT, GOVROUTE_KAFKA_SECURE_CONTROLLER_PORT.",
    )

    secure_help = "the secure broker (SASL/SCRAM + ACLs, ports 19094/19095) instead"
    p = sub.add_parser("up", help="start Kafka and Postgres, migrate, create topics (idempotent)")
    p.add_argument("--secure", action="store_true", help=secure_help + "; creates principals")
    p.set_defaults(handler=_guarded(_up))

    p = sub.add_parser("down", help="stop Kafka and Postgres (data is kept)")
    p.add_argument("--purge", action="store_true", help="also delete the stack's data")
    p.add_argument("--secure", action="store_true", help=secure_help)
    p.set_defaults(handler=_guarded(_down))

    p = sub.add_parser("status", help="what runs where (exit 3 when not everything runs)")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON")
    p.add_argument("--secure", action="store_true", help=secure_help)
    p.set_defaults(handler=_guarded(_status))

    p = sub.add_parser("topics", help="create missing topics, report differing ones")
    p.set_defaults(handler=_guarded(_topics))

    p = sub.add_parser("migrate", help="apply pending SQL migrations")
    p.set_defaults(handler=_guarded(_migrate))

    _register_principal(sub)
