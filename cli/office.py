"""`router office tail|report`: an office's view — its own assignments, and its reports.

`tail` follows `office.<id>.assignments` (read_committed, group `office-<id>`) and prints
each event readably or as JSON lines, with national ids masked. It is a viewer: it does not
move the group's committed offset unless `--commit` is given. `report` publishes one
fulfilment event for an assignment (idempotently: the same report twice is a duplicate).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

from contracts.base import ContractModel
from contracts.errors import ContractError
from contracts.events import AssignmentMadeEnvelope
from contracts.fulfilment import (
    FulfilmentAccepted,
    FulfilmentAwaitingInquiry,
    FulfilmentFulfilled,
    FulfilmentRejected,
)

if TYPE_CHECKING:  # `clients` is imported lazily: `router --help` must never need it
    from clients.office import OfficeEvent

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
ACTIONS: dict[str, type[ContractModel]] = {
    "accepted": FulfilmentAccepted,
    "rejected": FulfilmentRejected,
    "awaiting-inquiry": FulfilmentAwaitingInquiry,
    "fulfilled": FulfilmentFulfilled,
}


def _time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def format_event(event: OfficeEvent) -> str:
    """One readable line per assignment event; the national id masked."""
    from clients.validation import mask_national_id

    if isinstance(event, AssignmentMadeEnvelope):
        p = event.payload
        return (
            f"{_time(p.assigned_at)}  ASSIGNED   {p.request_id}  {p.service_code}  "
            f"citizen {mask_national_id(p.citizen_national_id)}  {p.region.city}  "
            f"accept by {_time(p.accept_by)}  attempt {p.attempt}  ({p.assignment_id})"
        )
    w = event.payload
    return (
        f"{_time(event.occurred_at)}  WITHDRAWN  {w.request_id}  reason {w.reason}  "
        f"({w.assignment_id})"
    )


def event_json(event: OfficeEvent) -> str:
    """The event as one JSON line; the national id masked."""
    from clients.validation import mask_national_id

    document = event.model_dump(mode="json")
    payload = document["payload"]
    if "citizen_national_id" in payload:
        payload["citizen_national_id"] = mask_national_id(payload["citizen_national_id"])
    return json.dumps(document, ensure_ascii=False)


async def _tail(args: argparse.Namespace, bootstrap: str, prefix: str) -> int:
    from clients.office import OfficeClient

    shown = 0
    async with OfficeClient(bootstrap, prefix, office_id=args.office) as office:
        events = office.assignments(
            from_committed=not args.from_beginning,
            from_time=args.from_time,
            idle_timeout=args.timeout,
            commit=args.commit,
        )
        async for event in events:
            print(event_json(event) if args.json else format_event(event), flush=True)
            shown += 1
            if args.max is not None and shown >= args.max:
                break
        await events.aclose()
        if office.invalid:
            print(f"skipped {office.invalid} invalid message(s)", file=sys.stderr)
    if not args.json:
        print(f"{shown} event(s) shown", file=sys.stderr)
    return EXIT_OK


def _run_tail(args: argparse.Namespace) -> int:
    from infra.settings import load_settings

    settings = load_settings()
    try:
        return asyncio.run(_tail(args, settings.kafka_bootstrap, settings.topic_prefix))
    except LookupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130


def _report_fields(args: argparse.Namespace) -> dict[str, Any] | str:
    """The action's own fields, or what is missing (a usage error)."""
    if args.action == "rejected":
        if not args.reason:
            return "rejected needs --reason CODE"
        return {"reason": args.reason, "note": args.note or ""}
    if args.action == "awaiting-inquiry":
        kinds = [k.strip() for k in (args.inquiries or "").split(",") if k.strip()]
        return {"inquiries": kinds} if kinds else "awaiting-inquiry needs --inquiries k1,k2"
    if args.action == "fulfilled":
        return {"reference": args.reference} if args.reference else "fulfilled needs --reference"
    return {}


async def _send(bootstrap: str, prefix: str, office_id: str, key: str, envelope: Any) -> str:
    from clients.producer import EnvelopeProducer

    async with EnvelopeProducer(bootstrap, prefix, client_id=f"govroute-office-{office_id}") as out:
        return await out.send("fulfilment", key, envelope)


def _report(args: argparse.Namespace) -> int:
    from clients.office import AssignmentRef, fulfilment_envelope
    from infra.settings import load_settings

    fields = _report_fields(args)
    if isinstance(fields, str):
        print(f"error: {fields}", file=sys.stderr)
        return EXIT_USAGE
    ref = AssignmentRef(args.request, args.assignment, args.attempt)
    try:
        envelope = fulfilment_envelope(ACTIONS[args.action], args.office, ref, **fields)
    except ContractError as error:
        print(f"refused: {error.reason} {error.message}", file=sys.stderr)
        return EXIT_FAILED
    settings = load_settings()
    try:
        event_id = asyncio.run(
            _send(
                settings.kafka_bootstrap,
                settings.topic_prefix,
                args.office,
                ref.request_id,
                envelope,
            )
        )
    except Exception as exc:  # any broker failure ends the command with one clear line
        print(f"error: publishing to Kafka failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(f"reported {envelope.event_type} for {ref.request_id} (event {event_id})")
    return EXIT_OK


def _timestamp(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO timestamp: {text!r}") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} has no timezone; e.g. 2024-05-01T08:00:00Z")
    return moment


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def register(subparsers: Any) -> None:
    """Add `router office tail|report`."""
    office = subparsers.add_parser(
        "office",
        help="an office's assignments and reports",
        description="What one office sees (its own assignment topic) and reports (fulfilment).",
    )
    office.set_defaults(handler=lambda _args: (office.print_help(), 0)[1])
    sub = office.add_subparsers(dest="office_command", metavar="ACTION")

    tail = sub.add_parser("tail", help="follow the office's own assignment stream")
    tail.add_argument("--office", required=True, help="office id, e.g. GEN-00042")
    start = tail.add_mutually_exclusive_group()
    start.add_argument("--from-time", type=_timestamp, help="start at this time (ISO 8601)")
    start.add_argument("--from-beginning", action="store_true", help="start at the beginning")
    tail.add_argument("--max", type=_positive, help="stop after N events")
    tail.add_argument("--timeout", type=float, help="stop after S seconds without an event")
    tail.add_argument("--json", action="store_true", help="print JSON lines")
    tail.add_argument("--commit", action="store_true", help="commit the group's offsets")
    tail.set_defaults(handler=_run_tail)

    report = sub.add_parser("report", help="report on an assignment (publish to fulfilment)")
    report.add_argument("--office", required=True, help="the reporting office id")
    report.add_argument("--request", required=True, help="the request id")
    report.add_argument("--assignment", required=True, help="the assignment id as given")
    report.add_argument("--attempt", required=True, type=_positive, help="the attempt as given")
    report.add_argument("action", choices=tuple(ACTIONS), help="what happened")
    report.add_argument("--reason", help="rejection reason code, e.g. MISSING_DOCUMENTS")
    report.add_argument("--note", help="free-text note (rejections)")
    report.add_argument("--inquiries", help="inquiry kinds awaited, comma-separated")
    report.add_argument("--reference", help="the office's delivery reference (fulfilled)")
    report.set_defaults(handler=_report)
