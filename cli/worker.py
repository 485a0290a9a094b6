"""`router worker`: run a routing worker (Faust) with configuration from the environment."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "worker",
        help="run a router worker (ingest, route, record); several form one group",
        description=(
            "Run a router worker. Configuration comes from the environment: "
            "GOVROUTE_KAFKA_BOOTSTRAP, GOVROUTE_PG_DSN, GOVROUTE_TOPIC_PREFIX, GOVROUTE_APP_ID, "
            "GOVROUTE_WEB_PORT (health and /metrics), GOVROUTE_CLOCK (system|manual), "
            "GOVROUTE_MAX_ATTEMPTS, GOVROUTE_POLICY, GOVROUTE_SINK (1|0), GOVROUTE_LOG_FORMAT; "
            "on a SASL broker GOVROUTE_KAFKA_SECURITY_PROTOCOL, GOVROUTE_KAFKA_SASL_MECHANISM, "
            "GOVROUTE_KAFKA_USERNAME, GOVROUTE_KAFKA_PASSWORD. "
            "Workers with the same GOVROUTE_APP_ID share the partitions."
        ),
    )
    parser.add_argument("--loglevel", default="warn",
                        choices=["crit", "error", "warn", "info", "debug"],
                        help="Faust's own log level (the router's lines are structlog JSON)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from streams.app import create_app
    from streams.config import Settings
    from streams.logs import configure

    settings = Settings.from_env()
    configure(settings.log_format, settings.log_level)
    app = create_app(settings)
    sys.argv = ["router-worker", "worker", "--loglevel", args.loglevel, "--without-web"]
    app.main()
    return 0
