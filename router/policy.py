"""Written routing policies, by version.

Neutral by default: every office kind weighs the same, so kind never matters. A
policy that weighs kinds differently must say why in `rules`, or it is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from router.canonical import canonical_json
from router.exceptions import InvalidPolicy, UnknownPolicy
from router.licences import OfficeKind


def _neutral() -> Mapping[OfficeKind, float]:
    return MappingProxyType({kind: 1.0 for kind in OfficeKind})


@dataclass(frozen=True, slots=True)
class Policy:
    """`kind_weights`: an office's utilisation score is divided by its kind's weight,
    so a heavier kind is filled further before a lighter one is chosen."""

    version: str
    kind_weights: Mapping[OfficeKind, float] = field(default_factory=_neutral)
    prefer_nearest_tier: bool = True
    rules: tuple[str, ...] = ()
    _canonical: str = field(default="", init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind_weights", MappingProxyType(dict(self.kind_weights)))
        _validate(self)
        object.__setattr__(self, "_canonical", _canonical_text(self))

    def __hash__(self) -> int:
        return hash((self.version, self._weights(), self.prefer_nearest_tier, self.rules))

    def weight_of(self, kind: OfficeKind) -> float:
        return self.kind_weights.get(kind, 1.0)

    def is_neutral(self) -> bool:
        return len({self.weight_of(kind) for kind in OfficeKind}) == 1

    def canonical(self) -> str:
        """The canonical JSON of the version and every parameter (for digests)."""
        return self._canonical

    def _weights(self) -> tuple[tuple[str, float], ...]:
        return tuple(sorted((str(k), w) for k, w in self.kind_weights.items()))


def _validate(policy: Policy) -> None:
    if any(not weight > 0 for weight in policy.kind_weights.values()):
        raise InvalidPolicy(f"{policy.version}: kind weights must be positive")
    if not policy.is_neutral() and not policy.rules:
        raise InvalidPolicy(f"{policy.version}: a kind preference needs a written rule")


def _canonical_text(policy: Policy) -> str:
    return canonical_json(
        {
            "version": policy.version,
            "kind_weights": {str(kind): policy.weight_of(kind) for kind in OfficeKind},
            "prefer_nearest_tier": policy.prefer_nearest_tier,
            "rules": list(policy.rules),
        }
    )


CURRENT_POLICY = Policy(version="2026.11-1")

AGENCY_FIRST_POLICY = Policy(
    version="2026.11-agency-first",
    kind_weights={OfficeKind.GENERAL: 1.0, OfficeKind.AGENCY: 1000.0},
    rules=(
        "What-if only: an agency office is filled first for its own agency's services; "
        "general offices take the overflow. Not in force; for replaying decisions.",
    ),
)

POLICIES: dict[str, Policy] = {p.version: p for p in (CURRENT_POLICY, AGENCY_FIRST_POLICY)}


def policy_named(version: str) -> Policy:
    try:
        return POLICIES[version]
    except KeyError:
        raise UnknownPolicy(version) from None
