"""Routing decisions and their explanation: who was considered, who was excluded and why."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar, Literal, Self

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from contracts.base import ContractModel, example_config, example_of
from contracts.codes import (
    HexString,
    Identifier,
    Note,
    OfficeId,
    Reason,
    RequestId,
    Sha256Hex,
    UtcDatetime,
)
from contracts.licences import OfficeKind

Tier = Literal["city", "province", "national"]
Outcome = Literal["assigned", "unroutable"]


class ExclusionReason(StrEnum):
    """Why an office was not a candidate for a request."""

    LICENCE_SUSPENDED = "LICENCE_SUSPENDED"
    LICENCE_REVOKED = "LICENCE_REVOKED"
    LICENCE_NOT_YET_VALID = "LICENCE_NOT_YET_VALID"
    LICENCE_EXPIRED = "LICENCE_EXPIRED"
    SERVICE_NOT_DELEGATED = "SERVICE_NOT_DELEGATED"
    SERVICE_OF_OTHER_AGENCY = "SERVICE_OF_OTHER_AGENCY"
    SERVICE_NOT_IN_SCOPE = "SERVICE_NOT_IN_SCOPE"
    BRANCH_NOT_LICENSED = "BRANCH_NOT_LICENSED"
    REGION_OUT_OF_REACH = "REGION_OUT_OF_REACH"
    CAPACITY_EXHAUSTED = "CAPACITY_EXHAUSTED"
    PREVIOUSLY_REJECTED = "PREVIOUSLY_REJECTED"
    PREVIOUSLY_TIMED_OUT = "PREVIOUSLY_TIMED_OUT"
    OFFICE_UNKNOWN = "OFFICE_UNKNOWN"


def _office_id_field() -> Any:
    return Field(description="The office.", examples=["GEN-00042"])


class Candidate(ContractModel):
    """An eligible office, ranked: rank 1 was chosen."""

    model_config = example_config(
        {
            "office_id": "GEN-00042",
            "kind": "general",
            "tier": "city",
            "load": 3,
            "capacity": 40,
            "utilisation": 0.075,
            "tie_break": "9f2c4a",
            "score": 0.0875,
            "rank": 1,
        }
    )

    office_id: OfficeId = _office_id_field()
    kind: OfficeKind = Field(description="The office's licence kind.", examples=["general"])
    tier: Tier = Field(
        description="Distance tier from the citizen: same city, same province or national.",
        examples=["city"],
    )
    load: int = Field(ge=0, description="Open assignments when decided.", examples=[3])
    capacity: int = Field(ge=1, le=100000, description="Licensed capacity.", examples=[40])
    utilisation: float = Field(
        ge=0,
        allow_inf_nan=False,
        description="load / capacity when decided; lower ranks first.",
        examples=[0.075],
    )
    tie_break: HexString = Field(
        description="Deterministic hex tie-breaker between equal utilisation.",
        examples=["9f2c4a"],
    )
    score: float = Field(
        ge=0,
        allow_inf_nan=False,
        description="Ranking score: (load + 1/2) / capacity / kind weight; lowest wins.",
        examples=[0.0875],
    )
    rank: int = Field(ge=1, description="Position in the ranking (1 = chosen).", examples=[1])


class Exclusion(ContractModel):
    """An office that was not a candidate, and why."""

    model_config = example_config(
        {
            "office_id": "AGN-00007",
            "reason": "SERVICE_OF_OTHER_AGENCY",
            "detail": "Licensed for tax-affairs; CIV-101 belongs to civil-registry",
        }
    )

    office_id: OfficeId = _office_id_field()
    reason: ExclusionReason = Field(
        description="Machine-readable exclusion reason.", examples=["SERVICE_OF_OTHER_AGENCY"]
    )
    detail: Note = Field(
        description="Human-readable detail.",
        examples=["Licensed for tax-affairs; CIV-101 belongs to civil-registry"],
    )


class PreferredOffice(ContractModel):
    """What became of the citizen's preferred office."""

    model_config = example_config(
        {
            "office_id": "GEN-00051",
            "honoured": False,
            "reason": "CAPACITY_EXHAUSTED",
            "detail": "load 12 of capacity 12",
        }
    )

    office_id: OfficeId = Field(
        description="The office the citizen preferred.", examples=["GEN-00051"]
    )
    honoured: bool = Field(description="True when it was chosen.", examples=[False])
    reason: ExclusionReason | None = Field(
        description="Why it was not chosen; null when honoured.",
        examples=["CAPACITY_EXHAUSTED", None],
    )
    detail: Reason | None = Field(
        default=None,
        description="Human-readable detail of why it was not chosen.",
        examples=["load 12 of capacity 12"],
    )


