"""The parts of a decision: ranked candidates, exclusions, the preferred office's fate."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from router.licences import OfficeKind
from router.reasons import ExclusionReason
from router.regions import Tier


class Outcome(StrEnum):
    ASSIGNED = "assigned"
    UNROUTABLE = "unroutable"


@dataclass(frozen=True, slots=True)
class Candidate:
    """An eligible office. `score` = (load + 1/2) / capacity / kind weight; the lowest
    wins, then the lowest `tie_break` (see `router.selection`)."""

    office_id: str
    kind: OfficeKind
    tier: Tier
    load: int
    capacity: int
    utilisation: float
    score: float
    tie_break: str
    rank: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "office_id": self.office_id,
            "kind": self.kind.value,
            "tier": self.tier.value,
            "load": self.load,
            "capacity": self.capacity,
            "utilisation": self.utilisation,
            "score": self.score,
            "tie_break": self.tie_break,
            "rank": self.rank,
        }


@dataclass(frozen=True, slots=True, order=True)
class Exclusion:
    office_id: str
    reason: ExclusionReason
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {"office_id": self.office_id, "reason": self.reason.value, "detail": self.detail}


@dataclass(frozen=True, slots=True)
class PreferredOutcome:
    office_id: str
    honoured: bool
    reason: ExclusionReason | None = None
    detail: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "office_id": self.office_id,
            "honoured": self.honoured,
            "reason": None if self.reason is None else self.reason.value,
            "detail": self.detail,
        }
