"""The regulator's licence lifecycle: issued, amended, suspended, reinstated, revoked."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Literal

from pydantic import Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from contracts.base import ContractModel, example_config, example_of
from contracts.codes import AgencyCode, Identifier, OfficeId, Reason, ServiceCode, Slug, UtcDatetime
from contracts.region import Region

OfficeKind = Literal["general", "agency"]


def _office_id_field() -> Any:
    return Field(description="The licensed office.", examples=["GEN-00042"])


class LicenceScope(ContractModel):
    """What an office may deliver."""

    model_config = example_config(
        {"services": ["CIV-101"], "all_delegated": True, "branches": ["judicial"]}
    )

    services: tuple[ServiceCode, ...] = Field(
        max_length=2000, description="Service codes granted explicitly.", examples=[["CIV-101"]]
    )
    all_delegated: bool = Field(
        description="True when every service delegated to the general network is granted.",
        examples=[True],
    )
    branches: tuple[Slug, ...] = Field(
        max_length=50, description="Specialised branches granted.", examples=[["judicial"]]
    )


def _licence_terms_example() -> dict[str, Any]:
    return {
        "scope": example_of(LicenceScope),
        "region": example_of(Region),
        "valid_from": "2024-01-01T00:00:00Z",
        "valid_to": "2026-01-01T00:00:00Z",
        "capacity": 40,
    }


class LicenceTerms(ContractModel):
    """The amendable terms of a licence (shared by issue and amendment)."""

    scope: LicenceScope = Field(
        description="What the office may deliver.", examples=[example_of(LicenceScope)]
    )
    region: Region = Field(description="Where the office is.", examples=[example_of(Region)])
    valid_from: UtcDatetime = Field(
        description="Start of validity (inclusive).", examples=["2024-01-01T00:00:00Z"]
    )
    valid_to: UtcDatetime = Field(
        description="End of validity (exclusive); after valid_from.",
        examples=["2026-01-01T00:00:00Z"],
    )
    capacity: int = Field(
        ge=1, le=100000, description="Open assignments the office can hold at once.", examples=[40]
    )

    @field_validator("valid_to")
    @classmethod
    def _ends_after_start(cls, valid_to: datetime, info: ValidationInfo) -> datetime:
        valid_from = info.data.get("valid_from")
        if valid_from is not None and valid_to <= valid_from:
            raise PydanticCustomError("INVALID_VALUE", "valid_to must be later than valid_from")
        return valid_to


class LicenceIssued(LicenceTerms):
    """The regulator issued a licence to an office."""

    event_type: ClassVar[str] = "licence.issued"
    model_config = example_config(
        {
            "office_id": "GEN-00042",
            "licence_id": "LIC-2024-00042",
            "kind": "general",
            "agency": None,
            **_licence_terms_example(),
        }
    )

    office_id: OfficeId = _office_id_field()
    licence_id: Identifier = Field(
        description="The regulator's licence id.", examples=["LIC-2024-00042"]
    )
    kind: OfficeKind = Field(
        description="general: the counter network; agency: one agency's own office.",
        examples=["general"],
    )
    agency: AgencyCode | None = Field(
        default=None,
        validate_default=True,
        description="The licensing agency: required when kind is agency, else null.",
        examples=[None, "tax-affairs"],
    )

    @field_validator("agency")
    @classmethod
    def _agency_iff_agency_kind(cls, agency: str | None, info: ValidationInfo) -> str | None:
        kind = info.data.get("kind")
        if kind == "agency" and agency is None:
            raise PydanticCustomError("MISSING_FIELD", "an agency licence must name its agency")
        if kind == "general" and agency is not None:
            raise PydanticCustomError("INVALID_VALUE", "a general licence has no agency; send null")
        return agency


class LicenceAmended(LicenceTerms):
    """The regulator replaced a licence's terms (scope, region, validity, capacity)."""

    event_type: ClassVar[str] = "licence.amended"
    model_config = example_config(
        {"office_id": "GEN-00042", "licence_id": "LIC-2024-00042", **_licence_terms_example()}
    )

    office_id: OfficeId = _office_id_field()
    licence_id: Identifier = Field(
        description="The regulator's licence id.", examples=["LIC-2024-00042"]
    )


class LicenceSuspended(ContractModel):
    """The regulator suspended an office's licence; it receives no new assignments."""

    event_type: ClassVar[str] = "licence.suspended"
    model_config = example_config({"office_id": "GEN-00042", "reason": "Inspection pending"})

    office_id: OfficeId = _office_id_field()
    reason: Reason = Field(description="Why it was suspended.", examples=["Inspection pending"])


class LicenceReinstated(ContractModel):
    """The regulator lifted a suspension."""

    event_type: ClassVar[str] = "licence.reinstated"
    model_config = example_config({"office_id": "GEN-00042"})

    office_id: OfficeId = _office_id_field()


class LicenceRevoked(ContractModel):
    """The regulator revoked an office's licence for good."""

    event_type: ClassVar[str] = "licence.revoked"
    model_config = example_config({"office_id": "GEN-00042", "reason": "Licence terms breached"})

    office_id: OfficeId = _office_id_field()
    reason: Reason = Field(description="Why it was revoked.", examples=["Licence terms breached"])
