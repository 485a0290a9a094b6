"""Deciding where a request goes, and answering "why not office Y?".

Order of business: the preferred office, if eligible, is honoured. Otherwise the
tiers the service may reach are walked nearest first and the first tier with an
eligible office is ranked (or, with `prefer_nearest_tier=False`, every reachable
tier is ranked together). If nothing is eligible, the tiers beyond the service's
reach are walked only to learn whether widening the reach would help.
"""

from __future__ import annotations

from collections.abc import Mapping

from router.catalog import Catalog
from router.decision import Decision, assignment_id
from router.digest import inputs_digest
from router.eligibility import RuleContext, first_failure
from router.outcomes import Candidate, Exclusion, Outcome, PreferredOutcome
from router.policy import Policy
from router.reasons import ExclusionReason
from router.regions import allowed_tiers, tier_between, tiers_beyond
from router.registry import OfficeRegistry
from router.requests import RoutingRequest
from router.selection import rank_candidates
from router.survey import Survey, survey_beyond_reach, survey_tier


def decide(
    request: RoutingRequest,
    catalog: Catalog,
    registry: OfficeRegistry,
    load: Mapping[str, int],
    policy: Policy,
) -> Decision:
    ctx = RuleContext(request, catalog.require(request.service_code), load)
    survey = Survey()
    preferred = _consider_preferred(ctx, registry, survey)
    if preferred is None or not preferred.honoured:
        _walk_reachable(ctx, registry, policy, survey)
    ranked = rank_candidates(request.request_id, survey.eligible, load, policy)
    if not ranked:
        _walk_beyond_reach(ctx, registry, survey)
    return _decision(ctx, registry, policy, survey, preferred, ranked)


def explain_office(
    request: RoutingRequest,
    catalog: Catalog,
    registry: OfficeRegistry,
    load: Mapping[str, int],
    policy: Policy,
    office_id: str,
) -> Exclusion | Candidate:
    """The office's exclusion, or its candidacy ranked among the offices of its tier."""
    ctx = RuleContext(request, catalog.require(request.service_code), load)
    licence = registry.get(office_id)
    finding = first_failure(ctx, licence)
    if finding is not None:
        return Exclusion(office_id, finding[0], finding[1])
    assert licence is not None  # an unknown office always has a finding
    tier = tier_between(request.region, licence.region)
    survey = Survey()
    for pooled in (tier,) if policy.prefer_nearest_tier else allowed_tiers(ctx.service.reach):
        survey_tier(ctx, registry, pooled, survey)
    if office_id not in survey.considered:
        survey.eligible.append((licence, tier))
    ranked = rank_candidates(request.request_id, survey.eligible, load, policy)
    return next(candidate for candidate in ranked if candidate.office_id == office_id)


def _consider_preferred(
    ctx: RuleContext, registry: OfficeRegistry, survey: Survey
) -> PreferredOutcome | None:
    office_id = ctx.request.preferred_office
    if office_id is None:
        return None
    survey.considered.add(office_id)
    licence = registry.get(office_id)
    finding = first_failure(ctx, licence)
    if finding is None and licence is not None:
        survey.eligible.append((licence, tier_between(ctx.request.region, licence.region)))
        return PreferredOutcome(office_id, honoured=True)
    assert finding is not None  # an eligible office always has a licence
    survey.exclude(office_id, finding)
    if licence is not None and finding[0] is ExclusionReason.REGION_OUT_OF_REACH:
        survey.note_if_widening_helps(ctx, licence)
    return PreferredOutcome(office_id, honoured=False, reason=finding[0], detail=finding[1])


def _walk_reachable(
    ctx: RuleContext, registry: OfficeRegistry, policy: Policy, survey: Survey
) -> None:
    for tier in allowed_tiers(ctx.service.reach):
        found = survey_tier(ctx, registry, tier, survey)
        if found and policy.prefer_nearest_tier:
            return


def _walk_beyond_reach(ctx: RuleContext, registry: OfficeRegistry, survey: Survey) -> None:
    for tier in tiers_beyond(ctx.service.reach):
        survey_beyond_reach(ctx, registry, tier, survey)
        if survey.widening_would_help:
            return


def _decision(
    ctx: RuleContext,
    registry: OfficeRegistry,
    policy: Policy,
    survey: Survey,
    preferred: PreferredOutcome | None,
    ranked: tuple[Candidate, ...],
) -> Decision:
    request = ctx.request
    chosen = ranked[0] if ranked else None
    return Decision(
        request_id=request.request_id,
        attempt=request.attempt,
        outcome=Outcome.ASSIGNED if chosen else Outcome.UNROUTABLE,
        office_id=chosen.office_id if chosen else None,
        office_kind=chosen.kind if chosen else None,
        assignment_id=assignment_id(request.request_id, request.attempt) if chosen else None,
        policy_version=policy.version,
        candidates=ranked,
        exclusions=tuple(sorted(survey.exclusions, key=_by_office)),
        preferred=preferred,
        widening_would_help=None if chosen else survey.widening_would_help,
        inputs_digest=inputs_digest(
            request, ctx.service, registry, survey.considered, ctx.load, policy
        ),
    )


def _by_office(exclusion: Exclusion) -> str:
    return exclusion.office_id
