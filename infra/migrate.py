"""Ordered, idempotent SQL migrations: ``infra/migrations/NNNN_name.sql``.

Each file not yet applied runs in its own transaction together with its row in
``schema_migrations(version, name, checksum, applied_at)``. Files are applied in
version order; an advisory lock keeps two runners from racing. An applied file whose
content changed since is an error: write a new migration instead.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from infra.errors import InfraError
from infra.settings import MIGRATIONS_DIR

FILE_PATTERN = re.compile(r"^(\d{4})_([A-Za-z0-9_]+)\.sql$")
TABLE_PATTERN = re.compile(r"^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$")
LOCK_KEY = 0x60F_20_07E  # arbitrary, constant: pg_advisory_lock key of the runner

DEFAULT_TABLE = "public.schema_migrations"
CREATE_TABLE = """
CREATE TABLE IF NOT EXISTS {table} (
    version    integer PRIMARY KEY,
    name       text        NOT NULL,
    checksum   text        NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)
"""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path
    sql: str
    checksum: str

    @property
    def label(self) -> str:
        return self.path.name


def discover(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """The migration files in version order; unknown names and duplicates are errors."""
    found: dict[int, Migration] = {}
    for path in sorted(directory.glob("*.sql")):
        match = FILE_PATTERN.match(path.name)
        if match is None:
            raise InfraError(f"migration file {path.name} is not named NNNN_name.sql")
        version = int(match.group(1))
        if version in found:
            raise InfraError(
                f"two migrations share version {version:04d}: "
                f"{found[version].label} and {path.name}"
            )
        raw = path.read_bytes()
        found[version] = Migration(
            version, match.group(2), path, raw.decode(), hashlib.sha256(raw).hexdigest()
        )
    return [found[v] for v in sorted(found)]


def _check_unchanged(migrations: list[Migration], applied: dict[int, str]) -> None:
    for migration in migrations:
        recorded = applied.get(migration.version)
        if recorded is not None and recorded != migration.checksum:
            raise InfraError(
                f"migration {migration.label} was changed after it was applied "
                f"(recorded sha256 {recorded[:12]}..., file now {migration.checksum[:12]}...); "
                "never edit an applied migration, add a new one"
            )


def _checked_table(table: str) -> str:
    if not TABLE_PATTERN.match(table):
        raise InfraError(f"migrations table must be a plain schema.table name, got {table!r}")
    return table


async def _apply(conn: asyncpg.Connection, migration: Migration, table: str) -> None:
    async with conn.transaction():
        await conn.execute(migration.sql)
        await conn.execute(
            f"INSERT INTO {table} (version, name, checksum) VALUES ($1, $2, $3)",
            migration.version,
            migration.name,
            migration.checksum,
        )


async def _apply_pending(
    conn: asyncpg.Connection, migrations: list[Migration], table: str
) -> list[str]:
    await conn.execute(CREATE_TABLE.format(table=table))
    rows = await conn.fetch(f"SELECT version, checksum FROM {table}")
    applied = {row["version"]: row["checksum"] for row in rows}
    _check_unchanged(migrations, applied)
    pending = [m for m in migrations if m.version not in applied]
    for migration in pending:
        try:
            await _apply(conn, migration, table)
        except asyncpg.PostgresError as exc:
            raise InfraError(f"migration {migration.label} failed: {exc}") from exc
    return [m.label for m in pending]


async def migrate(
    dsn: str, directory: Path = MIGRATIONS_DIR, table: str = DEFAULT_TABLE
) -> list[str]:
    """Apply the pending migrations; return the file names applied now (empty: up to date)."""
    table = _checked_table(table)
    migrations = discover(directory)
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("SELECT pg_advisory_lock($1)", LOCK_KEY)
        try:
            return await _apply_pending(conn, migrations, table)
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", LOCK_KEY)
    finally:
        await conn.close()


async def applied_versions(dsn: str, table: str = DEFAULT_TABLE) -> list[int]:
    """Versions recorded in the migrations table (empty when it does not exist)."""
    table = _checked_table(table)
    conn = await asyncpg.connect(dsn)
    try:
        if not await conn.fetchval("SELECT to_regclass($1) IS NOT NULL", table):
            return []
        rows = await conn.fetch(f"SELECT version FROM {table} ORDER BY version")
        return [row["version"] for row in rows]
    finally:
        await conn.close()
