"""Classifying re-derived vs recorded decisions, and joining them on the fly."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from ops import compare
from ops.replay import Counts, Joiner, Scope, WhatIf

View = dict[str, Any]


def cand(office: str, rank: int, *, kind: str = "general", load: int = 0,
         capacity: int = 10) -> dict[str, Any]:
    return {"office_id": office, "kind": kind, "tier": "city", "load": load,
            "capacity": capacity, "utilisation": load / capacity,
            "score": (load + 0.5) / capacity, "tie_break": "ab", "rank": rank}


def view(rid: str = "REQ-0000001", attempt: int = 1, *, office: str | None = "GEN-1",
         digest: str = "d" * 64, policy: str = "2026.11-1",
         candidates: list[dict[str, Any]] | None = None,
         exclusions: list[dict[str, Any]] | None = None,
         preferred: dict[str, Any] | None = None, at: str = "2026-11-27T06:01:00Z") -> View:
    return {
        "request_id": rid, "attempt": attempt,
        "outcome": "assigned" if office else "unroutable", "office_id": office,
        "office_kind": "general" if office else None, "policy_version": policy,
        "inputs_digest": digest, "decided_at": at,
        "candidates": candidates if candidates is not None else [cand("GEN-1", 1),
                                                                  cand("GEN-2", 2)],
        "exclusions": exclusions or [], "preferred": preferred,
    }


def test_same_digest_and_office_is_a_match() -> None:
    result = compare.classify(view(), view())
    assert result.matched
    assert not result.assignment_changed


def test_another_policy_is_named_first_and_counts_changed_assignments() -> None:
    recorded = view()
    replayed = view(office="AGC-1", digest="e" * 64, policy="2026.11-agency-first")
    result = compare.classify(recorded, replayed)
    assert result.cause == compare.POLICY_VERSION_CHANGED
    assert result.assignment_changed
    assert "office GEN-1 -> AGC-1" in result.details


def test_a_policy_change_that_keeps_the_office_is_not_a_changed_assignment() -> None:
    result = compare.classify(view(), view(digest="e" * 64, policy="other"))
    assert result.cause == compare.POLICY_VERSION_CHANGED
    assert not result.assignment_changed


def test_same_digest_other_office_is_nondeterminism() -> None:
    assert compare.classify(view(), view(office="GEN-2")).cause == compare.NONDETERMINISM


def test_only_loads_differ_is_a_load_snapshot_difference() -> None:
    replayed = view(digest="e" * 64, office="GEN-2",
                    candidates=[cand("GEN-2", 1), cand("GEN-1", 2, load=3)])
    result = compare.classify(view(), replayed)
    assert result.cause == compare.LOAD_SNAPSHOT_DIFFERED
    assert any("GEN-1" in d and "load 3/10" in d for d in result.details)


def test_capacity_exhausted_on_one_side_is_a_load_difference() -> None:
    replayed = view(digest="e" * 64, candidates=[cand("GEN-1", 1)], exclusions=[
        {"office_id": "GEN-2", "reason": "CAPACITY_EXHAUSTED", "detail": "full"}])
    assert compare.classify(view(), replayed).cause == compare.LOAD_SNAPSHOT_DIFFERED


def test_licence_differences_mean_the_registry_lagged() -> None:
    suspended = view(digest="e" * 64, candidates=[cand("GEN-1", 1)], exclusions=[
        {"office_id": "GEN-2", "reason": "LICENCE_SUSPENDED", "detail": "x"}])
    assert compare.classify(view(), suspended).cause == compare.REGISTRY_LAGGING
    unknown = view(digest="e" * 64, candidates=[cand("GEN-1", 1)])  # GEN-2 not considered
    assert compare.classify(view(), unknown).cause == compare.REGISTRY_LAGGING
    bigger = view(digest="e" * 64, candidates=[cand("GEN-1", 1), cand("GEN-2", 2, capacity=20)])
    assert compare.classify(view(), bigger).cause == compare.REGISTRY_LAGGING
    other_reason = copy.deepcopy(suspended)
    other_reason["exclusions"][0]["reason"] = "CAPACITY_EXHAUSTED"
    other_reason["inputs_digest"] = "f" * 64
    assert compare.classify(suspended, other_reason).cause == compare.REGISTRY_LAGGING


def test_request_differences_are_input_differences() -> None:
    pref = view(digest="e" * 64, preferred={"office_id": "GEN-2", "honoured": False,
                                            "reason": "CAPACITY_EXHAUSTED", "detail": None})
    assert compare.classify(view(), pref).cause == compare.INPUT_DIFFERS
    prior = view(digest="e" * 64, candidates=[cand("GEN-1", 1)], exclusions=[
        {"office_id": "GEN-2", "reason": "PREVIOUSLY_REJECTED", "detail": "x"}])
    assert compare.classify(view(), prior).cause == compare.INPUT_DIFFERS
    # Same offices, licences and loads: the digest can only differ by request / service.
    assert compare.classify(view(), view(digest="e" * 64)).cause == compare.INPUT_DIFFERS


def test_the_recorded_payload_and_the_decision_make_the_same_view() -> None:
    from router import CURRENT_POLICY, Decision, Outcome

    decision = Decision("REQ-0000001", 1, Outcome.UNROUTABLE, None, None, None,
                        CURRENT_POLICY.version, (), (), None, False, "f" * 64)
    replayed = compare.replayed_view(decision, datetime(2026, 11, 27, 6, tzinfo=UTC))
    payload = {"request_id": "REQ-0000001", "attempt": 1, "outcome": "unroutable",
               "office_id": None, "office_kind": None, "assignment_id": None,
               "policy_version": CURRENT_POLICY.version, "inputs_digest": "f" * 64,
               "decided_at": "2026-11-27T06:00:00Z",
               "explanation": {"candidates": [], "exclusions": [], "preferred": None,
                               "widening_would_help": False}}
    assert compare.recorded_view(payload) == replayed
    assert compare.classify(compare.recorded_view(payload), replayed).matched


def _joiner(scope: Scope | None = None) -> tuple[Joiner, list[dict[str, Any]]]:
    lines: list[dict[str, Any]] = []
    return Joiner(scope or Scope(), lines.append, Counts(), WhatIf()), lines


def test_the_joiner_pairs_out_of_step_streams_and_reports_the_leftovers() -> None:
    joiner, lines = _joiner()
    joiner.add_replayed(view("REQ-A0000001"), 5, "23")
    joiner.add_recorded(view("REQ-B0000001"))
    joiner.add_recorded(view("REQ-A0000001"))
    joiner.add_replayed(view("REQ-B0000001"), 6, "23")
    assert joiner.idle
    joiner.add_replayed(view("REQ-C0000001"), 7, "23")
    joiner.add_recorded(view("REQ-D0000001"))
    joiner.finish()
    c = joiner.counts
    assert (c.compared, c.matched, c.divergent) == (4, 2, 2)
    assert c.causes == {compare.MISSING_RECORDED: 1, compare.MISSING_REPLAYED: 1}
    assert {(line["request_id"], line["cause"]) for line in lines} == {
        ("REQ-C0000001", compare.MISSING_RECORDED), ("REQ-D0000001", compare.MISSING_REPLAYED)}


def test_the_joiner_buffers_stay_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    import ops.replay

    monkeypatch.setattr(ops.replay, "MAX_PENDING", 3)
    joiner, lines = _joiner()
    for i in range(10):
        joiner.add_replayed(view(f"REQ-{i:07d}"), i, None)
        assert len(joiner.replayed) <= 3
    assert len(lines) == 7


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        (Scope(), 3),
        (Scope(from_offset=2), 2),
        (Scope(from_offset=2, to_offset=2), 1),
        (Scope(requests=frozenset({"REQ-0000003"})), 1),
        (Scope(since=datetime(2026, 11, 27, 7, tzinfo=UTC)), 2),
        (Scope(until=datetime(2026, 11, 27, 7, tzinfo=UTC)), 1),
    ],
)
def test_the_scope_restricts_only_the_comparison(scope: Scope, expected: int) -> None:
    joiner, _ = _joiner(scope)
    for i, at in enumerate(("06:00", "07:00", "08:00"), 1):
        v = view(f"REQ-{i:07d}", at=f"2026-11-27T{at}:00Z")
        joiner.add_recorded(v)
        joiner.add_replayed(v, i, None)
    assert joiner.counts.compared == expected
    assert joiner.counts.recorded_decisions == 3


def test_what_if_counts_the_shift_per_kind_and_province() -> None:
    joiner, _ = _joiner()
    recorded = view()
    replayed = view(digest="e" * 64, policy="x", office="AGC-1")
    replayed["office_kind"] = "agency"
    joiner.add_recorded(recorded)
    joiner.add_replayed(replayed, 1, "23")
    dist = joiner.what_if.to_dict()
    assert dist["changed_assignments"] == 1
    assert {r["kind"]: r["shift"] for r in dist["by_office_kind"]} == {"agency": 1,
                                                                       "general": -1}
    assert {(r["province"], r["kind"], r["shift"]) for r in dist["by_province"]} == {
        ("23", "agency", 1), ("23", "general", -1)}
