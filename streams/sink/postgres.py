"""PostgresRecord: writes a batch of rows and the sink's offsets in one transaction."""

from __future__ import annotations

from typing import Any

import asyncpg

from .. import metrics
from .rows import Batch

SQL: dict[str, str] = {
    "history": """
        INSERT INTO govroute.request_history
            (event_id, request_id, seq, from_state, to_state, attempt, office_id, reason,
             cause_event_id, at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
        ON CONFLICT DO NOTHING""",
    "request": """
        INSERT INTO govroute.requests AS r
            (request_id, service_code, province, city, channel, citizen_masked, submitted_at,
             state, attempt, office_id, reason, seq, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
        ON CONFLICT (request_id) DO UPDATE SET
            service_code = COALESCE(r.service_code, EXCLUDED.service_code),
            province = COALESCE(r.province, EXCLUDED.province),
            city = COALESCE(r.city, EXCLUDED.city),
            channel = COALESCE(r.channel, EXCLUDED.channel),
            citizen_masked = COALESCE(r.citizen_masked, EXCLUDED.citizen_masked),
            submitted_at = COALESCE(r.submitted_at, EXCLUDED.submitted_at),
            state = EXCLUDED.state, attempt = EXCLUDED.attempt, office_id = EXCLUDED.office_id,
            reason = EXCLUDED.reason, seq = EXCLUDED.seq, updated_at = EXCLUDED.updated_at
        WHERE r.seq < EXCLUDED.seq""",
    "decision": """
        INSERT INTO govroute.decisions
            (event_id, request_id, attempt, outcome, assignment_id, office_id, office_kind,
             policy_version, inputs_digest, explanation, decided_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11)
        ON CONFLICT DO NOTHING""",
    "dead_letter": """
        INSERT INTO govroute.dead_letters
            (event_id, reason_code, message, source_topic, source_partition, source_offset,
             source_key, source_event_id, raw, raw_size, raw_sha256, at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
        ON CONFLICT DO NOTHING""",
    "licence_event": """
        INSERT INTO govroute.licence_events
            (event_id, office_id, event_type, payload, occurred_at, topic_offset)
        VALUES ($1, $2, $3, $4::jsonb, $5, $6)
        ON CONFLICT DO NOTHING""",
    "office_issued": """
        INSERT INTO govroute.offices AS o
            (office_id, licence_id, kind, agency, province, city, capacity, status,
             valid_from, valid_to, scope, last_event_id, last_offset, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', $8, $9, $10::jsonb, $11, $12, $13)
        ON CONFLICT (office_id) DO UPDATE SET
            licence_id = EXCLUDED.licence_id, kind = EXCLUDED.kind, agency = EXCLUDED.agency,
            province = EXCLUDED.province, city = EXCLUDED.city, capacity = EXCLUDED.capacity,
            status = 'active', valid_from = EXCLUDED.valid_from, valid_to = EXCLUDED.valid_to,
            scope = EXCLUDED.scope, last_event_id = EXCLUDED.last_event_id,
            last_offset = EXCLUDED.last_offset, updated_at = EXCLUDED.updated_at
        WHERE o.last_offset < EXCLUDED.last_offset""",
    "office_amended": """
        UPDATE govroute.offices SET
            licence_id = $2, province = $3, city = $4, capacity = $5, valid_from = $6,
            valid_to = $7, scope = $8::jsonb, last_event_id = $9, last_offset = $10,
            updated_at = $11
        WHERE office_id = $1 AND last_offset < $10""",
    "office_status": """
        UPDATE govroute.offices SET status = $2, last_event_id = $3, last_offset = $4,
            updated_at = $5
        WHERE office_id = $1 AND last_offset < $4""",
}

# Statements run in this order, so an office exists before its status changes.
ORDER = ("office_issued", "office_amended", "office_status", "licence_event", "decision",
         "history", "request", "dead_letter")

OFFSETS_SQL = """
    INSERT INTO govroute.sink_offsets (consumer, topic, partition, next_offset, updated_at)
    VALUES ($1, $2, $3, $4, now())
    ON CONFLICT (consumer, topic, partition) DO UPDATE
        SET next_offset = EXCLUDED.next_offset, updated_at = now()
        WHERE govroute.sink_offsets.next_offset < EXCLUDED.next_offset"""


class PostgresRecord:
    """The Postgres side of the sink. Connections are opened in `start`, never at import."""

    def __init__(self, dsn: str, consumer: str) -> None:
        self.dsn = dsn
        self.consumer = consumer
        self.pool: Any = None

    async def start(self) -> None:
        self.pool = await asyncpg.create_pool(
            self.dsn, min_size=1, max_size=2, timeout=10, command_timeout=60
        )

    async def stop(self) -> None:
        if self.pool is not None:
            await self.pool.close()
            self.pool = None

    async def offsets(self, topics: list[str]) -> dict[tuple[str, int], int]:
        if self.pool is None:
            raise ConnectionError("no connection pool: Postgres was unreachable")
        rows = await self.pool.fetch(
            "SELECT topic, partition, next_offset FROM govroute.sink_offsets "
            "WHERE consumer = $1 AND topic = ANY($2::text[])", self.consumer, topics,
        )
        return {(r["topic"], r["partition"]): r["next_offset"] for r in rows}

    async def write(self, batch: Batch) -> None:
        if self.pool is None:
            raise ConnectionError("no connection pool: Postgres was unreachable")
        async with self.pool.acquire(timeout=10) as conn, conn.transaction():
            for name in ORDER:
                rows = batch.rows.get(name)
                if rows:
                    await conn.executemany(SQL[name], rows)
                    metrics.SINK_ROWS.labels(table=name).inc(len(rows))
            await conn.executemany(OFFSETS_SQL, [
                (self.consumer, topic, partition, offset)
                for (topic, partition), offset in batch.offsets.items()
            ])
