"""Which offices could serve a service near a place, without scanning every office.

An office is filed, in its own province and city, under each way its licence can
cover a service (a *cover*):

* `("service", code)`   - the code is listed explicitly in the scope (any kind);
* `("agency", agency)`  - an agency office licensed for all of its agency's services;
* `("general", "")`     - a general office licensed for all delegated services;
* `("branch", branch)`  - such a general office that is also licensed for a branch.

Buckets are nested cover -> province -> city -> office ids. A lookup for (service,
citizen's region, tier) visits the two or three covers that can serve the service
and, under each, the citizen's city (city tier), the other cities of the province
(province tier) or the cities of every other province that has such offices
(national tier). The result is a superset of the tier's eligible offices; the
eligibility rules then decide. Revoked licences are not filed.
"""

from __future__ import annotations

from collections.abc import Iterator

from router.catalog import Service
from router.licences import Licence, LicenceStatus, OfficeKind
from router.regions import Region, Tier

Cover = tuple[str, str]
Cities = dict[str, set[str]]


class LicenceIndex:
    __slots__ = ("_covers",)

    def __init__(self) -> None:
        self._covers: dict[Cover, dict[str, Cities]] = {}

    def add(self, licence: Licence) -> None:
        if licence.status is LicenceStatus.REVOKED:
            return
        province, city = licence.region.province, licence.region.city
        for cover in covers_of(licence):
            provinces = self._covers.setdefault(cover, {})
            provinces.setdefault(province, {}).setdefault(city, set()).add(licence.office_id)

    def remove(self, licence: Licence) -> None:
        province, city = licence.region.province, licence.region.city
        for cover in covers_of(licence):
            cities = self._covers.get(cover, {}).get(province, {})
            cities.get(city, set()).discard(licence.office_id)
            if not cities.get(city, True):
                del cities[city]
            if not cities:
                self._covers.get(cover, {}).pop(province, None)

    def lookup(self, service: Service, citizen: Region, tier: Tier) -> set[str]:
        found: set[str] = set()
        for cover in covers_for(service):
            provinces = self._covers.get(cover)
            if provinces:
                for bucket in _buckets(provinces, citizen, tier):
                    found.update(bucket)
        return found


def _buckets(provinces: dict[str, Cities], citizen: Region, tier: Tier) -> Iterator[set[str]]:
    home = provinces.get(citizen.province, {})
    if tier is Tier.CITY:
        bucket = home.get(citizen.city)
        if bucket:
            yield bucket
    elif tier is Tier.PROVINCE:
        yield from (bucket for city, bucket in home.items() if city != citizen.city)
    else:
        for province, cities in provinces.items():
            if province != citizen.province:
                yield from cities.values()


def covers_of(licence: Licence) -> list[Cover]:
    """The covers a licence is filed under."""
    scope = licence.scope
    covers: list[Cover] = [("service", code) for code in scope.services]
    if scope.all_delegated and licence.kind is OfficeKind.AGENCY and licence.agency:
        covers.append(("agency", licence.agency))
    if scope.all_delegated and licence.kind is OfficeKind.GENERAL:
        covers.append(("general", ""))
        covers.extend(("branch", branch) for branch in scope.branches)
    return covers


def covers_for(service: Service) -> list[Cover]:
    """The covers under which an office that may deliver the service can be filed."""
    covers: list[Cover] = [("service", service.code), ("agency", service.agency)]
    if service.delegated_to_general:
        covers.append(("branch", service.branch) if service.branch else ("general", ""))
    return covers
