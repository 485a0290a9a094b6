"""`router worker`: run a routing worker (Faust) with configuration from the environment."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from streams.config import Settings


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
            "Workers with the same GOVROUTE_APP_ID share the partitions. A worker that cannot "
            "make progress exits non-zero (GOVROUTE_STALL_SECONDS, GOVROUTE_LOOP_STALL_SECONDS); "
            "--supervise (or GOVROUTE_SUPERVISE=1) restarts it."
        ),
    )
    parser.add_argument("--supervise", action="store_true",
                        help="run the worker as a child process and restart it whenever it "
                        "exits on its own (for machines without systemd or Kubernetes)")
    parser.add_argument("--loglevel", default="warn",
                        choices=["crit", "error", "warn", "info", "debug"],
                        help="Faust's own log level (the router's lines are structlog JSON)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from streams.config import Settings
    from streams.logs import configure

    settings = Settings.from_env()
    configure(settings.log_format, settings.log_level)
    if args.supervise or os.environ.get("GOVROUTE_SUPERVISE", "") in ("1", "true", "yes"):
        from streams.supervisor import supervise

        os.environ["GOVROUTE_SUPERVISE"] = "0"  # the child is the worker itself
        return supervise(["--loglevel", args.loglevel])
    return _work(settings, args.loglevel)


def _work(settings: Settings, loglevel: str) -> NoReturn:
    """Run the Faust worker; leave the process as soon as it is done, whatever still runs.

    After a crash, faust-streaming's consumer thread can outlive the closed event loop and
    keep the interpreter from exiting: a worker that does nothing and never ends. So the
    exit is forced, with 0 only for a clean stop (streams/watchdog.py does the same for a
    worker that hangs before it gets here)."""
    from streams.app import create_app

    app = create_app(settings)
    sys.argv = ["router-worker", "worker", "--loglevel", loglevel, "--without-web"]
    code = 1
    try:
        app.main()
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException as error:  # the crash Faust re-raises after shutting down
        print(f"worker crashed: {error!r}", file=sys.stderr)
        code = 70
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)
