"""The `router` command: one entry point, one subcommand per job.

Each subcommand lives in its own module under `cli/` and exposes
`register(subparsers)`; the module is imported lazily so that `router --help`
stays fast and a missing optional dependency of one command cannot break the others.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# Modules under cli/ that contribute subcommands, in the order --help lists them.
COMMAND_MODULES: tuple[str, ...] = (
    "cli.infra",
    "cli.worker",
    "cli.publish",
    "cli.catalog",
    "cli.licences",
    "cli.office",
    "cli.status",
    "cli.offices",
    "cli.demo",
    "cli.replay",
    "cli.dispute",
    "cli.fairness",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="router",
        description=(
            "Neutral, explainable routing of citizens' government-service requests "
            "to licensed offices, on Apache Kafka (Faust) and Postgres."
        ),
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 0
    result = handler(args)
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
