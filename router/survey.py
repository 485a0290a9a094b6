"""Walking the tiers an index lookup returns, judging each office exactly once."""

from __future__ import annotations

from dataclasses import dataclass, field

from router.eligibility import Finding, RuleContext, first_failure, is_eligible
from router.licences import Licence
from router.outcomes import Exclusion
from router.reasons import ExclusionReason
from router.regions import Tier
from router.registry import OfficeRegistry


@dataclass(slots=True)
class Survey:
    """What has been considered so far for one request (a working accumulator)."""

    considered: set[str] = field(default_factory=set)
    eligible: list[tuple[Licence, Tier]] = field(default_factory=list)
    exclusions: list[Exclusion] = field(default_factory=list)
    widening_would_help: bool = False

    def note_if_widening_helps(self, ctx: RuleContext, licence: Licence) -> None:
        if not self.widening_would_help:
            self.widening_would_help = first_failure(ctx, licence, ignore_reach=True) is None

    def exclude(self, office_id: str, finding: Finding) -> None:
        reason, detail = finding
        self.exclusions.append(Exclusion(office_id, reason, detail))


def survey_tier(ctx: RuleContext, registry: OfficeRegistry, tier: Tier, survey: Survey) -> int:
    """Judge the tier's offices; returns how many of them are eligible."""
    before = len(survey.eligible)
    for office_id in _fresh(ctx, registry, tier, survey):
        licence = registry.get(office_id)
        if licence is not None and is_eligible(ctx, licence):
            survey.eligible.append((licence, tier))
            continue
        finding = first_failure(ctx, licence)
        assert finding is not None  # is_eligible and first_failure agree
        survey.exclude(office_id, finding)
    return len(survey.eligible) - before


def survey_beyond_reach(
    ctx: RuleContext, registry: OfficeRegistry, tier: Tier, survey: Survey
) -> None:
    """Judge a tier the service may not reach: would widening the reach have helped?"""
    for office_id in _fresh(ctx, registry, tier, survey):
        licence = registry.get(office_id)
        finding = first_failure(ctx, licence)
        if finding is None:  # only reachable offices are eligible; kept for safety
            continue
        survey.exclude(office_id, finding)
        if licence is not None and finding[0] is ExclusionReason.REGION_OUT_OF_REACH:
            survey.note_if_widening_helps(ctx, licence)


def _fresh(ctx: RuleContext, registry: OfficeRegistry, tier: Tier, survey: Survey) -> list[str]:
    found = registry.offices_for(ctx.service, ctx.request.region, tier)
    fresh = [office_id for office_id in found if office_id not in survey.considered]
    survey.considered.update(fresh)
    return fresh
