"""The pure routing domain: licences, eligibility, neutral selection, explainable decisions.

Imports only the standard library and never reads the clock.
"""

from router.catalog import Catalog, Inquiry, Service
from router.commands import (
    AmendLicence,
    IssueLicence,
    LicenceCommand,
    ReinstateLicence,
    RevokeLicence,
    SuspendLicence,
)
from router.decision import Decision, assignment_id
from router.exceptions import (
    IllegalLicenceTransition,
    InvalidLicence,
    InvalidPolicy,
    InvalidRequest,
    RouterError,
    UnknownOffice,
    UnknownPolicy,
    UnknownService,
)
from router.licences import Licence, LicenceStatus, OfficeKind, Scope
from router.outcomes import Candidate, Exclusion, Outcome, PreferredOutcome
from router.policy import AGENCY_FIRST_POLICY, CURRENT_POLICY, POLICIES, Policy, policy_named
from router.reasons import ExclusionReason
from router.regions import Reach, Region, Tier
from router.registry import OfficeRegistry
from router.requests import RoutingRequest
from router.routing import decide, explain_office

__all__ = [
    "AGENCY_FIRST_POLICY",
    "CURRENT_POLICY",
    "POLICIES",
    "AmendLicence",
    "Candidate",
    "Catalog",
    "Decision",
    "Exclusion",
    "ExclusionReason",
    "IllegalLicenceTransition",
    "Inquiry",
    "InvalidLicence",
    "InvalidPolicy",
    "InvalidRequest",
    "IssueLicence",
    "Licence",
    "LicenceCommand",
    "LicenceStatus",
    "OfficeKind",
    "OfficeRegistry",
    "Outcome",
    "Policy",
    "PreferredOutcome",
    "Reach",
    "Region",
    "ReinstateLicence",
    "RevokeLicence",
    "RouterError",
    "RoutingRequest",
    "Scope",
    "Service",
    "SuspendLicence",
    "Tier",
    "UnknownOffice",
    "UnknownPolicy",
    "UnknownService",
    "assignment_id",
    "decide",
    "explain_office",
    "policy_named",
]
