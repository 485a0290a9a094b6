"""Runtime configuration of a router worker, read from the environment once."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_BOOTSTRAP = "127.0.0.1:19092"
DEFAULT_DSN = "postgresql://govroute:govroute@127.0.0.1:55432/govroute"


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


@dataclass(frozen=True)
class Settings:
    """Everything a worker needs to know about its surroundings."""

    bootstrap: str = DEFAULT_BOOTSTRAP
    dsn: str = DEFAULT_DSN
    topic_prefix: str = "govroute"
    app_id: str = "govroute-router"
    processing_guarantee: str = "exactly_once"
    web_host: str = "127.0.0.1"
    web_port: int = 6066
    web_enabled: bool = True
    data_dir: Path = field(default_factory=lambda: Path(".stack/worker"))
    clock: str = "system"  # "system": the worker ticks; "manual": ticks come from outside
    tick_seconds: float = 1.0
    max_attempts: int = 3
    policy_version: str = ""
    sink_enabled: bool = True
    sink_batch: int = 500
    log_format: str = "auto"  # json | console | auto (json unless a terminal)
    log_level: str = "info"
    stall_seconds: float = 120.0  # router log waiting, nothing applied: exit (watchdog.py)
    loop_stall_seconds: float = 60.0  # event loop not running: exit
    exit_grace_seconds: float = 30.0  # stopping, still alive after this: exit

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            bootstrap=_env("GOVROUTE_KAFKA_BOOTSTRAP", DEFAULT_BOOTSTRAP),
            dsn=_env("GOVROUTE_PG_DSN", DEFAULT_DSN),
            topic_prefix=_env("GOVROUTE_TOPIC_PREFIX", "govroute"),
            app_id=_env("GOVROUTE_APP_ID", "govroute-router"),
            processing_guarantee=_env("GOVROUTE_PROCESSING_GUARANTEE", "exactly_once"),
            web_host=_env("GOVROUTE_WEB_HOST", "127.0.0.1"),
            web_port=int(_env("GOVROUTE_WEB_PORT", "6066")),
            web_enabled=_env("GOVROUTE_WEB_ENABLED", "1") not in ("0", "false", "no"),
            data_dir=Path(_env("GOVROUTE_DATA_DIR", ".stack/worker")),
            clock=_env("GOVROUTE_CLOCK", "system"),
            tick_seconds=float(_env("GOVROUTE_TICK_SECONDS", "1.0")),
            max_attempts=int(_env("GOVROUTE_MAX_ATTEMPTS", "3")),
            policy_version=_env("GOVROUTE_POLICY", ""),
            sink_enabled=_env("GOVROUTE_SINK", "1") not in ("0", "false", "no"),
            sink_batch=int(_env("GOVROUTE_SINK_BATCH", "500")),
            log_format=_env("GOVROUTE_LOG_FORMAT", "auto"),
            log_level=_env("GOVROUTE_LOG_LEVEL", "info"),
            stall_seconds=float(_env("GOVROUTE_STALL_SECONDS", "120")),
            loop_stall_seconds=float(_env("GOVROUTE_LOOP_STALL_SECONDS", "60")),
            exit_grace_seconds=float(_env("GOVROUTE_EXIT_GRACE_SECONDS", "30")),
        )

    def topic(self, name: str) -> str:
        return f"{self.topic_prefix}.{name}" if self.topic_prefix else name
