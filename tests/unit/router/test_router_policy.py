"""Written policies: neutral by default; any preference must be a written rule."""

from __future__ import annotations

import pytest

from router import (
    CURRENT_POLICY,
    POLICIES,
    InvalidPolicy,
    OfficeKind,
    Policy,
    UnknownPolicy,
    policy_named,
)


def test_the_current_policy_is_neutral_and_registered() -> None:
    assert CURRENT_POLICY.is_neutral()
    assert CURRENT_POLICY.rules == ()
    assert POLICIES[CURRENT_POLICY.version] is CURRENT_POLICY
    assert CURRENT_POLICY.prefer_nearest_tier


def test_the_agency_first_policy_is_a_written_rule_for_what_if_replays() -> None:
    agency_first = policy_named("2026.11-agency-first")
    assert not agency_first.is_neutral()
    assert agency_first.rules
    assert agency_first.weight_of(OfficeKind.AGENCY) > agency_first.weight_of(OfficeKind.GENERAL)


def test_a_kind_preference_without_a_written_rule_is_refused() -> None:
    with pytest.raises(InvalidPolicy):
        Policy(version="x", kind_weights={OfficeKind.AGENCY: 2.0, OfficeKind.GENERAL: 1.0})


def test_non_positive_weights_are_refused() -> None:
    with pytest.raises(InvalidPolicy):
        Policy(version="x", kind_weights={OfficeKind.AGENCY: 0.0, OfficeKind.GENERAL: 0.0})


def test_an_unknown_policy_name_raises() -> None:
    with pytest.raises(UnknownPolicy):
        policy_named("1999.01-1")


def test_policies_are_immutable_and_hashable() -> None:
    policy = Policy(version="x", kind_weights={OfficeKind.AGENCY: 1.0})
    assert hash(policy) == hash(Policy(version="x", kind_weights={OfficeKind.AGENCY: 1.0}))
    with pytest.raises(TypeError):
        policy.kind_weights[OfficeKind.AGENCY] = 5.0  # type: ignore[index]
