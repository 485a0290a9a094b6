"""`router office tail|report` and `OfficeClient` against the real local Kafka."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from aiokafka import AIOKafkaProducer
from cli_kafka_support import (
    create_private_topics,
    delete_private_topics,
    private_prefix,
    read_topic,
)

from cli.main import main
from clients.office import OfficeClient
from contracts.assignments import AssignmentMade
from contracts.envelope import stable_event_id
from contracts.events import AssignmentMadeEnvelope, FulfilmentRejectedEnvelope
from contracts.region import Region
from contracts.registry import new_envelope, parse_event, to_bytes
from contracts.topics import office_topic, topic_name
from infra.aio import run_sync
from infra.settings import Settings
from infra.topics import ensure_topic

CITIZEN = "0012345679"


@pytest.fixture(scope="module")
def prefix(stack: Settings) -> Iterator[str]:
    name = private_prefix()
    run_sync(create_private_topics(stack, name))
    yield name
    run_sync(delete_private_topics(stack.kafka_bootstrap, name))


@pytest.fixture
def env(prefix: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("GOVROUTE_TOPIC_PREFIX", prefix)
    return prefix


def assignment(office_id: str, request_id: str, at: datetime) -> AssignmentMade:
    return AssignmentMade(
        assignment_id=f"{request_id}:1", request_id=request_id, attempt=1, office_id=office_id,
        service_code="CIV-101", citizen_national_id=CITIZEN,
        region=Region(province="23", city="23-001"), channel="web", submitted_at=at,
        assigned_at=at, accept_by=at + timedelta(hours=1), policy_version="2024.1",
    )  # fmt: skip


async def make_assignments(
    bootstrap: str, prefix: str, office_id: str, *made: AssignmentMade
) -> None:
    topic = office_topic(office_id, prefix)
    await ensure_topic(topic, 1, {"cleanup.policy": "delete"}, bootstrap=bootstrap)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        for payload in made:
            envelope = new_envelope(payload, producer="router", occurred_at=payload.assigned_at)
            await producer.send_and_wait(
                topic, to_bytes(envelope), key=payload.request_id.encode(),
                timestamp_ms=int(payload.assigned_at.timestamp() * 1000),
            )  # fmt: skip
    finally:
        await producer.stop()


def test_tail_prints_an_assignment_made_for_the_office(
    env: str, kafka_bootstrap: str, unique: str, capsys: pytest.CaptureFixture[str]
) -> None:
    office_id = f"GEN-{int(unique[:5], 16) % 100000:05d}"
    at = datetime(2026, 11, 27, 6, 30, tzinfo=UTC)
    run_sync(
        make_assignments(
            kafka_bootstrap, env, office_id, assignment(office_id, f"REQ-T-{unique}", at)
        )
    )
    argv = [
        "office",
        "tail",
        "--office",
        office_id,
        "--from-beginning",
        "--max",
        "1",
        "--timeout",
        "20",
    ]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert f"REQ-T-{unique}" in out
    assert "ASSIGNED" in out
    assert "001****679" in out
    assert CITIZEN not in out
    assert "accept by 2026-11-27T07:30:00Z" in out
    assert main([*argv, "--json"]) == 0
    assert f'"request_id": "REQ-T-{unique}"' in capsys.readouterr().out


def test_tail_from_time_skips_earlier_assignments(
    env: str, kafka_bootstrap: str, unique: str, capsys: pytest.CaptureFixture[str]
) -> None:
    office_id = f"GEN-{int(unique[:5], 16) % 100000:05d}"
    early, late = datetime(2026, 11, 27, 5, 0, tzinfo=UTC), datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    made = [assignment(office_id, f"REQ-E-{unique}", early)]
    made.append(assignment(office_id, f"REQ-L-{unique}", late))
    run_sync(make_assignments(kafka_bootstrap, env, office_id, *made))
    argv = [
        "office",
        "tail",
        "--office",
        office_id,
        "--from-time",
        "2026-11-27T08:00:00Z",
        "--timeout",
        "3",
    ]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert f"REQ-L-{unique}" in out
    assert f"REQ-E-{unique}" not in out


def test_tail_of_an_office_without_a_topic_exits_one(
    env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["office", "tail", "--office", "GEN-99999", "--timeout", "1"]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_report_lands_a_valid_fulfilment_event(
    env: str, kafka_bootstrap: str, unique: str, capsys: pytest.CaptureFixture[str]
) -> None:
    request_id = f"REQ-R-{unique}"
    argv = [
        "office", "report", "--office", "GEN-00042", "--request", request_id,
        "--assignment", f"{request_id}:2", "--attempt", "2", "rejected",
        "--reason", "MISSING_DOCUMENTS", "--note", "no birth certificate",
    ]  # fmt: skip
    assert main(argv) == 0
    assert f"reported fulfilment.rejected for {request_id}" in capsys.readouterr().out
    records = run_sync(read_topic(kafka_bootstrap, topic_name("fulfilment", env), 1))
    ours = [r for r in records if r.key == request_id.encode()]
    assert len(ours) == 1
    event = parse_event(ours[0].value)
    assert isinstance(event, FulfilmentRejectedEnvelope)
    assert event.event_id == stable_event_id("fulfilment.rejected", f"{request_id}:2")
    assert event.payload.office_id == "GEN-00042"
    assert event.payload.attempt == 2
    assert event.payload.reason == "MISSING_DOCUMENTS"
    assert event.producer == "office-GEN-00042"


async def test_office_client_reads_its_assignments_and_commits_as_it_goes(
    stack: Settings, prefix: str, unique: str
) -> None:
    office_id = f"POL-{int(unique[:5], 16) % 100000:05d}"
    at = datetime(2026, 11, 27, 6, 30, tzinfo=UTC)
    made = [
        assignment(office_id, f"REQ-C{i}-{unique}", at + timedelta(minutes=i)) for i in range(3)
    ]
    await make_assignments(stack.kafka_bootstrap, prefix, office_id, *made)
    async with OfficeClient(stack.kafka_bootstrap, prefix, office_id=office_id) as office:
        seen = [e async for e in office.assignments(idle_timeout=3)]
        assert [e.payload.request_id for e in seen] == [m.request_id for m in made]
        assert all(isinstance(e, AssignmentMadeEnvelope) for e in seen)
        again = [e async for e in office.assignments(idle_timeout=2)]
        assert again == []  # committed: nothing new for the group
        first = seen[0].payload
        assert isinstance(first, AssignmentMade)
        event_id = await office.accept(first)
    records = await read_topic(stack.kafka_bootstrap, topic_name("fulfilment", prefix), 1)
    accepted = [parse_event(r.value) for r in records if r.key == first.request_id.encode()]
    assert [e.event_id for e in accepted] == [event_id]
    assert event_id == stable_event_id("fulfilment.accepted", first.assignment_id)
