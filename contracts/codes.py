"""Formats shared by the contracts: codes, identifiers, bounded text and timestamps.

The patterns are public: `diagnosis` maps a pattern mismatch onto a specific reason
code by the pattern that failed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Final

from pydantic import AfterValidator, AwareDatetime, StringConstraints

SERVICE_CODE_PATTERN: Final = r"^[A-Z]{2,6}-[0-9]{3,4}$"
OFFICE_ID_PATTERN: Final = r"^[A-Z]{2,4}-[0-9]{3,6}$"
PROVINCE_PATTERN: Final = r"^[0-9]{2}$"
CITY_PATTERN: Final = r"^[0-9]{2}-[0-9]{3}$"
NATIONAL_ID_PATTERN: Final = r"^[0-9]{10}$"
AGENCY_PATTERN: Final = r"^[a-z][a-z0-9-]{1,31}$"
SLUG_PATTERN: Final = r"^[a-z][a-z0-9-]{0,31}$"
REQUEST_ID_PATTERN: Final = r"^[A-Za-z0-9][A-Za-z0-9_-]{7,63}$"
IDENTIFIER_PATTERN: Final = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$"
EVENT_ID_PATTERN: Final = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
SHA256_PATTERN: Final = r"^[0-9a-f]{64}$"
HEX_PATTERN: Final = r"^[0-9a-f]{1,64}$"
REASON_CODE_PATTERN: Final = r"^[A-Z][A-Z0-9_]{1,63}$"

ServiceCode = Annotated[str, StringConstraints(pattern=SERVICE_CODE_PATTERN)]
OfficeId = Annotated[str, StringConstraints(pattern=OFFICE_ID_PATTERN)]
ProvinceCode = Annotated[str, StringConstraints(pattern=PROVINCE_PATTERN)]
CityCode = Annotated[str, StringConstraints(pattern=CITY_PATTERN)]
AgencyCode = Annotated[str, StringConstraints(pattern=AGENCY_PATTERN)]
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
RequestId = Annotated[str, StringConstraints(pattern=REQUEST_ID_PATTERN)]
Identifier = Annotated[str, StringConstraints(pattern=IDENTIFIER_PATTERN)]
EventId = Annotated[str, StringConstraints(pattern=EVENT_ID_PATTERN)]
Sha256Hex = Annotated[str, StringConstraints(pattern=SHA256_PATTERN)]
HexString = Annotated[str, StringConstraints(pattern=HEX_PATTERN)]
ReasonCode = Annotated[str, StringConstraints(pattern=REASON_CODE_PATTERN)]

ShortText = Annotated[str, StringConstraints(min_length=1, max_length=128)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=500)]
Note = Annotated[str, StringConstraints(max_length=1000)]


def _to_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


UtcDatetime = Annotated[AwareDatetime, AfterValidator(_to_utc)]
"""A timestamp that must carry a timezone; it is normalised to UTC."""
