"""Licence changes applied mid-stream, and what they do (and do not do) to requests."""

from __future__ import annotations

from engine_builders import Desk, desk_with, of_type, only_refusal
from router_builders import issue

from router import (
    ExclusionReason,
    LicenceStatus,
    ReinstateLicence,
    RevokeLicence,
    SuspendLicence,
)
from router.effects import Decided, OfficeOpened
from router.states import RefusalReason, RequestState

S = RequestState


def _other(office: str) -> str:
    return "O-B" if office == "O-A" else "O-A"


def test_issuing_a_licence_opens_the_office() -> None:
    desk = Desk()

    effects = desk.license(issue("O-A"))

    assert effects == [OfficeOpened("O-A")]
    assert desk.licence("O-A").status is LicenceStatus.ACTIVE
    assert desk.core.registry.get("O-A") == desk.licence("O-A")


def test_a_suspended_office_gets_no_new_requests_and_the_decision_says_why() -> None:
    desk = desk_with("O-A", "O-B")
    desk.submit("R-1")
    held = desk.office("R-1")

    assert desk.license(SuspendLicence(held, "audit")) == []
    effects = desk.submit("R-2")

    assert desk.office("R-2") == _other(held)
    decision = of_type(effects, Decided)[0].decision
    assert [(x.office_id, x.reason) for x in decision.exclusions] == [
        (held, ExclusionReason.LICENCE_SUSPENDED)
    ]


def test_suspension_leaves_an_in_flight_assignment_to_be_accepted_and_fulfilled() -> None:
    desk = desk_with("O-A", "O-B")
    desk.submit("R-1")
    held = desk.office("R-1")

    desk.license(SuspendLicence(held, "audit"))
    desk.accept("R-1")
    desk.fulfil("R-1")

    assert desk.state("R-1") is S.FULFILLED
    assert desk.office("R-1") == held
    assert desk.load(held) == 0


def test_a_reinstated_office_takes_requests_again() -> None:
    desk = desk_with("O-A")
    desk.license(SuspendLicence("O-A", "audit"))
    desk.submit("R-1")

    desk.license(ReinstateLicence("O-A"))
    desk.submit("R-2")

    assert desk.state("R-1") is S.UNROUTABLE
    assert desk.office("R-2") == "O-A"


def test_suspending_an_unknown_office_is_refused() -> None:
    desk = desk_with("O-A")

    refusal = only_refusal(desk.license(SuspendLicence("O-404", "audit")))

    assert refusal.reason is RefusalReason.UNKNOWN_OFFICE
    assert refusal.office_id == "O-404"
    assert "O-404" not in desk.core.licences


def test_reinstating_a_revoked_licence_is_an_illegal_transition() -> None:
    desk = desk_with("O-A")
    desk.license(RevokeLicence("O-A", "fraud"))
    revoked = desk.licence("O-A")

    refusal = only_refusal(desk.license(ReinstateLicence("O-A")))

    assert refusal.reason is RefusalReason.ILLEGAL_TRANSITION
    assert desk.licence("O-A") == revoked
    assert revoked.status is LicenceStatus.REVOKED


def test_an_invalid_licence_is_refused_and_not_stored() -> None:
    desk = Desk()

    refusal = only_refusal(desk.license(issue("O-A", capacity=-1)))

    assert refusal.reason is RefusalReason.ILLEGAL_TRANSITION
    assert desk.core.licences == {}


def test_a_revoked_office_is_not_routed_to() -> None:
    desk = desk_with("O-A", "O-B")
    desk.license(RevokeLicence("O-A", "fraud"))

    for n in range(4):
        desk.submit(f"R-{n}")

    assert {desk.office(f"R-{n}") for n in range(4)} == {"O-B"}


def test_licence_changes_are_kept_in_the_durable_licence_mapping() -> None:
    desk = desk_with("O-A")

    desk.license(SuspendLicence("O-A", "audit"))

    stored = desk.licence("O-A")
    assert (stored.status, stored.status_reason) == (LicenceStatus.SUSPENDED, "audit")
