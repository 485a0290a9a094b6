"""Where the stack lives and how it is reached: ports, dirs, DSN, bootstrap servers.

Every value has a default and an environment override; `load_settings()` reads them.
Setting ``GOVROUTE_KAFKA_BOOTSTRAP`` or ``GOVROUTE_PG_DSN`` makes that service
*external*: the stack then uses it as it is and never starts or stops it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from contracts.topics import DEFAULT_PREFIX

KAFKA_VERSION = "4.4.0"
HOST = "127.0.0.1"
REPO_ROOT = Path(__file__).resolve().parent.parent
INFRA_DIR = Path(__file__).resolve().parent
MIGRATIONS_DIR = INFRA_DIR / "migrations"
KAFKA_ASSETS_DIR = INFRA_DIR / "kafka"

DEFAULT_KAFKA_PORT = 19092
DEFAULT_KAFKA_CONTROLLER_PORT = 19093
DEFAULT_KAFKA_SECURE_PORT = 19094
DEFAULT_KAFKA_SECURE_CONTROLLER_PORT = 19095
DEFAULT_PG_PORT = 55432
PG_USER = "govroute"
PG_PASSWORD = "govroute"
PG_DATABASE = "govroute"
PG_OPS_USER = "govroute_ops"
PG_OPS_PASSWORD = "govroute_ops"


@dataclass(frozen=True)
class Settings:
    """The resolved configuration of one stack."""

    stack_dir: Path
    cache_dir: Path
    kafka_port: int
    kafka_controller_port: int
    kafka_bootstrap: str
    kafka_external: bool
    pg_port: int
    pg_dsn: str
    pg_external: bool
    topic_prefix: str
    kafka_version: str = KAFKA_VERSION
    kafka_secure_port: int = DEFAULT_KAFKA_SECURE_PORT
    kafka_secure_controller_port: int = DEFAULT_KAFKA_SECURE_CONTROLLER_PORT
    app_id: str = "govroute-router"

    @property
    def kafka_dir(self) -> Path:
        return self.stack_dir / "kafka"

    @property
    def kafka_secure_dir(self) -> Path:
        """The secure profile's broker (SASL/SCRAM + ACLs): its own data, logs, credentials."""
        return self.stack_dir / "kafka-secure"

    @property
    def kafka_secure_bootstrap(self) -> str:
        return f"{HOST}:{self.kafka_secure_port}"

    @property
    def kafka_libs_dir(self) -> Path:
        return self.cache_dir / f"kafka-{self.kafka_version}" / "libs"

    @property
    def pg_dir(self) -> Path:
        return self.stack_dir / "postgres"

    @property
    def pg_ops_dsn(self) -> str:
        return f"postgresql://{PG_OPS_USER}:{PG_OPS_PASSWORD}@{HOST}:{self.pg_port}/{PG_DATABASE}"


def _int_env(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be an integer port, got {raw!r}") from exc


def _default_cache_dir(env: Mapping[str, str]) -> Path:
    xdg = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "govroute"


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read the stack's configuration from the environment (``os.environ`` by default)."""
    env = os.environ if env is None else env
    stack_dir = Path(env.get("GOVROUTE_STACK_DIR") or REPO_ROOT / ".stack").resolve()
    cache_dir = Path(env.get("GOVROUTE_CACHE_DIR") or _default_cache_dir(env)).resolve()
    kafka_port = _int_env(env, "GOVROUTE_KAFKA_PORT", DEFAULT_KAFKA_PORT)
    controller_port = _int_env(env, "GOVROUTE_KAFKA_CONTROLLER_PORT", DEFAULT_KAFKA_CONTROLLER_PORT)
    pg_port = _int_env(env, "GOVROUTE_PG_PORT", DEFAULT_PG_PORT)
    secure_port = _int_env(env, "GOVROUTE_KAFKA_SECURE_PORT", DEFAULT_KAFKA_SECURE_PORT)
    secure_controller_port = _int_env(
        env, "GOVROUTE_KAFKA_SECURE_CONTROLLER_PORT", DEFAULT_KAFKA_SECURE_CONTROLLER_PORT
    )
    external_bootstrap = env.get("GOVROUTE_KAFKA_BOOTSTRAP", "").strip()
    external_dsn = env.get("GOVROUTE_PG_DSN", "").strip()
    local_dsn = f"postgresql://{PG_USER}:{PG_PASSWORD}@{HOST}:{pg_port}/{PG_DATABASE}"
    return Settings(
        stack_dir=stack_dir,
        cache_dir=cache_dir,
        kafka_port=kafka_port,
        kafka_controller_port=controller_port,
        kafka_bootstrap=external_bootstrap or f"{HOST}:{kafka_port}",
        kafka_external=bool(external_bootstrap),
        pg_port=pg_port,
        pg_dsn=external_dsn or local_dsn,
        pg_external=bool(external_dsn),
        topic_prefix=env.get("GOVROUTE_TOPIC_PREFIX", DEFAULT_PREFIX),
        kafka_secure_port=secure_port,
        kafka_secure_controller_port=secure_controller_port,
        app_id=env.get("GOVROUTE_APP_ID", "").strip() or "govroute-router",
    )
