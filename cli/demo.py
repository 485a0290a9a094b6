"""`router demo`: the README's main job — a simulated day on the real local stack."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def register(subparsers: Any) -> None:
    """Add `router demo`."""
    parser = subparsers.add_parser(
        "demo",
        help="run a simulated day end to end and report on it (HTML + JSON)",
        description=(
            "Create a fresh topic prefix and Postgres database, start router worker(s) with a "
            "manual clock, load the seeded sample network, play a day (06:00-22:00 Tehran) of "
            "requests with simulated offices and agencies in a minute or two, wait for the "
            "Postgres record, then print a summary and write out/demo-report.html and "
            "out/demo-summary.json. Needs the local stack (`router infra up`)."
        ),
    )
    parser.add_argument("--requests", type=_positive, default=3000,
                        help="requests in the day (default 3000)")
    parser.add_argument("--offices", type=_positive, default=300,
                        help="offices in the sample network (default 300)")
    parser.add_argument("--workers", type=_positive, default=1,
                        help="router worker processes (default 1)")
    parser.add_argument("--seed", type=int, default=None,
                        help="network and office-behaviour seed (default: the sample's)")
    parser.add_argument("--request-seed", type=int, default=1, help="seed of the requests")
    parser.add_argument("--step-minutes", type=_positive, default=None,
                        help="simulated minutes per clock tick (default 1; 4 with --quick)")
    parser.add_argument("--wall-seconds", type=float, default=None,
                        help="target wall time of the day (default 75; 20 with --quick); "
                        "the worker's pace can make it longer")
    parser.add_argument("--quick", action="store_true",
                        help="coarser steps and a shorter wall-clock day (for tests)")
    parser.add_argument("--out", type=Path, default=Path("out"),
                        help="output directory (default ./out)")
    parser.add_argument("--keep-old-runs", action="store_true",
                        help="keep the topics and databases of earlier demo runs (by default "
                        "those started more than an hour ago are deleted first)")
    parser.set_defaults(handler=_demo)


def _demo(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from demo.config import DemoConfig, quick
    from demo.run import run_demo
    from infra.aio import run_sync

    config = DemoConfig(requests=args.requests, offices=args.offices, workers=args.workers,
                        request_seed=args.request_seed, out=args.out)
    if args.seed is not None:
        config = replace(config, seed=args.seed)
    if args.quick:
        config = quick(config)
    if args.step_minutes is not None:
        config = replace(config, step_minutes=args.step_minutes)
    if args.wall_seconds is not None:
        config = replace(config, wall_seconds=args.wall_seconds)
    if args.keep_old_runs:
        config = replace(config, prune_after=None)
    return run_sync(run_demo(config))
