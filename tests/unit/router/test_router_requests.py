"""Routing requests are frozen, hashable values that refuse malformed input."""

from __future__ import annotations

import pytest
from router_builders import T0, request

from router import ExclusionReason, InvalidRequest


def test_a_request_with_exclusions_is_hashable_and_equal_by_value() -> None:
    first = request(
        excluded={
            "O-2": ExclusionReason.PREVIOUSLY_REJECTED,
            "O-1": ExclusionReason.PREVIOUSLY_TIMED_OUT,
        }
    )
    second = request(
        excluded={
            "O-1": ExclusionReason.PREVIOUSLY_TIMED_OUT,
            "O-2": ExclusionReason.PREVIOUSLY_REJECTED,
        }
    )
    assert first == second
    assert hash(first) == hash(second)
    assert list(first.excluded) == ["O-1", "O-2"]


def test_exclusions_may_only_carry_prior_attempt_reasons() -> None:
    with pytest.raises(InvalidRequest):
        request(excluded={"O-1": ExclusionReason.CAPACITY_EXHAUSTED})


def test_attempts_start_at_one() -> None:
    with pytest.raises(InvalidRequest):
        request(attempt=0)


def test_submitted_at_must_carry_a_timezone() -> None:
    with pytest.raises(InvalidRequest):
        request(at=T0.replace(tzinfo=None))
