"""`router status` and `router offices` against rows written to the real local Postgres.

Every row here carries ids private to the test (a random province code too), and is
deleted afterwards.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from cli.main import main
from infra.aio import run_sync

NOW = datetime.now(UTC)


@dataclass(frozen=True)
class Seeded:
    province: str
    offices: tuple[str, str, str]
    request_id: str


async def _seed(dsn: str, seeded: Seeded) -> None:
    general, agency, suspended = seeded.offices
    p, rid = seeded.province, seeded.request_id
    conn = await asyncpg.connect(dsn)
    try:
        async with conn.transaction():
            for office_id, kind, agency_code, status, capacity in (
                (general, "general", None, "active", 10),
                (agency, "agency", "tax-affairs", "active", 4),
                (suspended, "general", None, "suspended", 7),
            ):
                await conn.execute(
                    "INSERT INTO govroute.offices (office_id, licence_id, kind, agency, province,"
                    " city, capacity, status, valid_from, valid_to, scope, last_event_id,"
                    " last_offset, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
                    " $11, $12, 0, $13)",
                    office_id, f"LIC-{office_id}", kind, agency_code, p, f"{p}-001", capacity,
                    status, NOW - timedelta(days=30), NOW + timedelta(days=30),
                    json.dumps({"services": [], "all_delegated": True, "branches": []}),
                    uuid.uuid4(), NOW,
                )  # fmt: skip
            open_rows = [
                (f"{rid}-o{i}", general, "accepted" if i else "assigned") for i in range(2)
            ]
            open_rows += [
                (f"{rid}-f", general, "fulfilled"),
                (f"{rid}-a", agency, "awaiting_inquiry"),
            ]
            open_rows += [(rid, general, "assigned")]
            for request_id, office_id, state in open_rows:
                await conn.execute(
                    "INSERT INTO govroute.requests (request_id, service_code, province, city,"
                    " channel, citizen_masked, submitted_at, state, attempt, office_id, seq,"
                    " updated_at) VALUES ($1, 'CIV-101', $2, $3, 'web', '001****679', $4, $5, 1,"
                    " $6, 2, $4)",
                    request_id, p, f"{p}-001", NOW - timedelta(minutes=5), state, office_id,
                )  # fmt: skip
            for seq, from_state, to_state, attempt, office in (
                (1, None, "received", 0, None), (2, "received", "assigned", 1, general),
            ):  # fmt: skip
                await conn.execute(
                    "INSERT INTO govroute.request_history (event_id, request_id, seq, from_state,"
                    " to_state, attempt, office_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    uuid.uuid4(), rid, seq, from_state, to_state, attempt, office,
                    NOW - timedelta(minutes=5 - seq),
                )  # fmt: skip
            explanation = {
                "candidates": [{"office_id": general}, {"office_id": agency}],
                "exclusions": [{"office_id": suspended, "reason": "LICENCE_SUSPENDED"}],
                "preferred": {
                    "office_id": agency,
                    "honoured": False,
                    "reason": "CAPACITY_EXHAUSTED",
                },
                "widening_would_help": None,
            }
            for n, (request_id, office_id) in enumerate(
                [
                    (rid, general),
                    (f"{rid}-o0", general),
                    (f"{rid}-o1", general),
                    (f"{rid}-a", agency),
                ]
            ):
                await conn.execute(
                    "INSERT INTO govroute.decisions (event_id, request_id, attempt, outcome,"
                    " assignment_id, office_id, office_kind, policy_version, inputs_digest,"
                    " explanation, decided_at) VALUES ($1, $2, 1, 'assigned', $3, $4, $5,"
                    " '2024.1', $6, $7, $8)",
                    uuid.uuid4(), request_id, f"{request_id}:1", office_id,
                    "agency" if office_id == agency else "general", "ab" * 32,
                    json.dumps(explanation), NOW - timedelta(seconds=n),
                )  # fmt: skip
    finally:
        await conn.close()


async def _clean(dsn: str, seeded: Seeded) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        pattern = f"{seeded.request_id}%"
        await conn.execute("DELETE FROM govroute.decisions WHERE request_id LIKE $1", pattern)
        await conn.execute("DELETE FROM govroute.request_history WHERE request_id LIKE $1", pattern)
        await conn.execute("DELETE FROM govroute.requests WHERE request_id LIKE $1", pattern)
        await conn.execute(
            "DELETE FROM govroute.offices WHERE office_id = ANY($1)", list(seeded.offices)
        )
    finally:
        await conn.close()


@pytest.fixture
def seeded(pg_dsn: str, unique: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Seeded]:
    monkeypatch.setenv("GOVROUTE_PG_DSN", pg_dsn)
    tag = int(unique[:6], 16) % 1000000
    data = Seeded(
        province=f"Z{unique[:5]}",
        offices=(f"GEN-{tag:06d}", f"TAX-{tag:06d}", f"GEN-{(tag + 1) % 1000000:06d}"),
        request_id=f"REQ-IT-{unique}",
    )
    run_sync(_seed(pg_dsn, data))
    yield data
    run_sync(_clean(pg_dsn, data))


def test_status_shows_the_current_state_history_and_decision(
    seeded: Seeded, capsys: pytest.CaptureFixture[str]
) -> None:
    general = seeded.offices[0]
    assert main(["status", seeded.request_id]) == 0
    out = capsys.readouterr().out
    assert f"request {seeded.request_id}" in out
    assert f"state:     assigned  (attempt 1, office {general})" in out
    assert "citizen 001****679" in out
    assert "(new) -> received" in out
    assert f"received -> assigned  attempt 1  office {general}" in out
    assert f"assigned  {general} (general)  candidates 2  excluded 1  policy 2024.1" in out
    assert f"preferred {seeded.offices[1]} not honoured: CAPACITY_EXHAUSTED" in out


def test_status_as_json_carries_every_row(
    seeded: Seeded, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["status", seeded.request_id, "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["request"]["state"] == "assigned"
    assert [h["to_state"] for h in record["history"]] == ["received", "assigned"]
    (decision,) = record["decisions"]
    assert decision["assignment_id"] == f"{seeded.request_id}:1"
    assert decision["explanation"]["exclusions"][0]["reason"] == "LICENCE_SUSPENDED"
    uuid.UUID(decision["event_id"])


def test_status_of_an_unknown_request_exits_one(
    pg_dsn: str, unique: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GOVROUTE_PG_DSN", pg_dsn)
    assert main(["status", f"REQ-NONE-{unique}"]) == 1
    assert f"unknown request: REQ-NONE-{unique}" in capsys.readouterr().err


def test_offices_lists_licence_status_capacity_open_load_and_today(
    seeded: Seeded, capsys: pytest.CaptureFixture[str]
) -> None:
    general, agency, suspended = seeded.offices
    assert main(["offices", "--province", seeded.province, "--json"]) == 0
    rows = {r["office_id"]: r for r in json.loads(capsys.readouterr().out)}
    assert set(rows) == {general, agency, suspended}
    assert (rows[general]["licence"], rows[general]["capacity"]) == ("active", 10)
    assert rows[general]["open_load"] == 3  # assigned, accepted, assigned; fulfilled is closed
    assert rows[general]["assigned_today"] == 3
    assert (rows[agency]["open_load"], rows[agency]["assigned_today"]) == (1, 1)
    assert rows[agency]["agency"] == "tax-affairs"
    assert (rows[suspended]["licence"], rows[suspended]["open_load"]) == ("suspended", 0)


def test_offices_filters_by_kind_and_prints_a_table(
    seeded: Seeded, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["offices", "--province", seeded.province, "--kind", "agency"]) == 0
    out = capsys.readouterr().out
    assert seeded.offices[1] in out
    assert seeded.offices[0] not in out
    assert out.splitlines()[-1] == "1 office(s); open load 1; assigned today 1"


def test_offices_counts_only_the_given_day(
    seeded: Seeded, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["offices", "--province", seeded.province, "--day", "2000-01-01", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["assigned_today"] for r in rows] == [0, 0, 0]
