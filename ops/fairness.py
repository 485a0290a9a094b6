"""`router fairness`: did each office get its capacity-weighted fair share?

For every recorded *assigned* decision, each ranked candidate (an eligible office)
is owed capacity_o / sum(capacity of the decision's candidates) of that request: its
fair share. Summed over the decisions where the office was a candidate, that is its
expected count; its actual count is how often it was chosen. An office is flagged as
systematically skipped when it was eligible often enough (`min_samples` decisions and
an expected count of at least `min_expected`) and got less than `threshold` (50%) of
its fair share.

Agency services are services whose owning agency has at least one agency office;
for those, the report counts how many assignments went to agency offices and how
many to general ones, and what capacity-weighted share agency offices were owed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class DecisionFacts:
    request_id: str
    attempt: int
    outcome: str
    office_id: str | None
    office_kind: str | None
    service_code: str | None
    candidates: tuple[tuple[str, str, int], ...]  # (office_id, kind, capacity)


@dataclass
class OfficeShare:
    office_id: str
    kind: str
    eligible: int = 0
    assigned: int = 0
    fair_share: float = 0.0
    ratio: float | None = None
    skipped: bool = False


@dataclass
class AgencyShare:
    decisions: int = 0
    to_agency: int = 0
    to_general: int = 0
    agency_fair_share: float = 0.0

    @property
    def agency_ratio(self) -> float | None:
        return None if not self.decisions else self.to_agency / self.decisions


@dataclass
class FairnessReport:
    offices: list[OfficeShare]
    agency_services: AgencyShare
    by_agency: dict[str, AgencyShare] = field(default_factory=dict)
    decisions: int = 0
    assigned: int = 0
    threshold: float = 0.5
    min_samples: int = 20

    @property
    def skipped(self) -> list[OfficeShare]:
        return [o for o in self.offices if o.skipped]

    def to_dict(self) -> dict[str, Any]:
        def agency(a: AgencyShare) -> dict[str, Any]:
            return {**asdict(a), "agency_ratio": a.agency_ratio,
                    "agency_fair_ratio": (a.agency_fair_share / a.decisions
                                          if a.decisions else None)}

        return {
            "decisions": self.decisions, "assigned": self.assigned,
            "threshold": self.threshold, "min_samples": self.min_samples,
            "offices": [asdict(o) for o in self.offices],
            "skipped": [o.office_id for o in self.skipped],
            "agency_services": agency(self.agency_services),
            "by_agency": {k: agency(v) for k, v in sorted(self.by_agency.items())},
        }


def compute(decisions: Iterable[DecisionFacts], *, service_agency: Mapping[str, str],
            agencies_with_offices: frozenset[str], threshold: float = 0.5,
            min_samples: int = 20, min_expected: float = 5.0) -> FairnessReport:
    shares: dict[str, OfficeShare] = {}
    overall = AgencyShare()
    by_agency: dict[str, AgencyShare] = defaultdict(AgencyShare)
    total = assigned = 0
    for d in decisions:
        total += 1
        if d.outcome != "assigned" or not d.candidates:
            continue
        assigned += 1
        capacity = sum(c for _, _, c in d.candidates)
        agency_owed = 0.0
        for office_id, kind, cap in d.candidates:
            share = shares.setdefault(office_id, OfficeShare(office_id, kind))
            share.eligible += 1
            owed = cap / capacity if capacity else 1 / len(d.candidates)
            share.fair_share += owed
            if kind == "agency":
                agency_owed += owed
        if d.office_id is not None:
            shares.setdefault(d.office_id, OfficeShare(d.office_id, d.office_kind or "?"))
            shares[d.office_id].assigned += 1
        agency = service_agency.get(d.service_code or "")
        if agency is not None and agency in agencies_with_offices:
            for bucket in (overall, by_agency[agency]):
                bucket.decisions += 1
                bucket.agency_fair_share += agency_owed
                if d.office_kind == "agency":
                    bucket.to_agency += 1
                else:
                    bucket.to_general += 1
    for share in shares.values():
        share.fair_share = round(share.fair_share, 6)
        share.ratio = None if share.fair_share == 0 else round(share.assigned / share.fair_share,
                                                               4)
        share.skipped = (share.eligible >= min_samples and share.fair_share >= min_expected
                         and share.ratio is not None and share.ratio < threshold)
    offices = sorted(shares.values(), key=lambda o: (o.ratio if o.ratio is not None else 9e9,
                                                     o.office_id))
    return FairnessReport(offices, overall, dict(by_agency), total, assigned, threshold,
                          min_samples)


# -- loading from the record -----------------------------------------------------------

_DECISIONS = """
SELECT d.request_id, d.attempt, d.outcome, d.office_id, d.office_kind, d.explanation,
       r.service_code
  FROM govroute.decisions d LEFT JOIN govroute.requests r USING (request_id)
 WHERE ($1::timestamptz IS NULL OR d.decided_at >= $1)
   AND ($2::timestamptz IS NULL OR d.decided_at < $2)
 ORDER BY d.decided_at, d.request_id, d.attempt
"""


def facts_of(row: Mapping[str, Any]) -> DecisionFacts:
    import json

    explanation = row["explanation"]
    if isinstance(explanation, str):
        explanation = json.loads(explanation)
    return DecisionFacts(
        request_id=row["request_id"], attempt=row["attempt"], outcome=row["outcome"],
        office_id=row["office_id"], office_kind=row["office_kind"],
        service_code=row.get("service_code"),
        candidates=tuple((c["office_id"], c["kind"], int(c["capacity"]))
                         for c in explanation.get("candidates", ())),
    )


async def load_decisions(dsn: str, since: datetime | None, until: datetime | None
                         ) -> tuple[list[DecisionFacts], frozenset[str]]:
    """The decisions in [since, until) and the agencies that have agency offices."""
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        async with conn.transaction():
            facts = [facts_of(dict(r)) async for r in conn.cursor(_DECISIONS, since, until)]
        agency_rows = await conn.fetch(
            "SELECT DISTINCT agency FROM govroute.offices WHERE kind = 'agency'")
    finally:
        await conn.close()
    return facts, frozenset(r["agency"] for r in agency_rows)


async def load_catalog(bootstrap: str, topic: str) -> dict[str, str]:
    """service code -> owning agency, from the (compacted) catalog topic."""
    from contracts.registry import parse_event

    from .logread import read_topic

    agencies: dict[str, str] = {}
    async for record in read_topic(bootstrap, topic):
        try:
            payload = parse_event(record.value).payload
        except Exception:
            continue
        code, agency = getattr(payload, "service_code", None), getattr(payload, "agency", None)
        if code and agency:
            agencies[code] = agency
    return agencies
