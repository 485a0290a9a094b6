"""`router licences load FILE`: validate the regulator's licence events and publish them."""

from __future__ import annotations

import argparse
from typing import Any

from cli.publish import add_file_arguments, run_file_command


def _load(args: argparse.Namespace) -> int:
    from clients.batch import LICENCES

    return run_file_command(args, LICENCES, noun="licence events")


def register(subparsers: Any) -> None:
    """Add `router licences load FILE ...`."""
    licences = subparsers.add_parser(
        "licences",
        help="publish the regulator's licence events",
        description="The regulator's licence lifecycle: issued, amended, suspended, ...",
    )
    licences.set_defaults(handler=lambda _args: (licences.print_help(), 0)[1])
    sub = licences.add_subparsers(dest="licences_command", metavar="ACTION")
    load = sub.add_parser(
        "load",
        help="validate a JSONL file of licence events and publish it, in file order",
        description=(
            "JSONL: one licence event payload with an event_type field per line "
            "(licence.issued, licence.amended, licence.suspended, licence.reinstated, "
            "licence.revoked), or a full envelope. Keyed by office id. Exit 1 if any line "
            "was refused, 2 on usage errors."
        ),
    )
    add_file_arguments(load, "regulator-cli")
    load.set_defaults(handler=_load)
