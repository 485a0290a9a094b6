"""Write the sample network and requests as the files `router ... load` / `publish` read.

catalog.jsonl: one `catalog.service_defined` payload with its `event_type` per line;
licences.jsonl: full licence envelopes in time order (the day's changes carry their
time); requests.jsonl / requests.csv: one `request.submitted` payload per line / row.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

import orjson

from clients.batch import CSV_COLUMNS
from clients.regulator import licence_envelope
from contracts.base import ContractModel
from contracts.registry import to_bytes
from contracts.requests import RequestSubmitted
from sim.network import Network


def _payload_line(payload: ContractModel) -> bytes:
    document = {"event_type": type(payload).event_type, **payload.model_dump(mode="json")}  # type: ignore[attr-defined]
    return orjson.dumps(document) + b"\n"


def write_payloads(path: Path, payloads: Iterable[ContractModel]) -> int:
    """One payload (with its event_type) per line; returns the number of lines."""
    lines = [_payload_line(p) for p in payloads]
    path.write_bytes(b"".join(lines))
    return len(lines)


def write_licences(path: Path, network: Network) -> int:
    """Every licence event of the network as a full envelope, in time order."""
    lines = [
        to_bytes(licence_envelope(e.payload, occurred_at=e.at)) + b"\n"
        for e in network.licence_events()
    ]
    path.write_bytes(b"".join(lines))
    return len(lines)


def write_requests_csv(path: Path, requests: Sequence[RequestSubmitted]) -> int:
    """The requests as CSV with the header `router publish --format csv` expects."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for r in requests:
            writer.writerow([
                r.request_id, r.service_code, r.citizen_national_id, r.region.province,
                r.region.city, r.channel, r.preferred_office or "",
                r.submitted_at.isoformat().replace("+00:00", "Z"),
            ])  # fmt: skip
    return len(requests)


def write_all(
    out: Path, network: Network, requests: Sequence[RequestSubmitted], *, with_csv: bool = False
) -> dict[str, int]:
    """catalog.jsonl, licences.jsonl, requests.jsonl (and requests.csv) under `out`."""
    out.mkdir(parents=True, exist_ok=True)
    written = {
        "catalog.jsonl": write_payloads(out / "catalog.jsonl", network.services),
        "licences.jsonl": write_licences(out / "licences.jsonl", network),
        "requests.jsonl": write_payloads(out / "requests.jsonl", requests),
    }
    if with_csv:
        written["requests.csv"] = write_requests_csv(out / "requests.csv", requests)
    return written