class Explanation(ContractModel):
    """Everything needed to dispute a decision."""

    model_config = example_config(
        {
            "candidates": [example_of(Candidate)],
            "exclusions": [example_of(Exclusion)],
            "preferred": None,
            "widening_would_help": None,
        }
    )

    candidates: tuple[Candidate, ...] = Field(
        max_length=10000,
        description="Eligible offices in rank order.",
        examples=[[example_of(Candidate)]],
    )
    exclusions: tuple[Exclusion, ...] = Field(
        max_length=10000,
        description="Offices considered and excluded, with reasons.",
        examples=[[example_of(Exclusion)]],
    )
    preferred: PreferredOffice | None = Field(
        description="The citizen's preferred office and its fate; null when none was named.",
        examples=[None, example_of(PreferredOffice)],
    )
    widening_would_help: bool | None = Field(
        description=(
            "For unroutable requests: whether an office beyond the service's reach would "
            "have been eligible; null for assigned requests."
        ),
        examples=[None, True],
    )


class RoutingDecided(ContractModel):
    """The router decided where a request goes (or that it cannot go anywhere)."""

    event_type: ClassVar[str] = "routing.decided"
    model_config = example_config(
        {
            "request_id": "REQ-2024-000123",
            "attempt": 1,
            "assignment_id": "REQ-2024-000123:1",
            "outcome": "assigned",
            "office_id": "GEN-00042",
            "office_kind": "general",
            "policy_version": "2024.1",
            "decided_at": "2024-05-01T08:30:01Z",
            "inputs_digest": "5d41402abc4b2a76b9719d911017c592" * 2,
            "explanation": example_of(Explanation),
        }
    )

    request_id: RequestId = Field(description="The request routed.", examples=["REQ-2024-000123"])
    attempt: int = Field(ge=1, description="Routing attempt, 1 for the first.", examples=[1])
    assignment_id: Identifier | None = Field(
        description="The assignment made; null when unroutable.", examples=["REQ-2024-000123:1"]
    )
    outcome: Outcome = Field(description="assigned or unroutable.", examples=["assigned"])
    office_id: OfficeId | None = Field(
        description="The office chosen; null when unroutable.", examples=["GEN-00042"]
    )
    office_kind: OfficeKind | None = Field(
        description="The chosen office's kind; null when unroutable.", examples=["general"]
    )
    policy_version: Identifier = Field(
        description="Version of the routing policy that decided.", examples=["2024.1"]
    )
    decided_at: UtcDatetime = Field(
        description="The router's clock.", examples=["2024-05-01T08:30:01Z"]
    )
    inputs_digest: Sha256Hex = Field(
        description="SHA-256 (hex) of the inputs the decision was computed from.",
        examples=["5d41402abc4b2a76b9719d911017c592" * 2],
    )
    explanation: Explanation = Field(
        description="Candidates, exclusions and the preferred office.",
        examples=[example_of(Explanation)],
    )

    @model_validator(mode="after")
    def _outcome_matches_office(self) -> Self:
        chosen = (self.assignment_id, self.office_id, self.office_kind)
        if self.outcome == "assigned" and None in chosen:
            raise PydanticCustomError(
                "INVALID_VALUE", "an assigned decision names assignment_id, office_id, office_kind"
            )
        if self.outcome == "unroutable" and chosen != (None, None, None):
            raise PydanticCustomError(
                "INVALID_VALUE",
                "an unroutable decision has null assignment_id, office_id, office_kind",
            )
        return self
