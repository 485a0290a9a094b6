"""`router office` and the read-side renderers without Kafka or Postgres."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from cli.main import main
from cli.office import event_json, format_event
from cli.offices import render as render_offices
from cli.status import render as render_status
from clients.office import AssignmentRef, fulfilment_envelope, report_event_id
from clients.records import licence_state
from contracts.errors import ContractError
from contracts.events import AssignmentMadeEnvelope, AssignmentWithdrawnEnvelope
from contracts.examples import example_envelope
from contracts.fulfilment import FulfilmentAwaitingInquiry, FulfilmentRejected

REF = AssignmentRef("REQ-2024-000123", "REQ-2024-000123:1", 1)


def test_an_assignment_prints_readably_with_the_citizen_masked() -> None:
    made = AssignmentMadeEnvelope.model_validate(example_envelope("assignment.made"))
    line = format_event(made)
    assert "REQ-2024-000123" in line
    assert "CIV-101" in line
    assert "001****679" in line
    assert "0012345679" not in line
    assert "accept by 2024-05-01T09:30:01Z" in line
    assert "attempt 1" in line


def test_an_assignment_as_json_masks_the_citizen() -> None:
    made = AssignmentMadeEnvelope.model_validate(example_envelope("assignment.made"))
    document = json.loads(event_json(made))
    assert document["payload"]["citizen_national_id"] == "001****679"
    assert document["payload"]["request_id"] == "REQ-2024-000123"


def test_a_withdrawal_prints_its_reason() -> None:
    withdrawn = AssignmentWithdrawnEnvelope.model_validate(example_envelope("assignment.withdrawn"))
    assert "WITHDRAWN  REQ-2024-000123  reason acceptance_timeout" in format_event(withdrawn)


def test_a_report_id_is_derived_from_type_and_assignment() -> None:
    first = fulfilment_envelope(FulfilmentRejected, "GEN-00042", REF, reason="NO_STAFF", note="")
    again = fulfilment_envelope(FulfilmentRejected, "GEN-00042", REF, reason="NO_STAFF", note="x")
    assert (
        first.event_id
        == again.event_id
        == report_event_id("fulfilment.rejected", REF.assignment_id)
    )
    assert first.producer == "office-GEN-00042"


def test_a_report_with_a_bad_reason_code_is_refused() -> None:
    with pytest.raises(ContractError) as caught:
        fulfilment_envelope(FulfilmentRejected, "GEN-00042", REF, reason="no staff", note="")
    assert caught.value.reason == "INVALID_VALUE"


def test_a_report_of_no_inquiries_is_refused() -> None:
    with pytest.raises(ContractError):
        fulfilment_envelope(FulfilmentAwaitingInquiry, "GEN-00042", REF, inquiries=[])


BASE = ["office", "report", "--office", "GEN-00042", "--request", "REQ-2024-000123",
        "--assignment", "REQ-2024-000123:1", "--attempt", "1"]  # fmt: skip


@pytest.mark.parametrize(
    ("action", "missing"),
    [("rejected", "--reason"), ("awaiting-inquiry", "--inquiries"), ("fulfilled", "--reference")],
)
def test_a_report_without_its_required_detail_is_a_usage_error(
    action: str, missing: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*BASE, action]) == 2
    assert missing in capsys.readouterr().err


def test_a_report_refused_by_the_contract_exits_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*BASE, "rejected", "--reason", "not a code"]) == 1
    assert "refused: INVALID_VALUE" in capsys.readouterr().err


def test_an_unknown_action_or_attempt_zero_is_a_usage_error() -> None:
    for argv in ([*BASE, "teleported"], [*BASE[:-1], "0", "accepted"]):
        with pytest.raises(SystemExit) as caught:
            main(argv)
        assert caught.value.code == 2


def test_tail_refuses_a_from_time_without_timezone() -> None:
    with pytest.raises(SystemExit) as caught:
        main(["office", "tail", "--office", "GEN-00042", "--from-time", "2026-11-27T08:00:00"])
    assert caught.value.code == 2


def test_licence_state_reads_validity_against_now() -> None:
    start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
    assert licence_state("active", start, end, datetime(2026, 6, 1, tzinfo=UTC)) == "active"
    assert licence_state("active", start, end, datetime(2025, 6, 1, tzinfo=UTC)) == "not-yet-valid"
    assert licence_state("active", start, end, end) == "expired"
    assert licence_state("suspended", start, end, datetime(2026, 6, 1, tzinfo=UTC)) == "suspended"


def test_the_status_report_shows_state_history_and_decisions() -> None:
    record = {
        "request": {
            "state": "assigned", "attempt": 1, "office_id": "GEN-00042", "reason": None,
            "service_code": "CIV-101", "city": "23-001", "channel": "web",
            "citizen_masked": "001****679", "submitted_at": "2026-11-27T06:30:00Z",
            "updated_at": "2026-11-27T06:30:01Z",
        },
        "history": [
            {"seq": 1, "from_state": None, "to_state": "received", "attempt": 0,
             "office_id": None, "reason": None, "at": "2026-11-27T06:30:00Z"},
            {"seq": 2, "from_state": "received", "to_state": "assigned", "attempt": 1,
             "office_id": "GEN-00042", "reason": None, "at": "2026-11-27T06:30:01Z"},
        ],
        "decisions": [
            {"attempt": 1, "outcome": "assigned", "office_id": "GEN-00042",
             "office_kind": "general", "policy_version": "2024.1",
             "decided_at": "2026-11-27T06:30:01Z",
             "explanation": {"candidates": [{}, {}], "exclusions": [{}],
                             "preferred": {"office_id": "GEN-00051", "honoured": False,
                                           "reason": "CAPACITY_EXHAUSTED"}}},
        ],
    }  # fmt: skip
    text = render_status("REQ-2024-000123", record)
    assert "state:     assigned  (attempt 1, office GEN-00042)" in text
    assert "(new) -> received" in text
    assert "received -> assigned  attempt 1  office GEN-00042" in text
    assert "candidates 2  excluded 1" in text
    assert "preferred GEN-00051 not honoured: CAPACITY_EXHAUSTED" in text


def test_the_office_table_totals_load_and_today() -> None:
    rows: list[dict[str, Any]] = [
        {"office_id": "GEN-00001", "kind": "general", "agency": None, "city": "23-001",
         "licence": "active", "capacity": 10, "open_load": 3, "assigned_today": 7},
        {"office_id": "TAX-00002", "kind": "agency", "agency": "tax-affairs", "city": "23-002",
         "licence": "suspended", "capacity": 5, "open_load": 1, "assigned_today": 2},
    ]  # fmt: skip
    text = render_offices(rows)
    assert "TAX-00002" in text
    assert "suspended" in text
    assert text.splitlines()[-1] == "2 office(s); open load 4; assigned today 9"
