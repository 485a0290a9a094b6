"""The local Postgres: a dedicated cluster under ``<stack dir>/postgres`` on 127.0.0.1.

Installs the Debian ``postgresql`` package when no server binaries exist, runs initdb
once (as the ``postgres`` OS user when we are root: initdb refuses root), starts the
server with pg_ctl, and creates the ``govroute`` role + database and the read-only
``govroute_ops`` role. Superuser work goes over the cluster's own unix socket (trust).
`stop_postgres()` / `start_postgres()` keep the data.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import subprocess
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import asyncpg

from infra.errors import InfraError
from infra.ports import require_free_port
from infra.process import log_tail, running_pid
from infra.settings import (
    HOST,
    PG_DATABASE,
    PG_OPS_PASSWORD,
    PG_OPS_USER,
    PG_PASSWORD,
    PG_USER,
    Settings,
    load_settings,
)

PG_LIB = Path("/usr/lib/postgresql")
OS_USER = "postgres"
SUPERUSER = "postgres"
START_TIMEOUT_S = 60

ROLES_SQL = f"""
SELECT 'CREATE ROLE {PG_USER} LOGIN PASSWORD ''{PG_PASSWORD}'''
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{PG_USER}')\\gexec
SELECT 'CREATE ROLE {PG_OPS_USER} LOGIN PASSWORD ''{PG_OPS_PASSWORD}'''
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{PG_OPS_USER}')\\gexec
ALTER ROLE {PG_OPS_USER} SET default_transaction_read_only = on;
SELECT 'CREATE DATABASE {PG_DATABASE} OWNER {PG_USER} ENCODING ''UTF8'''
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '{PG_DATABASE}')\\gexec
GRANT CONNECT ON DATABASE {PG_DATABASE} TO {PG_OPS_USER};
"""

# Run inside the govroute database: ops may read everything govroute creates, now or later.
OPS_GRANTS_SQL = f"""
GRANT USAGE ON SCHEMA public TO {PG_OPS_USER};
GRANT SELECT ON ALL TABLES IN SCHEMA public TO {PG_OPS_USER};
ALTER DEFAULT PRIVILEGES FOR ROLE {PG_USER} GRANT USAGE ON SCHEMAS TO {PG_OPS_USER};
ALTER DEFAULT PRIVILEGES FOR ROLE {PG_USER} GRANT SELECT ON TABLES TO {PG_OPS_USER};
ALTER DEFAULT PRIVILEGES FOR ROLE {PG_USER} GRANT SELECT ON SEQUENCES TO {PG_OPS_USER};
"""


def data_dir(settings: Settings) -> Path:
    return settings.pg_dir / "data"


def socket_dir(settings: Settings) -> Path:
    return settings.pg_dir / "run"


@contextlib.asynccontextmanager
async def superuser(settings: Settings) -> AsyncIterator[Any]:
    """A connection as `postgres` over the local cluster's socket (to create and drop
    databases); closed on exit."""
    conn = await asyncpg.connect(host=str(socket_dir(settings)), port=settings.pg_port,
                                 user="postgres", database="postgres")
    try:
        yield conn
    finally:
        await conn.close()


def log_file(settings: Settings) -> Path:
    return settings.pg_dir / "logs" / "postgres.log"


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", path.parent.parent.name)) or (0,)


def find_bin_dir() -> Path | None:
    """The newest installed server's bin dir (``/usr/lib/postgresql/<v>/bin``)."""
    servers = sorted(PG_LIB.glob("*/bin/postgres"), key=_version_key)
    return servers[-1].parent if servers else None


def install_postgres(echo: Callable[[str], None] = lambda _: None) -> Path:
    """The server bin dir, installing Debian's ``postgresql`` package first if needed."""
    found = find_bin_dir()
    if found is not None:
        return found
    if os.geteuid() != 0:
        raise InfraError("Postgres is not installed; run: sudo apt-get install -y postgresql")
    echo("installing Postgres (apt-get install postgresql) ...")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for cmd in (["apt-get", "update"], ["apt-get", "install", "-y", "postgresql"]):
        result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise InfraError(f"{' '.join(cmd)} failed:\n{result.stderr[-2000:]}")
    found = find_bin_dir()
    if found is None:
        raise InfraError("apt-get installed postgresql but no server binary was found")
    return found


def _as_owner(cmd: list[str]) -> list[str]:
    """Run as the ``postgres`` OS user when we are root (the server refuses root)."""
    return ["runuser", "-u", OS_USER, "--", *cmd] if os.geteuid() == 0 else cmd


def _run(cmd: list[str], what: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        _as_owner(cmd), input=stdin, capture_output=True, text=True, check=False, cwd="/"
    )
    if result.returncode != 0:
        raise InfraError(f"{what} failed ({' '.join(cmd)}):\n{result.stdout}{result.stderr}")
    return result.stdout


