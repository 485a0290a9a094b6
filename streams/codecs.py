"""Table codecs: domain values to compact JSON bytes and back, for the Faust tables.

The tables' changelogs are how a worker's state survives a restart, so these
encodings are a storage format: add fields with defaults, never repurpose one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

import orjson

from router import Inquiry, Licence, LicenceStatus, OfficeKind, Reach, Region, Scope, Service
from router.reasons import ExclusionReason
from router.records import InquiryStatus, RequestRecord
from router.states import RequestState

V = TypeVar("V")


def _compact(data: bytes) -> bytes:
    """A right-sized copy: orjson over-allocates its output buffer (several KiB per value),
    which a table holding a million open requests would keep for ever."""
    return bytes(memoryview(data))


def _dt(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def encode_record(r: RequestRecord) -> bytes:
    return _compact(orjson.dumps({
        "id": r.request_id, "svc": r.service_code, "prov": r.region.province,
        "city": r.region.city, "nid": r.citizen_national_id, "ch": r.channel,
        "pref": r.preferred_office, "sub": _iso(r.submitted_at), "st": r.state.value,
        "att": r.attempt, "off": r.office_id, "asg": r.assignment_id, "acc": _iso(r.accept_by),
        "ful": _iso(r.fulfil_by), "exc": [[o, why.value] for o, why in r.excluded],
        "inq": [[i.inquiry_id, i.kind, i.agency, _iso(i.due_by), i.outcome] for i in r.inquiries],
        "seq": r.seq, "sla": r.sla_breached, "app": list(r.applied),
    }))


def decode_record(raw: bytes) -> RequestRecord:
    d = orjson.loads(raw)
    return RequestRecord(
        request_id=d["id"], service_code=d["svc"], region=Region(d["prov"], d["city"]),
        citizen_national_id=d["nid"], channel=d["ch"], preferred_office=d["pref"],
        submitted_at=datetime.fromisoformat(d["sub"]), state=RequestState(d["st"]),
        attempt=d["att"], office_id=d["off"], assignment_id=d["asg"], accept_by=_dt(d["acc"]),
        fulfil_by=_dt(d["ful"]),
        excluded=tuple((o, ExclusionReason(why)) for o, why in d["exc"]),
        inquiries=tuple(InquiryStatus(i, k, a, datetime.fromisoformat(due), out)
                        for i, k, a, due, out in d["inq"]),
        seq=d["seq"], sla_breached=d["sla"], applied=tuple(d["app"]),
    )


def encode_licence(lic: Licence) -> bytes:
    return _compact(orjson.dumps({
        "office_id": lic.office_id, "licence_id": lic.licence_id, "kind": lic.kind.value,
        "agency": lic.agency, "services": sorted(lic.scope.services),
        "all_delegated": lic.scope.all_delegated, "branches": sorted(lic.scope.branches),
        "province": lic.region.province, "city": lic.region.city,
        "valid_from": lic.valid_from.isoformat(), "valid_to": lic.valid_to.isoformat(),
        "capacity": lic.capacity, "status": lic.status.value, "status_reason": lic.status_reason,
    }))


def decode_licence(raw: bytes) -> Licence:
    d = orjson.loads(raw)
    return Licence(
        office_id=d["office_id"], licence_id=d["licence_id"], kind=OfficeKind(d["kind"]),
        agency=d["agency"],
        scope=Scope(frozenset(d["services"]), d["all_delegated"], frozenset(d["branches"])),
        region=Region(d["province"], d["city"]),
        valid_from=datetime.fromisoformat(d["valid_from"]),
        valid_to=datetime.fromisoformat(d["valid_to"]), capacity=d["capacity"],
        status=LicenceStatus(d["status"]), status_reason=d["status_reason"],
    )


def encode_service(s: Service) -> bytes:
    return _compact(orjson.dumps({
        "code": s.code, "agency": s.agency, "delegated": s.delegated_to_general,
        "branch": s.branch, "inquiries": [[i.kind, i.agency] for i in s.inquiries],
        "accept": s.acceptance_sla.total_seconds(), "fulfil": s.fulfilment_sla.total_seconds(),
        "inquiry": s.inquiry_sla.total_seconds(), "reach": s.reach.value,
    }))


def decode_service(raw: bytes) -> Service:
    d = orjson.loads(raw)
    return Service(
        code=d["code"], agency=d["agency"], delegated_to_general=d["delegated"],
        branch=d["branch"], inquiries=tuple(Inquiry(k, a) for k, a in d["inquiries"]),
        acceptance_sla=timedelta(seconds=d["accept"]),
        fulfilment_sla=timedelta(seconds=d["fulfil"]),
        inquiry_sla=timedelta(seconds=d["inquiry"]), reach=Reach(d["reach"]),
    )


def encode_int(value: int) -> bytes:
    return str(value).encode()


def decode_int(raw: bytes) -> int:
    return int(raw)


def encode_time(value: datetime) -> bytes:
    return value.isoformat().encode()


def decode_time(raw: bytes) -> datetime:
    return datetime.fromisoformat(raw.decode())


class CodecMapping(MutableMapping[str, V], Generic[V]):
    """A typed view of a bytes-valued mapping (a Faust table), decoding on the way out.

    Decoded values are cached, so the hot path (loads read by every decision) does not
    parse the same bytes again; every write goes through to the table (its changelog).
    """

    def __init__(self, table: MutableMapping[str, bytes], encode: Callable[[V], bytes],
                 decode: Callable[[bytes], V], *, cache: bool = True) -> None:
        self.table = table
        self.encode = encode
        self.decode = decode
        self.cache = cache  # off for big, cold mappings (a million open requests)
        self._cache: dict[str, V] = {}

    def clear_cache(self) -> None:
        self._cache.clear()

    def __getitem__(self, key: str) -> V:
        try:
            return self._cache[key]
        except KeyError:
            value = self.decode(self.table[key])
            if self.cache:
                self._cache[key] = value
            return value

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def __setitem__(self, key: str, value: V) -> None:
        self.table[key] = self.encode(value)
        if self.cache:
            self._cache[key] = value

    def __delitem__(self, key: str) -> None:
        del self.table[key]
        self._cache.pop(key, None)

    def __iter__(self) -> Iterator[str]:
        keys: list[Any] = list(self.table.keys())
        return iter([k.decode() if isinstance(k, bytes) else k for k in keys])

    def __len__(self) -> int:
        return len(self.table)
