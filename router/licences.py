"""The regulator's grant to an office: what it may deliver, where, when, how much."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from router.exceptions import InvalidLicence
from router.instants import is_aware
from router.regions import Region


class OfficeKind(StrEnum):
    GENERAL = "general"
    AGENCY = "agency"


class LicenceStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


@dataclass(frozen=True, slots=True)
class Scope:
    """Services listed by code, all delegated services at once, and specialised branches.

    For an agency office `all_delegated` means every service of its own agency.
    """

    services: frozenset[str] = frozenset()
    all_delegated: bool = False
    branches: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Licence:
    office_id: str
    licence_id: str
    kind: OfficeKind
    agency: str | None
    scope: Scope
    region: Region
    valid_from: datetime
    valid_to: datetime
    capacity: int
    status: LicenceStatus = LicenceStatus.ACTIVE
    status_reason: str | None = None

    def __post_init__(self) -> None:
        _check_agency(self)
        _check_window(self)
        if self.capacity < 0:
            raise InvalidLicence(f"{self.office_id}: capacity {self.capacity} is negative")


def _check_agency(licence: Licence) -> None:
    if licence.kind is OfficeKind.AGENCY and not licence.agency:
        raise InvalidLicence(f"{licence.office_id}: an agency office needs its agency")
    if licence.kind is OfficeKind.GENERAL and licence.agency is not None:
        raise InvalidLicence(f"{licence.office_id}: a general office belongs to no agency")


def _check_window(licence: Licence) -> None:
    if not (is_aware(licence.valid_from) and is_aware(licence.valid_to)):
        raise InvalidLicence(f"{licence.office_id}: validity instants must carry a timezone")
    if licence.valid_from >= licence.valid_to:
        raise InvalidLicence(f"{licence.office_id}: valid_from must precede valid_to")
