"""Fair shares weighted by capacity, skipped offices, and the agency split."""

from __future__ import annotations

import pytest

from ops.fairness import DecisionFacts, compute, facts_of
from ops.render import fairness_text


def decided(i: int, office: str, kind: str, candidates: tuple[tuple[str, str, int], ...],
            service: str = "CIV-101") -> DecisionFacts:
    return DecisionFacts(f"REQ-{i:07d}", 1, "assigned", office, kind, service, candidates)


PAIR = (("GEN-1", "general", 30), ("AGC-1", "agency", 10))


def test_fair_share_is_the_capacity_weighted_share_of_each_decision() -> None:
    decisions = [decided(i, "GEN-1" if i % 4 else "AGC-1",
                         "general" if i % 4 else "agency", PAIR) for i in range(40)]
    report = compute(decisions, service_agency={"CIV-101": "civil-registry"},
                     agencies_with_offices=frozenset({"civil-registry"}))
    shares = {o.office_id: o for o in report.offices}
    assert shares["GEN-1"].fair_share == pytest.approx(30.0)
    assert shares["AGC-1"].fair_share == pytest.approx(10.0)
    assert (shares["GEN-1"].assigned, shares["AGC-1"].assigned) == (30, 10)
    assert shares["GEN-1"].ratio == pytest.approx(1.0)
    assert report.skipped == []
    a = report.agency_services
    assert (a.decisions, a.to_agency, a.to_general) == (40, 10, 30)
    assert a.agency_fair_share == pytest.approx(10.0)


def test_an_office_getting_less_than_half_its_share_is_flagged() -> None:
    decisions = [decided(i, "AGC-1", "agency", PAIR) for i in range(40)]
    report = compute(decisions, service_agency={}, agencies_with_offices=frozenset())
    [skipped] = report.skipped
    assert skipped.office_id == "GEN-1"
    assert skipped.assigned == 0
    assert report.offices[0].office_id == "GEN-1"  # worst ratio first
    assert report.agency_services.decisions == 0  # no agency owns offices here


def test_too_few_samples_are_not_flagged() -> None:
    decisions = [decided(i, "AGC-1", "agency", PAIR) for i in range(5)]
    report = compute(decisions, service_agency={}, agencies_with_offices=frozenset())
    assert report.skipped == []
    assert compute(decisions, service_agency={}, agencies_with_offices=frozenset(),
                   min_samples=5, min_expected=1).skipped[0].office_id == "GEN-1"


def test_unroutable_decisions_owe_nothing() -> None:
    facts = [DecisionFacts("REQ-0000001", 1, "unroutable", None, None, "CIV-101", ())]
    report = compute(facts, service_agency={"CIV-101": "civil-registry"},
                     agencies_with_offices=frozenset({"civil-registry"}))
    assert (report.decisions, report.assigned, report.offices) == (1, 0, [])


def test_services_of_agencies_without_agency_offices_are_not_agency_services() -> None:
    decisions = [decided(1, "GEN-1", "general", PAIR, "TAX-201"),
                 decided(2, "AGC-1", "agency", PAIR, "CIV-101")]
    report = compute(decisions, service_agency={"TAX-201": "tax", "CIV-101": "civil-registry"},
                     agencies_with_offices=frozenset({"civil-registry"}))
    assert set(report.by_agency) == {"civil-registry"}
    assert report.agency_services.to_agency == 1
    text = fairness_text(report.to_dict())
    assert "agency services: 1 assigned, 1 to agency offices (100%)" in text


def test_facts_come_from_a_decision_row() -> None:
    row = {"request_id": "REQ-0000001", "attempt": 2, "outcome": "assigned",
           "office_id": "GEN-1", "office_kind": "general", "service_code": "CIV-101",
           "explanation": '{"candidates": [{"office_id": "GEN-1", "kind": "general", '
                          '"capacity": 5}]}'}
    assert facts_of(row).candidates == (("GEN-1", "general", 5),)
