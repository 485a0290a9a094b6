"""Licence lifecycle commands, applied to the registry in the order they were issued."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from router.licences import Licence, OfficeKind, Scope
from router.regions import Region


@dataclass(frozen=True, slots=True)
class IssueLicence:
    office_id: str
    licence_id: str
    kind: OfficeKind
    agency: str | None
    scope: Scope
    region: Region
    valid_from: datetime
    valid_to: datetime
    capacity: int

    def licence(self) -> Licence:
        return Licence(
            office_id=self.office_id,
            licence_id=self.licence_id,
            kind=self.kind,
            agency=self.agency,
            scope=self.scope,
            region=self.region,
            valid_from=self.valid_from,
            valid_to=self.valid_to,
            capacity=self.capacity,
        )


@dataclass(frozen=True, slots=True)
class AmendLicence:
    office_id: str
    licence_id: str
    scope: Scope
    region: Region
    valid_from: datetime
    valid_to: datetime
    capacity: int


@dataclass(frozen=True, slots=True)
class SuspendLicence:
    office_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class ReinstateLicence:
    office_id: str


@dataclass(frozen=True, slots=True)
class RevokeLicence:
    office_id: str
    reason: str


LicenceCommand = IssueLicence | AmendLicence | SuspendLicence | ReinstateLicence | RevokeLicence
