"""The office registry: licence lifecycle commands and the index kept with them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from router_builders import ISFAHAN, REY, T0, TEHRAN, agency_office, issue, registry_of, service

from router import (
    AmendLicence,
    IllegalLicenceTransition,
    InvalidLicence,
    LicenceStatus,
    OfficeKind,
    ReinstateLicence,
    RevokeLicence,
    Scope,
    SuspendLicence,
    Tier,
    UnknownOffice,
)


def _amend(office_id: str, **changes: object) -> AmendLicence:
    fields: dict[str, object] = {
        "office_id": office_id,
        "licence_id": f"L-{office_id}-2",
        "scope": Scope(frozenset(), True, frozenset()),
        "region": TEHRAN,
        "valid_from": T0 - timedelta(days=1),
        "valid_to": T0 + timedelta(days=1),
        "capacity": 5,
    }
    fields.update(changes)
    return AmendLicence(**fields)  # type: ignore[arg-type]


def test_issuing_a_licence_registers_an_active_office() -> None:
    registry = registry_of(issue("O-1"))
    licence = registry.get("O-1")
    assert licence is not None
    assert licence.status is LicenceStatus.ACTIVE
    assert len(registry) == 1


def test_reissuing_an_existing_office_replaces_its_licence() -> None:
    registry = registry_of(issue("O-1", capacity=3), issue("O-1", capacity=7, region=REY))
    licence = registry.get("O-1")
    assert licence is not None
    assert (licence.capacity, licence.region) == (7, REY)
    assert len(registry) == 1
    assert registry.offices_for(service(), TEHRAN, Tier.CITY) == set()
    assert registry.offices_for(service(), REY, Tier.CITY) == {"O-1"}


@pytest.mark.parametrize(
    "command",
    [
        _amend("O-404"),
        SuspendLicence("O-404", "audit"),
        ReinstateLicence("O-404"),
        RevokeLicence("O-404", "fraud"),
    ],
)
def test_commands_for_an_unknown_office_raise_unknown_office(command: object) -> None:
    registry = registry_of(issue("O-1"))
    with pytest.raises(UnknownOffice):
        registry.apply(command)  # type: ignore[arg-type]


def test_suspending_then_reinstating_restores_an_active_licence() -> None:
    registry = registry_of(issue("O-1"), SuspendLicence("O-1", "audit"))
    suspended = registry.get("O-1")
    assert suspended is not None
    assert (suspended.status, suspended.status_reason) == (LicenceStatus.SUSPENDED, "audit")
    registry.apply(ReinstateLicence("O-1"))
    reinstated = registry.get("O-1")
    assert reinstated is not None
    assert (reinstated.status, reinstated.status_reason) == (LicenceStatus.ACTIVE, None)


def test_revocation_is_final_and_reinstating_is_refused() -> None:
    registry = registry_of(issue("O-1"), RevokeLicence("O-1", "fraud"))
    with pytest.raises(IllegalLicenceTransition):
        registry.apply(ReinstateLicence("O-1"))
    with pytest.raises(IllegalLicenceTransition):
        registry.apply(SuspendLicence("O-1", "again"))
    with pytest.raises(IllegalLicenceTransition):
        registry.apply(_amend("O-1"))
    licence = registry.get("O-1")
    assert licence is not None
    assert licence.status is LicenceStatus.REVOKED


def test_a_revoked_office_leaves_the_index_but_stays_in_the_registry() -> None:
    registry = registry_of(issue("O-1"), RevokeLicence("O-1", "fraud"))
    assert registry.offices_for(service(), TEHRAN, Tier.CITY) == set()
    assert registry.get("O-1") is not None


def test_a_revoked_office_can_be_issued_a_new_licence() -> None:
    registry = registry_of(issue("O-1"), RevokeLicence("O-1", "fraud"), issue("O-1"))
    assert registry.offices_for(service(), TEHRAN, Tier.CITY) == {"O-1"}


def test_amending_the_region_moves_the_office_in_the_index() -> None:
    registry = registry_of(issue("O-1"), _amend("O-1", region=ISFAHAN))
    assert registry.offices_for(service(), TEHRAN, Tier.CITY) == set()
    assert registry.offices_for(service(), ISFAHAN, Tier.CITY) == {"O-1"}
    assert registry.offices_for(service(), TEHRAN, Tier.NATIONAL) == {"O-1"}


def test_amending_the_scope_adds_and_removes_listed_services() -> None:
    listed = service("S-DEED", delegated=False)
    registry = registry_of(issue("O-1", all_delegated=False))
    assert registry.offices_for(listed, TEHRAN, Tier.CITY) == set()
    registry.apply(_amend("O-1", scope=Scope(frozenset({"S-DEED"}), False, frozenset())))
    assert registry.offices_for(listed, TEHRAN, Tier.CITY) == {"O-1"}
    registry.apply(_amend("O-1", scope=Scope(frozenset(), False, frozenset())))
    assert registry.offices_for(listed, TEHRAN, Tier.CITY) == set()


def test_amending_keeps_kind_agency_and_status() -> None:
    registry = registry_of(agency_office("O-1"), SuspendLicence("O-1", "audit"), _amend("O-1"))
    licence = registry.get("O-1")
    assert licence is not None
    assert (licence.kind, licence.agency) == (OfficeKind.AGENCY, "police")
    assert licence.status is LicenceStatus.SUSPENDED
    assert licence.licence_id == "L-O-1-2"


def test_the_index_files_offices_by_how_they_may_cover_a_service() -> None:
    registry = registry_of(
        issue("G-ALL"),
        issue("G-LIST", all_delegated=False, services={"S-PASSPORT"}),
        issue("G-OTHER", all_delegated=False, services={"S-X"}),
        agency_office("A-POLICE"),
        agency_office("A-TAX", agency="tax"),
    )
    assert registry.offices_for(service(), TEHRAN, Tier.CITY) == {"G-ALL", "G-LIST", "A-POLICE"}


def test_the_province_tier_holds_the_other_cities_of_the_province_only() -> None:
    registry = registry_of(
        issue("O-TEH"), issue("O-REY", region=REY), issue("O-ISF", region=ISFAHAN)
    )
    assert registry.offices_for(service(), TEHRAN, Tier.PROVINCE) == {"O-REY"}
    assert registry.offices_for(service(), TEHRAN, Tier.NATIONAL) == {"O-ISF"}


def test_snapshot_of_returns_the_current_licences_and_none_for_unknown_offices() -> None:
    registry = registry_of(issue("O-1"))
    snapshot = registry.snapshot_of(["O-1", "O-404"])
    assert snapshot["O-1"] == registry.get("O-1")
    assert snapshot["O-404"] is None


@pytest.mark.parametrize(
    "bad",
    [
        {"kind": OfficeKind.AGENCY, "agency": None},
        {"kind": OfficeKind.GENERAL, "agency": "police"},
        {"capacity": -1},
        {"valid_from": T0, "valid_to": T0},
        {"valid_from": T0.replace(tzinfo=None)},
    ],
)
def test_contradictory_licences_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(InvalidLicence):
        issue("O-1", **bad).licence()  # type: ignore[arg-type]
