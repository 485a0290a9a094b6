"""Ops tools on the real stack: dispute, replay (and what-if), fairness.

One private deployment (topics, database, worker) is set up per module with the
disputes built in, then every CLI is run in-process against it:

* REQ-FILL-00001 prefers GEN-00009 (capacity 1) and fills it;
* GEN-00007 is revoked, then REQ-DISP-00001 arrives, preferring GEN-00005, whose
  licence lists only another service: GEN-00009 is excluded at capacity, GEN-00007 is
  not even considered (revoked licences are not indexed), the preference is refused;
* ten more requests are shared between a general and an agency office that are both
  eligible, which the agency-first what-if policy would route differently.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from scenario_builders import DAY, licence, request, service
from streams_harness import Harness

from cli.main import main
from contracts.licences import LicenceRevoked
from infra.settings import Settings

T1 = DAY + timedelta(minutes=1)
MORE = [f"REQ-MORE-{i:05d}" for i in range(10)]


@pytest.fixture(scope="module")
async def deployed(stack: Settings, tmp_path_factory: pytest.TempPathFactory
                   ) -> AsyncIterator[Harness]:
    # The conftest `harness` fixture, made module-wide so the scenario is built once.
    h = Harness(stack, tmp_path_factory.mktemp("ops"))
    await h.start()
    try:
        await h.publish("catalog", service("CIV-101", "civil-registry", delegated=True), at=DAY)
        await h.publish("catalog", service("CIV-102", "civil-registry", delegated=True), at=DAY)
        await h.publish("licences", licence("GEN-00001", capacity=50), at=DAY)
        await h.publish("licences", licence("AGC-00001", kind="agency", agency="civil-registry",
                                            capacity=50), at=DAY)
        await h.publish("licences", licence("GEN-00009", capacity=1), at=DAY)
        await h.publish("licences", licence("GEN-00007", capacity=50), at=DAY)
        await h.publish("licences", licence("GEN-00005", capacity=50, services=("CIV-102",),
                                            all_delegated=False), at=DAY)
        worker = h.start_worker()
        await h.wait_ready(worker)
        await h.publish("requests", request("REQ-FILL-00001", preferred="GEN-00009"), at=T1)
        await h.read(h.topic("decisions"), until=lambda e: len(e) >= 1)
        await h.publish("licences", LicenceRevoked(office_id="GEN-00007", reason="fraud"), at=T1)
        await h.wait_sql("SELECT status FROM govroute.offices WHERE office_id = $1",
                         lambda r: bool(r) and r[0]["status"] == "revoked", "GEN-00007")
        await h.publish("requests", request("REQ-DISP-00001", preferred="GEN-00005",
                                            at=T1 + timedelta(minutes=1)), at=T1)
        await h.read(h.topic("decisions"), until=lambda e: len(e) >= 2)
        for rid in MORE:
            await h.publish("requests", request(rid, at=T1 + timedelta(minutes=2)), at=T1)
        await h.read(h.topic("decisions"), until=lambda e: len(e) >= 12)
        await h.wait_sql("SELECT 1 FROM govroute.decisions", lambda r: len(r) >= 12)
        await h.wait_sql("SELECT 1 FROM govroute.request_history", lambda r: len(r) >= 24)
        yield h
    finally:
        await h.close()


@pytest.fixture
def env(deployed: Harness, monkeypatch: pytest.MonkeyPatch) -> Harness:
    monkeypatch.setenv("GOVROUTE_TOPIC_PREFIX", deployed.prefix)
    monkeypatch.setenv("GOVROUTE_PG_DSN", deployed.dsn)
    monkeypatch.setenv("GOVROUTE_KAFKA_BOOTSTRAP", deployed.bootstrap)
    return deployed


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:  # type: ignore[type-arg]
    capsys.readouterr()
    code = main([*argv, "--json"])
    out = capsys.readouterr().out
    assert code == 0, out
    return dict(json.loads(out))


def findings_for(data: dict, office: str) -> list[dict]:  # type: ignore[type-arg]
    assert data["office_id"] == office
    return list(data["office_findings"])


async def test_dispute_explains_a_revoked_licence_by_replaying_the_registry(
    env: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    data = run_json(capsys, "dispute", "REQ-DISP-00001", "--office", "GEN-00007")
    [finding] = findings_for(data, "GEN-00007")
    assert finding["reason"] == "LICENCE_REVOKED"
    assert finding["source"] == "replayed"
    assert "fraud" in finding["detail"]
    assert finding["licence_then"]["status"] == "revoked"
    # The replay reproduced the recorded decision exactly (same inputs digest).
    assert [r["reproduced"] for r in data["replay"]] == [True]
    kinds = [item["kind"] for item in data["timeline"]]
    assert kinds[0] == "event"
    assert "decision" in kinds
    assert "state" in kinds
    assert data["events"][0]["event_type"] == "request.submitted"


async def test_dispute_explains_capacity_and_the_refused_preference(
    env: Harness, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    [full] = findings_for(run_json(capsys, "dispute", "REQ-DISP-00001", "--office", "GEN-00009"),
                          "GEN-00009")
    assert (full["verdict"], full["reason"], full["source"]) == (
        "EXCLUDED", "CAPACITY_EXHAUSTED", "recorded")
    assert "load 1 has reached capacity 1" in full["detail"]
    [pref] = findings_for(run_json(capsys, "dispute", "REQ-DISP-00001", "--office", "GEN-00005"),
                          "GEN-00005")
    assert (pref["verdict"], pref["reason"]) == ("PREFERRED_NOT_HONOURED", "SERVICE_NOT_IN_SCOPE")
    # Text and HTML say the same.
    capsys.readouterr()
    assert main(["dispute", "REQ-DISP-00001", "--office", "GEN-00005"]) == 0
    text = capsys.readouterr().out
    assert "NOT honoured: SERVICE_NOT_IN_SCOPE" in text
    assert "GEN-00009: CAPACITY_EXHAUSTED" in text
    page = tmp_path / "dispute.html"
    assert main(["dispute", "REQ-DISP-00001", "--office", "GEN-00007", "--html", str(page)]) == 0
    html = page.read_text()
    assert html.startswith("<!doctype html>")
    assert "LICENCE_REVOKED" in html
    assert "<script" not in html
    assert "http" not in html


async def test_dispute_of_an_unknown_request_fails(env: Harness) -> None:
    assert main(["dispute", "REQ-NOPE-00001"]) == 1


async def test_replay_with_the_recorded_policy_reproduces_every_decision(
    env: Harness, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "findings.jsonl"
    data = run_json(capsys, "replay", "--out", str(out), "--quiet")
    counts = data["counts"]
    assert counts["compared"] == counts["recorded_decisions"] == 12
    assert (counts["matched"], counts["divergent"], counts["causes"]) == (12, 0, {})
    assert out.read_text() == ""
    # Resuming a finished run compares nothing new and keeps the counts.
    again = run_json(capsys, "replay", "--out", str(out), "--resume", "--quiet")
    assert again["counts"]["compared"] == 12
    assert again["counts"]["divergent"] == 0
    # Restricting the comparison: only one request is compared (state is still rebuilt).
    one = run_json(capsys, "replay", "--requests", "REQ-DISP-00001", "--quiet")
    assert (one["counts"]["compared"], one["counts"]["matched"]) == (1, 1)


async def test_replay_with_a_changed_policy_is_a_what_if(
    env: Harness, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "what-if.jsonl"
    data = run_json(capsys, "replay", "--policy", "2026.11-agency-first", "--out", str(out),
                    "--quiet")
    assert data["what_if"] is True
    counts = data["counts"]
    assert set(counts["causes"]) == {"POLICY_VERSION_CHANGED"}
    assert counts["changed_assignments"] > 0
    kinds = {r["kind"]: r for r in data["distribution"]["by_office_kind"]}
    assert kinds["agency"]["shift"] > 0
    assert kinds["general"]["shift"] < 0
    assert kinds["agency"]["replayed"] >= 10  # agency first: the shared requests all go there
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(lines) == counts["divergent"]
    assert all(line["cause"] == "POLICY_VERSION_CHANGED" for line in lines)
    capsys.readouterr()
    assert main(["replay", "--policy", "2026.11-agency-first", "--quiet"]) == 0
    assert "what-if" in capsys.readouterr().out


async def test_fairness_reports_shares_and_the_agency_split(
    env: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    data = run_json(capsys, "fairness")
    assert data["assigned"] == 12
    offices = {o["office_id"]: o for o in data["offices"]}
    assert offices["GEN-00001"]["assigned"] + offices["AGC-00001"]["assigned"] == 11
    assert data["skipped"] == []
    agency = data["agency_services"]
    assert agency["decisions"] == 12
    assert agency["to_agency"] + agency["to_general"] == 12
    assert data["by_agency"]["civil-registry"]["decisions"] == 12
