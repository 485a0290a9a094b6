"""Ranking eligible offices: least utilisation first, then a stable hash.

The score is the office's utilisation counting half of the request being placed,
(load + 1/2) / capacity, divided by the policy's weight for the office's kind.
Taking its minimum is Sainte-Lague apportionment: over many requests each office's
share stays within about one request of its capacity share, with no bias towards
large or small offices (plain load / capacity favours small ones, (load + 1) /
capacity large ones). Ties go to the lowest sha256(request_id, office_id) -
rendezvous hashing: the same inputs always pick the same office, and no office is
favoured across requests.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

from router.licences import Licence
from router.outcomes import Candidate
from router.policy import Policy
from router.regions import Tier


def tie_break(request_id: str, office_id: str) -> str:
    return hashlib.sha256(f"{request_id}\x1f{office_id}".encode()).hexdigest()


def projected_score(load: int, capacity: int, weight: float) -> float:
    return (load + 0.5) / (capacity * weight)


def rank_candidates(
    request_id: str,
    eligible: Iterable[tuple[Licence, Tier]],
    load: Mapping[str, int],
    policy: Policy,
) -> tuple[Candidate, ...]:
    keyed = [_sort_key(request_id, lic, tier, load, policy) for lic, tier in eligible]
    keyed.sort(key=lambda entry: entry[:3])
    return tuple(_candidate(entry, rank) for rank, entry in enumerate(keyed, 1))


_Keyed = tuple[float, str, str, Licence, Tier, int]


def _sort_key(
    request_id: str, licence: Licence, tier: Tier, load: Mapping[str, int], policy: Policy
) -> _Keyed:
    office_id = licence.office_id
    office_load = load.get(office_id, 0)
    score = projected_score(office_load, licence.capacity, policy.weight_of(licence.kind))
    return score, tie_break(request_id, office_id), office_id, licence, tier, office_load


def _candidate(entry: _Keyed, rank: int) -> Candidate:
    score, tie, office_id, licence, tier, office_load = entry
    return Candidate(
        office_id=office_id,
        kind=licence.kind,
        tier=tier,
        load=office_load,
        capacity=licence.capacity,
        utilisation=office_load / licence.capacity,
        score=score,
        tie_break=tie,
        rank=rank,
    )
