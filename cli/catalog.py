"""`router catalog load FILE`: validate service definitions and publish them to `catalog`."""

from __future__ import annotations

import argparse
from typing import Any

from cli.publish import add_file_arguments, run_file_command


def _load(args: argparse.Namespace) -> int:
    from clients.batch import CATALOG

    return run_file_command(args, CATALOG, noun="service definitions")


def register(subparsers: Any) -> None:
    """Add `router catalog load FILE ...`."""
    catalog = subparsers.add_parser(
        "catalog",
        help="publish the service catalog",
        description="The service catalog: one catalog.service_defined event per service.",
    )
    catalog.set_defaults(handler=lambda _args: (catalog.print_help(), 0)[1])
    sub = catalog.add_subparsers(dest="catalog_command", metavar="ACTION")
    load = sub.add_parser(
        "load",
        help="validate a JSONL file of service definitions and publish it",
        description=(
            "JSONL: one catalog.service_defined payload with an event_type field per line, "
            "or a full envelope. Keyed by service code. Exit 1 if any line was refused, "
            "2 on usage errors."
        ),
    )
    add_file_arguments(load, "catalog-cli")
    load.set_defaults(handler=_load)
