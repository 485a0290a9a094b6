"""`router publish` / `catalog load` / `licences load` without Kafka: parsing, validation,
reporting (national ids masked) and exit codes, through `--dry-run` and the batch readers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cli.main import build_parser, main
from clients.batch import (
    CSV_COLUMNS,
    LICENCES,
    REQUESTS,
    Accepted,
    InputFileError,
    Refused,
    read_jsonl,
    read_requests_csv,
)
from clients.intake import build_request, submitted_event_id
from contracts.envelope import stable_event_id
from contracts.errors import ContractError
from contracts.examples import example_envelope

GOOD_ID = "0012345679"
BAD_ID = "0012345678"
HEADER = ",".join(CSV_COLUMNS)


def request(**changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "request_id": "REQ-UNIT-000001",
        "service_code": "CIV-101",
        "citizen_national_id": GOOD_ID,
        "region": {"province": "23", "city": "23-001"},
        "channel": "web",
        "preferred_office": None,
        "submitted_at": "2026-11-27T06:30:00Z",
    }
    payload.update(changes)
    return payload


def jsonl(*documents: Any) -> list[bytes]:
    return [d if isinstance(d, bytes) else json.dumps(d).encode() for d in documents]


def reasons(rows: list[Accepted | Refused]) -> list[str]:
    return [r.reason.value if isinstance(r, Refused) else "OK" for r in rows]


def test_a_valid_payload_line_becomes_a_keyed_envelope_with_a_stable_id() -> None:
    (row,) = list(read_jsonl(jsonl(request()), REQUESTS, "intake-test"))
    assert isinstance(row, Accepted)
    assert row.key == "REQ-UNIT-000001"
    assert row.envelope.event_id == stable_event_id("request.submitted", "REQ-UNIT-000001")
    assert row.envelope.producer == "intake-test"
    assert row.envelope.occurred_at == row.envelope.payload.submitted_at


def test_a_full_envelope_line_is_kept_as_it_is() -> None:
    envelope = example_envelope("request.submitted")
    (row,) = list(read_jsonl(jsonl(envelope), REQUESTS, "ignored"))
    assert isinstance(row, Accepted)
    assert row.envelope.event_id == envelope["event_id"]
    assert row.envelope.producer == envelope["producer"]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b"{not json", "MALFORMED_JSON"),
        (b"[1, 2]", "NOT_AN_OBJECT"),
        (request(citizen_national_id=BAD_ID), "INVALID_NATIONAL_ID"),
        (request(service_code="civ-101"), "INVALID_SERVICE_CODE"),
        (request(region={"province": "23", "city": "24-001"}), "INVALID_REGION_CODE"),
        (request(preferred_office="office-1"), "INVALID_OFFICE_ID"),
        (request(submitted_at="2026-11-27T06:30:00"), "TIMESTAMP_WITHOUT_TIMEZONE"),
        (request(channel="fax"), "INVALID_VALUE"),
        (request(extra=1), "UNKNOWN_FIELD"),
        ({k: v for k, v in request().items() if k != "service_code"}, "MISSING_FIELD"),
        (request(event_type="licence.revoked"), "UNEXPECTED_EVENT_TYPE"),
        (request(event_type="request.teleported"), "UNKNOWN_EVENT_TYPE"),
        (
            {**example_envelope("request.submitted"), "schema_version": 2},
            "UNSUPPORTED_SCHEMA_VERSION",
        ),
    ],
)
def test_a_bad_line_is_refused_with_its_reason_code(line: Any, reason: str) -> None:
    (row,) = list(read_jsonl(jsonl(line), REQUESTS, "intake-test"))
    assert isinstance(row, Refused)
    assert row.reason == reason
    assert row.line == 1


def test_line_numbers_count_blank_lines_and_good_rows_survive_bad_ones() -> None:
    lines = jsonl(request(), b"", b"oops", request(request_id="REQ-UNIT-000002"))
    rows = list(read_jsonl(lines, REQUESTS, "t"))
    assert reasons(rows) == ["OK", "MALFORMED_JSON", "OK"]
    assert [r.line for r in rows] == [1, 3, 4]


def test_a_request_id_submitted_twice_is_refused_the_second_time() -> None:
    lines = jsonl(request(), request(), request(channel="app"))
    assert reasons(list(read_jsonl(lines, REQUESTS, "t"))) == [
        "OK",
        "DUPLICATE_EVENT",
        "DUPLICATE_EVENT",
    ]


def test_a_refused_national_id_is_reported_masked() -> None:
    (row,) = list(read_jsonl(jsonl(request(citizen_national_id=BAD_ID)), REQUESTS, "t"))
    assert isinstance(row, Refused)
    text = row.describe()
    assert "001****678" in text
    assert BAD_ID not in text
    assert text.startswith("line 1: INVALID_NATIONAL_ID")


def test_a_malformed_national_id_of_nine_digits_is_masked_too() -> None:
    (row,) = list(read_jsonl(jsonl(request(citizen_national_id="001234567")), REQUESTS, "t"))
    assert isinstance(row, Refused)
    assert "001234567" not in row.describe()


def test_csv_rows_become_requests_with_an_empty_preferred_office_as_null() -> None:
    lines = [HEADER, f"REQ-CSV-0000001,CIV-101,{GOOD_ID},23,23-001,web,,2026-11-27T06:30:00Z"]
    (row,) = list(read_requests_csv(lines, "t"))
    assert isinstance(row, Accepted)
    assert row.envelope.payload.preferred_office is None
    assert row.envelope.payload.region.city == "23-001"


def test_csv_bad_rows_are_refused_with_their_physical_line_numbers() -> None:
    lines = [
        HEADER,
        f"REQ-CSV-0000001,CIV-101,{BAD_ID},23,23-001,web,,2026-11-27T06:30:00Z",
        f"REQ-CSV-0000002,CIV-101,{GOOD_ID},23,23-001,web,GEN-00042,2026-11-27T06:30:00Z",
        f",CIV-101,{GOOD_ID},23,23-001,web,,2026-11-27T06:30:00Z",
        f"REQ-CSV-0000004,CIV-101,{GOOD_ID},23,23-001,web,,2026-11-27T06:30:00Z,surplus",
    ]
    rows = list(read_requests_csv(lines, "t"))
    assert reasons(rows) == ["INVALID_NATIONAL_ID", "OK", "MISSING_FIELD", "UNKNOWN_FIELD"]
    assert [r.line for r in rows] == [2, 3, 4, 5]


def test_a_csv_header_that_is_not_the_contracts_is_a_file_error() -> None:
    with pytest.raises(InputFileError, match="missing: service_code"):
        list(read_requests_csv(["request_id,citizen_national_id", "x,y"], "t"))


def test_licence_payload_lines_need_an_event_type() -> None:
    payload = example_envelope("licence.suspended")["payload"]
    rows = list(
        read_jsonl(jsonl(payload, {"event_type": "licence.suspended", **payload}), LICENCES, "t")
    )
    assert reasons(rows) == ["MISSING_FIELD", "OK"]
    assert isinstance(rows[1], Accepted)
    assert rows[1].key == "GEN-00042"


def test_an_agency_licence_without_agency_is_refused() -> None:
    payload = {**example_envelope("licence.issued")["payload"], "kind": "agency", "agency": None}
    (row,) = list(read_jsonl(jsonl({"event_type": "licence.issued", **payload}), LICENCES, "t"))
    assert isinstance(row, Refused)
    assert row.reason == "MISSING_FIELD"


def test_build_request_refuses_bad_input_with_a_reason_code() -> None:
    with pytest.raises(ContractError) as caught:
        build_request(
            request_id="REQ-UNIT-000009", service_code="CIV-101", citizen_national_id=BAD_ID,
            province="23", city="23-001",
        )  # fmt: skip
    assert caught.value.reason == "INVALID_NATIONAL_ID"


def test_build_request_derives_the_event_id_from_the_request_id() -> None:
    envelope = build_request(
        request_id="REQ-UNIT-000009", service_code="CIV-101", citizen_national_id=GOOD_ID,
        province="23", city="23-001",
    )  # fmt: skip
    assert envelope.event_id == submitted_event_id("REQ-UNIT-000009")
    assert envelope.correlation_id == "REQ-UNIT-000009"


def write(tmp_path: Path, name: str, lines: list[Any]) -> Path:
    path = tmp_path / name
    path.write_bytes(b"\n".join(jsonl(*lines)) + b"\n")
    return path


def test_dry_run_of_a_clean_file_exits_zero_and_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "r.jsonl", [request(), request(request_id="REQ-UNIT-000002")])
    assert main(["publish", str(path), "--dry-run"]) == 0
    assert "2 requests valid, 0 refused" in capsys.readouterr().out


def test_dry_run_with_bad_rows_exits_one_and_reports_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [request(), request(request_id="REQ-UNIT-000002", citizen_national_id=BAD_ID), b"x"]
    path = write(tmp_path, "r.jsonl", lines)
    assert main(["publish", str(path), "--dry-run"]) == 1
    out, err = capsys.readouterr()
    assert "1 requests valid, 2 refused" in out
    assert "line 2: INVALID_NATIONAL_ID" in err
    assert "line 3: MALFORMED_JSON" in err
    assert BAD_ID not in out + err


def test_csv_is_chosen_by_extension(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        f"{HEADER}\nREQ-CSV-0000001,CIV-101,{GOOD_ID},23,23-001,web,,2026-11-27T06:30:00Z\n"
    )
    assert main(["publish", str(path), "--dry-run"]) == 0
    assert "1 requests valid" in capsys.readouterr().out


def test_a_missing_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["publish", str(tmp_path / "nope.jsonl"), "--dry-run"]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_a_bad_csv_header_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "r.csv"
    path.write_text("a,b\n1,2\n")
    assert main(["publish", str(path), "--dry-run"]) == 2
    assert "CSV header must be" in capsys.readouterr().err


def test_an_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["publish", str(tmp_path / "x"), "--format", "xml"])
    assert caught.value.code == 2


def test_catalog_and_licence_loads_validate_their_own_event_types(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    service = {
        "event_type": "catalog.service_defined",
        **example_envelope("catalog.service_defined")["payload"],
    }
    path = write(tmp_path, "c.jsonl", [service, request()])
    assert main(["catalog", "load", str(path), "--dry-run"]) == 1
    assert main(["licences", "load", str(path), "--dry-run"]) == 1
    out, err = capsys.readouterr()
    assert "1 service definitions valid, 1 refused" in out
    assert "0 licence events valid, 2 refused" in out
    assert "line 2: MISSING_FIELD" in err  # a request payload has no event_type for catalog


def test_every_command_is_registered() -> None:
    parser = build_parser()
    for argv in (
        ["publish", "f"], ["catalog", "load", "f"], ["licences", "load", "f"],
        ["office", "tail", "--office", "GEN-00042"], ["status", "REQ-1"], ["offices"],
    ):  # fmt: skip
        assert callable(parser.parse_args(argv).handler)
