"""Postgres of the stack: migrations ran, the app role writes and reads, ops only reads."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest

from infra.errors import InfraError
from infra.migrate import applied_versions, discover, migrate
from infra.settings import Settings


async def test_migrations_are_applied(pg_dsn: str) -> None:
    assert await applied_versions(pg_dsn) == [m.version for m in discover()]
    conn = await asyncpg.connect(pg_dsn)
    try:
        assert await conn.fetchval("SELECT to_regnamespace('govroute') IS NOT NULL")
    finally:
        await conn.close()


async def test_app_role_writes_and_reads(pg_dsn: str, unique: str) -> None:
    table = f"govroute.infra_probe_{unique}"
    conn = await asyncpg.connect(pg_dsn)
    try:
        await conn.execute(f"CREATE TABLE {table} (id int PRIMARY KEY, body jsonb NOT NULL)")
        await conn.executemany(
            f"INSERT INTO {table} VALUES ($1, $2::jsonb)", [(1, '{"a": 1}'), (2, '{"b": 2}')]
        )
        rows = await conn.fetch(f"SELECT id, body->>'a' AS a FROM {table} ORDER BY id")
    finally:
        await conn.execute(f"DROP TABLE IF EXISTS {table}")
        await conn.close()
    assert [(r["id"], r["a"]) for r in rows] == [(1, "1"), (2, None)]


async def test_ops_role_is_read_only(stack: Settings) -> None:
    if stack.pg_external:
        pytest.fail("the read-only ops role exists only on the stack's own Postgres")
    conn = await asyncpg.connect(stack.pg_ops_dsn)
    try:
        assert await conn.fetchval("SELECT count(*) FROM public.schema_migrations") >= 1
        with pytest.raises(asyncpg.PostgresError):
            await conn.execute("CREATE TABLE govroute.ops_must_not_write (id int)")
    finally:
        await conn.close()


async def test_runner_is_ordered_idempotent_and_refuses_edits(
    pg_dsn: str, unique: str, tmp_path: Path
) -> None:
    schema = f"mig_{unique}"
    table = f"{schema}.schema_migrations"
    (tmp_path / "0002_seed.sql").write_text(f"INSERT INTO {schema}.items VALUES (1), (2);")
    (tmp_path / "0001_items.sql").write_text(f"CREATE TABLE {schema}.items (id int);")
    conn = await asyncpg.connect(pg_dsn)
    try:
        await conn.execute(f"CREATE SCHEMA {schema}")  # home of this test's migrations table
        first = await migrate(pg_dsn, tmp_path, table=table)
        second = await migrate(pg_dsn, tmp_path, table=table)
        assert first == ["0001_items.sql", "0002_seed.sql"]
        assert second == []
        assert await conn.fetchval(f"SELECT count(*) FROM {schema}.items") == 2

        (tmp_path / "0002_seed.sql").write_text(f"INSERT INTO {schema}.items VALUES (3);")
        with pytest.raises(InfraError, match=r"0002_seed\.sql was changed"):
            await migrate(pg_dsn, tmp_path, table=table)

        (tmp_path / "0002_seed.sql").write_text(f"INSERT INTO {schema}.items VALUES (1), (2);")
        (tmp_path / "0003_broken.sql").write_text(f"INSERT INTO {schema}.items VALUES (9); BOOM;")
        with pytest.raises(InfraError, match=r"0003_broken\.sql failed"):
            await migrate(pg_dsn, tmp_path, table=table)
        assert await conn.fetchval(f"SELECT count(*) FROM {schema}.items") == 2  # rolled back
        assert await applied_versions(pg_dsn, table=table) == [1, 2]
    finally:
        await conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        await conn.close()
