"""The service catalog: what each government service is and what it needs."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from contracts.base import ContractModel, example_config, example_of
from contracts.codes import AgencyCode, Name, ServiceCode, Slug

Reach = Literal["city", "province", "national"]
ONE_YEAR_SECONDS = 366 * 24 * 3600


class InquiryRequirement(ContractModel):
    """An inter-agency inquiry (estelam) a service needs answered before fulfilment."""

    model_config = example_config({"kind": "identity", "agency": "civil-registry"})

    kind: Slug = Field(
        description="Kind of inquiry, e.g. identity, tax, criminal-record, ownership.",
        examples=["identity"],
    )
    agency: AgencyCode = Field(
        description="The agency that answers this kind of inquiry.", examples=["civil-registry"]
    )


class ServiceDefined(ContractModel):
    """A service was defined or redefined; the latest definition per service code wins."""

    event_type: ClassVar[str] = "catalog.service_defined"
    model_config = example_config(
        {
            "service_code": "CIV-101",
            "agency": "civil-registry",
            "name": "Replacement national id card",
            "delegated_to_general": True,
            "branch": None,
            "inquiries": [{"kind": "identity", "agency": "civil-registry"}],
            "acceptance_sla_seconds": 3600,
            "fulfilment_sla_seconds": 259200,
            "inquiry_sla_seconds": 86400,
            "reach": "province",
        }
    )

    service_code: ServiceCode = Field(
        description="Service code: 2-6 capital letters, a hyphen, 3-4 digits.",
        examples=["CIV-101"],
    )
    agency: AgencyCode = Field(
        description="The agency owning the service.", examples=["civil-registry"]
    )
    name: Name = Field(
        description="Human-readable name.", examples=["Replacement national id card"]
    )
    delegated_to_general: bool = Field(
        description="True when any general counter office may deliver the service.",
        examples=[True],
    )
    branch: Slug | None = Field(
        default=None,
        description="Specialised branch delivering the service (e.g. judicial), or null.",
        examples=["judicial", None],
    )
    inquiries: tuple[InquiryRequirement, ...] = Field(
        default=(),
        max_length=16,
        description="Inquiries that must be answered before fulfilment; one per kind.",
        examples=[[example_of(InquiryRequirement)]],
    )
    acceptance_sla_seconds: int = Field(
        gt=0,
        le=ONE_YEAR_SECONDS,
        description="Seconds an office has to accept an assignment before it is withdrawn.",
        examples=[3600],
    )
    fulfilment_sla_seconds: int = Field(
        gt=0,
        le=ONE_YEAR_SECONDS,
        description="Seconds from acceptance to fulfilment before the request is escalated.",
        examples=[259200],
    )
    inquiry_sla_seconds: int = Field(
        default=86400,
        gt=0,
        le=ONE_YEAR_SECONDS,
        description="Seconds an agency has to answer an inquiry.",
        examples=[86400],
    )
    reach: Reach = Field(
        description=(
            "How far from the citizen's region the service may be fulfilled: city = same "
            "city only, province = same province, national = anywhere."
        ),
        examples=["province"],
    )

    @field_validator("inquiries")
    @classmethod
    def _one_inquiry_per_kind(
        cls, inquiries: tuple[InquiryRequirement, ...]
    ) -> tuple[InquiryRequirement, ...]:
        kinds = [inquiry.kind for inquiry in inquiries]
        if len(set(kinds)) != len(kinds):
            raise PydanticCustomError("INVALID_VALUE", "each inquiry kind may appear only once")
        return inquiries
