"""`router publish` / `catalog load` / `licences load` against the real local Kafka."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_kafka_support import (
    create_private_topics,
    delete_private_topics,
    private_prefix,
    read_topic,
)

from cli.main import main
from contracts.envelope import stable_event_id
from contracts.events import RequestSubmittedEnvelope, ServiceDefinedEnvelope
from contracts.registry import parse_event
from contracts.topics import topic_name
from infra.aio import run_sync
from infra.settings import Settings
from sim.files import write_all
from sim.network import build_network
from sim.requests import daily_requests

REPO = Path(__file__).resolve().parents[2]


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


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sim")
    network = build_network(offices=40)
    requests = daily_requests(network, network.day_start, count=120, seed=11)
    write_all(out, network, requests, with_csv=True)
    return out


def test_publish_lands_every_request_on_the_requests_topic(
    env: str, kafka_bootstrap: str, sample_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["publish", str(sample_dir / "requests.jsonl"), "--producer", "intake-it"]) == 0
    assert "published 120, refused 0" in capsys.readouterr().out
    records = run_sync(read_topic(kafka_bootstrap, topic_name("requests", env), 120))
    assert len(records) == 120
    sent = [json.loads(line) for line in (sample_dir / "requests.jsonl").read_text().splitlines()]
    by_id = {r["request_id"]: r for r in sent}
    for record in records:
        event = parse_event(record.value)
        assert isinstance(event, RequestSubmittedEnvelope)
        request_id = event.payload.request_id
        assert record.key == request_id.encode()
        assert event.event_id == stable_event_id("request.submitted", request_id)
        assert event.producer == "intake-it"
        assert event.payload.citizen_national_id == by_id[request_id]["citizen_national_id"]


def test_publish_of_bad_rows_publishes_only_the_good_ones_and_exits_one(
    kafka_bootstrap: str, prefix: str, tmp_path: Path
) -> None:
    good = "REQ-IT-BAD-0001"
    rows = [
        "request_id,service_code,citizen_national_id,province,city,channel,preferred_office,submitted_at",
        f"{good},CIV-101,0012345679,23,23-001,web,,2026-11-27T06:30:00Z",
        "REQ-IT-BAD-0002,CIV-101,0012345678,23,23-001,web,,2026-11-27T06:30:00Z",
        "REQ-IT-BAD-0003,CIV-101,0012345679,23,24-001,web,,2026-11-27T06:30:00Z",
        "REQ-IT-BAD-0004,CIV101,0012345679,23,23-001,web,,2026-11-27T06:30:00Z",
    ]
    path = tmp_path / "requests.csv"
    path.write_text("\n".join(rows) + "\n")
    env = {**os.environ, "GOVROUTE_TOPIC_PREFIX": prefix}
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "publish", str(path), "--producer", "intake-bad"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "published 1, refused 3" in done.stdout
    assert "line 3: INVALID_NATIONAL_ID" in done.stderr
    assert "line 4: INVALID_REGION_CODE" in done.stderr
    assert "line 5: INVALID_SERVICE_CODE" in done.stderr
    assert "0012345678" not in done.stdout + done.stderr
    assert "001****678" in done.stderr
    records = run_sync(read_topic(kafka_bootstrap, topic_name("requests", prefix), 1))
    ours = [r for r in records if parse_event(r.value).producer == "intake-bad"]
    assert [r.key for r in ours] == [good.encode()]


def test_publish_a_usage_error_exits_two(env: str, tmp_path: Path) -> None:
    assert main(["publish", str(tmp_path / "missing.jsonl")]) == 2


def test_catalog_and_licences_load_publish_keyed_events(
    env: str, kafka_bootstrap: str, sample_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["catalog", "load", str(sample_dir / "catalog.jsonl")]) == 0
    assert main(["licences", "load", str(sample_dir / "licences.jsonl")]) == 0
    out = capsys.readouterr().out
    lines = (sample_dir / "licences.jsonl").read_text().splitlines()
    assert "published 40, refused 0" in out
    assert f"published {len(lines)}, refused 0" in out
    catalog = run_sync(read_topic(kafka_bootstrap, topic_name("catalog", env), 40))
    assert len(catalog) == 40
    for record in catalog:
        event = parse_event(record.value)
        assert isinstance(event, ServiceDefinedEnvelope)
        assert record.key == event.payload.service_code.encode()
    licences = run_sync(read_topic(kafka_bootstrap, topic_name("licences", env), len(lines)))
    # one partition: the file's order is the topic's order
    assert [json.loads(line)["event_id"] for line in lines] == [
        parse_event(r.value).event_id for r in licences
    ]
    assert all(r.key == parse_event(r.value).payload.office_id.encode() for r in licences)  # type: ignore[union-attr]
