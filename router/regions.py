"""Where offices and requests are, and how far a service may travel."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True, slots=True, order=True)
class Region:
    province: str
    city: str

    def __str__(self) -> str:
        return f"{self.province}/{self.city}"


class Reach(StrEnum):
    """How far from the citizen a service may be delivered."""

    CITY = "city"
    PROVINCE = "province"
    NATIONAL = "national"


class Tier(StrEnum):
    """How near an office is to the citizen, nearest first."""

    CITY = "city"
    PROVINCE = "province"
    NATIONAL = "national"


TIERS: tuple[Tier, ...] = (Tier.CITY, Tier.PROVINCE, Tier.NATIONAL)

_ALLOWED: dict[Reach, tuple[Tier, ...]] = {
    Reach.CITY: TIERS[:1],
    Reach.PROVINCE: TIERS[:2],
    Reach.NATIONAL: TIERS,
}


def tier_between(citizen: Region, office: Region) -> Tier:
    if citizen.province != office.province:
        return Tier.NATIONAL
    return Tier.CITY if citizen.city == office.city else Tier.PROVINCE


def allowed_tiers(reach: Reach) -> tuple[Tier, ...]:
    return _ALLOWED[reach]


def tiers_beyond(reach: Reach) -> tuple[Tier, ...]:
    return TIERS[len(_ALLOWED[reach]) :]


def within_reach(reach: Reach, tier: Tier) -> bool:
    return tier in _ALLOWED[reach]
