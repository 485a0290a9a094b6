"""The eligibility rules: each either passes an office or says why not, in words.

Rules run in a fixed order and the first failure is the office's exclusion, so an
office always gets exactly one reason code. Every rule judges the licence at the
request's `submitted_at`; none reads the clock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from router.catalog import Service
from router.instants import iso_utc
from router.licences import Licence, LicenceStatus, OfficeKind
from router.reasons import ExclusionReason as R
from router.regions import tier_between, within_reach
from router.requests import RoutingRequest

Finding = tuple[R, str]


@dataclass(frozen=True, slots=True)
class RuleContext:
    request: RoutingRequest
    service: Service
    load: Mapping[str, int]


Rule = Callable[[RuleContext, Licence], Finding | None]


def check_status(ctx: RuleContext, licence: Licence) -> Finding | None:
    if licence.status is LicenceStatus.ACTIVE:
        return None
    reason = R.LICENCE_REVOKED if licence.status is LicenceStatus.REVOKED else R.LICENCE_SUSPENDED
    why = f": {licence.status_reason}" if licence.status_reason else ""
    return reason, f"licence {licence.licence_id} is {licence.status.value}{why}"


def check_validity(ctx: RuleContext, licence: Licence) -> Finding | None:
    at = ctx.request.submitted_at
    if at < licence.valid_from:
        return R.LICENCE_NOT_YET_VALID, (
            f"valid_from {iso_utc(licence.valid_from)} is after submitted_at {iso_utc(at)}"
        )
    if at >= licence.valid_to:
        return R.LICENCE_EXPIRED, (
            f"valid_to {iso_utc(licence.valid_to)} is not after submitted_at {iso_utc(at)}"
        )
    return None


def check_agency(ctx: RuleContext, licence: Licence) -> Finding | None:
    service = ctx.service
    if licence.kind is OfficeKind.GENERAL or licence.agency == service.agency:
        return None
    return R.SERVICE_OF_OTHER_AGENCY, (
        f"agency office of {licence.agency} cannot deliver {service.code} of {service.agency}"
    )


def check_scope(ctx: RuleContext, licence: Licence) -> Finding | None:
    service, scope = ctx.service, licence.scope
    if service.code in scope.services:
        return None
    general = licence.kind is OfficeKind.GENERAL
    if general and not service.delegated_to_general:
        return R.SERVICE_NOT_DELEGATED, (
            f"{service.code} is not delegated to general offices and the licence does not list it"
        )
    if scope.all_delegated:
        return None
    covers = "delegated services" if general else f"all {licence.agency} services"
    return R.SERVICE_NOT_IN_SCOPE, f"licence lists neither {service.code} nor {covers}"


def check_branch(ctx: RuleContext, licence: Licence) -> Finding | None:
    branch = ctx.service.branch
    if branch is None or branch in licence.scope.branches:
        return None
    return R.BRANCH_NOT_LICENSED, f"{ctx.service.code} needs branch {branch!r}; not licensed"


def check_reach(ctx: RuleContext, licence: Licence) -> Finding | None:
    tier = tier_between(ctx.request.region, licence.region)
    reach = ctx.service.reach
    if within_reach(reach, tier):
        return None
    return R.REGION_OUT_OF_REACH, (
        f"office in {licence.region} is {tier.value} tier from {ctx.request.region}; "
        f"{ctx.service.code} reach is {reach.value}"
    )


def check_prior_attempts(ctx: RuleContext, licence: Licence) -> Finding | None:
    reason = ctx.request.excluded.get(licence.office_id)
    if reason is None:
        return None
    return reason, f"office already {_PAST[reason]} this request"


def check_capacity(ctx: RuleContext, licence: Licence) -> Finding | None:
    load = ctx.load.get(licence.office_id, 0)
    if load < licence.capacity:
        return None
    return R.CAPACITY_EXHAUSTED, f"load {load} has reached capacity {licence.capacity}"


_PAST = {R.PREVIOUSLY_REJECTED: "rejected", R.PREVIOUSLY_TIMED_OUT: "timed out on"}

RULES: tuple[Rule, ...] = (
    check_status,
    check_validity,
    check_agency,
    check_scope,
    check_branch,
    check_reach,
    check_prior_attempts,
    check_capacity,
)
RULES_IGNORING_REACH: tuple[Rule, ...] = tuple(r for r in RULES if r is not check_reach)


def is_eligible(ctx: RuleContext, licence: Licence) -> bool:
    """The same verdict as `first_failure(...) is None`, in one pass and without words.

    The hot path of a decision: most offices looked at are eligible, so their reasons
    are never needed. Property tests hold the two in agreement.
    """
    request, service, scope = ctx.request, ctx.service, licence.scope
    at, office_id = request.submitted_at, licence.office_id
    general = licence.kind is OfficeKind.GENERAL
    return (
        licence.status is LicenceStatus.ACTIVE
        and licence.valid_from <= at < licence.valid_to
        and (general or licence.agency == service.agency)
        and (
            service.code in scope.services
            or (scope.all_delegated and (service.delegated_to_general or not general))
        )
        and (service.branch is None or service.branch in scope.branches)
        and within_reach(service.reach, tier_between(request.region, licence.region))
        and office_id not in request.excluded
        and ctx.load.get(office_id, 0) < licence.capacity
    )


def first_failure(
    ctx: RuleContext, licence: Licence | None, *, ignore_reach: bool = False
) -> Finding | None:
    """Why the office may not take the request, or None when it is eligible."""
    if licence is None:
        return R.OFFICE_UNKNOWN, "no licence has been issued to this office"
    for rule in RULES_IGNORING_REACH if ignore_reach else RULES:
        finding = rule(ctx, licence)
        if finding is not None:
            return finding
    return None
