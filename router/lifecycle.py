"""What a licence becomes when a lifecycle command is applied to it.

Issuing replaces whatever was there; every other command needs an existing office.
Revocation is final: only a fresh issue brings the office back.
"""

from __future__ import annotations

from dataclasses import replace

from router.commands import (
    AmendLicence,
    IssueLicence,
    LicenceCommand,
    ReinstateLicence,
    RevokeLicence,
    SuspendLicence,
)
from router.exceptions import IllegalLicenceTransition, UnknownOffice
from router.licences import Licence, LicenceStatus


def next_licence(current: Licence | None, command: LicenceCommand) -> Licence:
    if isinstance(command, IssueLicence):
        return command.licence()
    if current is None:
        raise UnknownOffice(command.office_id)
    _refuse_if_revoked(current, command)
    return _transition(current, command)


def _transition(current: Licence, command: LicenceCommand) -> Licence:
    if isinstance(command, AmendLicence):
        return _amended(current, command)
    if isinstance(command, SuspendLicence):
        return replace(current, status=LicenceStatus.SUSPENDED, status_reason=command.reason)
    if isinstance(command, ReinstateLicence):
        return replace(current, status=LicenceStatus.ACTIVE, status_reason=None)
    if isinstance(command, RevokeLicence):
        return replace(current, status=LicenceStatus.REVOKED, status_reason=command.reason)
    raise TypeError(f"not a licence command: {command!r}")


def _amended(current: Licence, command: AmendLicence) -> Licence:
    return replace(
        current,
        licence_id=command.licence_id,
        scope=command.scope,
        region=command.region,
        valid_from=command.valid_from,
        valid_to=command.valid_to,
        capacity=command.capacity,
    )


def _refuse_if_revoked(current: Licence, command: LicenceCommand) -> None:
    if current.status is LicenceStatus.REVOKED and not isinstance(command, RevokeLicence):
        raise IllegalLicenceTransition(
            f"{current.office_id}: licence {current.licence_id} is revoked; "
            f"{type(command).__name__} is refused (issue a new licence instead)"
        )