def _prepare_dirs(settings: Settings) -> None:
    for path in (data_dir(settings), socket_dir(settings), log_file(settings).parent):
        path.mkdir(parents=True, exist_ok=True)
    data_dir(settings).chmod(0o700)
    if os.geteuid() != 0:
        return
    owner = pwd.getpwnam(OS_USER)
    dirs = (settings.pg_dir, data_dir(settings), socket_dir(settings), log_file(settings).parent)
    for path in dirs:
        os.chown(path, owner.pw_uid, owner.pw_gid)
    check = subprocess.run(_as_owner(["test", "-w", str(data_dir(settings))]), check=False)
    if check.returncode != 0:
        raise InfraError(
            f"the {OS_USER} OS user cannot reach {settings.pg_dir}; make its parent dirs "
            "world-searchable (chmod o+x) or set GOVROUTE_STACK_DIR elsewhere"
        )


def _server_conf(settings: Settings) -> str:
    return (
        f"listen_addresses = '{HOST}'\n"
        f"port = {settings.pg_port}\n"
        f"unix_socket_directories = '{socket_dir(settings)}'\n"
        "max_connections = 200\n"
        "shared_buffers = 128MB\n"
        "log_min_messages = warning\n"
        "log_line_prefix = '%m [%p] %u@%d '\n"
    )


def _initdb(settings: Settings, bin_dir: Path) -> None:
    if (data_dir(settings) / "PG_VERSION").exists():
        return
    _run(
        [
            str(bin_dir / "initdb"),
            "-D",
            str(data_dir(settings)),
            "-U",
            SUPERUSER,
            "-E",
            "UTF8",
            "--locale=C",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
        ],
        "initdb",
    )
    conf = data_dir(settings) / "postgresql.conf"
    with conf.open("a") as fh:
        fh.write("\ninclude_if_exists = 'govroute.conf'\n")


def _write_server_conf(settings: Settings) -> None:
    path = data_dir(settings) / "govroute.conf"
    path.write_text(_server_conf(settings))
    if os.geteuid() == 0:
        owner = pwd.getpwnam(OS_USER)
        os.chown(path, owner.pw_uid, owner.pw_gid)


def postgres_pid(settings: Settings | None = None) -> int | None:
    """Pid of this stack's postmaster, if it is running."""
    settings = settings or load_settings()
    return running_pid(data_dir(settings) / "postmaster.pid", "postgres")


def psql(settings: Settings, sql: str, database: str = "postgres") -> str:
    """Run SQL as the superuser over the cluster's unix socket."""
    bin_dir = find_bin_dir() or Path("/usr/bin")
    cmd = [
        str(bin_dir / "psql"),
        "-X",
        "-q",
        "-v",
        "ON_ERROR_STOP=1",
        "-h",
        str(socket_dir(settings)),
        "-p",
        str(settings.pg_port),
        "-U",
        SUPERUSER,
        "-d",
        database,
        "-f",
        "-",
    ]
    return _run(cmd, "psql", stdin=sql)


def ensure_roles(settings: Settings) -> None:
    """Create the govroute role, database and read-only ops role (idempotent)."""
    psql(settings, ROLES_SQL)
    psql(settings, OPS_GRANTS_SQL, database=PG_DATABASE)


def start_postgres(settings: Settings | None = None, echo: Callable[[str], None] = print) -> int:
    """Start this stack's Postgres (keeping its data) unless it runs; return its pid."""
    settings = settings or load_settings()
    if settings.pg_external:
        raise InfraError("Postgres is external (GOVROUTE_PG_DSN); not starting one")
    pid = postgres_pid(settings)
    if pid is not None:
        return pid
    require_free_port(settings.pg_port, "Postgres", "GOVROUTE_PG_PORT")
    bin_dir = install_postgres(echo)
    _prepare_dirs(settings)
    _initdb(settings, bin_dir)
    _write_server_conf(settings)
    pg_ctl = [str(bin_dir / "pg_ctl"), "-D", str(data_dir(settings)), "-l", str(log_file(settings))]
    try:
        _run([*pg_ctl, "-w", "-t", str(START_TIMEOUT_S), "start"], "pg_ctl start")
    except InfraError as exc:
        raise InfraError(f"{exc}\nlog tail:\n{log_tail(log_file(settings))}") from exc
    ensure_roles(settings)
    pid = postgres_pid(settings)
    if pid is None:
        raise InfraError(f"Postgres did not stay up; log tail:\n{log_tail(log_file(settings))}")
    return pid


def stop_postgres(settings: Settings | None = None) -> bool:
    """Stop this stack's Postgres (fast shutdown); data is kept. True when it was running."""
    settings = settings or load_settings()
    if postgres_pid(settings) is None:
        return False
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise InfraError("Postgres runs but its binaries are gone; cannot run pg_ctl stop")
    pg_ctl = [str(bin_dir / "pg_ctl"), "-D", str(data_dir(settings))]
    _run([*pg_ctl, "-m", "fast", "-w", "-t", "60", "stop"], "pg_ctl stop")
    return True


def server_version(bin_dir: Path | None = None) -> str | None:
    bin_dir = bin_dir or find_bin_dir()
    if bin_dir is None:
        return None
    cmd = [str(bin_dir / "postgres"), "--version"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False).stdout
    match = re.search(r"\(PostgreSQL\) (\S+)", out)
    return match.group(1) if match else None


def remove_data(settings: Settings) -> None:
    if settings.pg_dir.exists():
        shutil.rmtree(settings.pg_dir)
