"""A citizen's request for one service, as the router sees it."""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from router.exceptions import InvalidRequest
from router.instants import is_aware
from router.reasons import PRIOR_ATTEMPT_REASONS, ExclusionReason
from router.regions import Region


class PriorExclusions(Mapping[str, ExclusionReason]):
    """Offices that rejected or timed out on this request: an immutable, hashable mapping."""

    __slots__ = ("_map", "_pairs")

    def __init__(self, pairs: Mapping[str, ExclusionReason] | None = None) -> None:
        self._map: dict[str, ExclusionReason] = dict(pairs or {})
        self._pairs: tuple[tuple[str, ExclusionReason], ...] = tuple(sorted(self._map.items()))

    def __getitem__(self, office_id: str) -> ExclusionReason:
        return self._map[office_id]

    def __iter__(self) -> Iterator[str]:
        return (office_id for office_id, _ in self._pairs)

    def __len__(self) -> int:
        return len(self._pairs)

    def items(self) -> ItemsView[str, ExclusionReason]:
        return self._map.items()

    def __hash__(self) -> int:
        return hash(self._pairs)

    def __repr__(self) -> str:
        return f"PriorExclusions({self._map!r})"


@dataclass(frozen=True, slots=True)
class RoutingRequest:
    request_id: str
    service_code: str
    region: Region
    submitted_at: datetime
    preferred_office: str | None = None
    attempt: int = 1
    excluded: Mapping[str, ExclusionReason] = field(default_factory=PriorExclusions)

    def __post_init__(self) -> None:
        if not isinstance(self.excluded, PriorExclusions):
            object.__setattr__(self, "excluded", PriorExclusions(self.excluded))
        _validate(self)


def _validate(request: RoutingRequest) -> None:
    if request.attempt < 1:
        raise InvalidRequest(f"{request.request_id}: attempt must be >= 1")
    if not is_aware(request.submitted_at):
        raise InvalidRequest(f"{request.request_id}: submitted_at must carry a timezone")
    wrong = {r for r in request.excluded.values() if r not in PRIOR_ATTEMPT_REASONS}
    if wrong:
        raise InvalidRequest(f"{request.request_id}: excluded reasons must be prior-attempt ones")
