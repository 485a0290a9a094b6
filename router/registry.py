"""The current licence of every office, kept up to date by lifecycle commands."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from router.canonical import Plain, canonical_json, licence_plain
from router.catalog import Service
from router.commands import LicenceCommand
from router.index import LicenceIndex
from router.licences import Licence
from router.lifecycle import next_licence
from router.regions import Region, Tier


class OfficeRegistry:
    """Mutable; each command costs O(size of the licence's scope), never O(offices)."""

    __slots__ = ("_canonical", "_index", "_licences")

    def __init__(self) -> None:
        self._licences: dict[str, Licence] = {}
        self._canonical: dict[str, str] = {}
        self._index = LicenceIndex()

    def apply(self, command: LicenceCommand) -> Licence:
        current = self._licences.get(command.office_id)
        licence = next_licence(current, command)
        if current is not None:
            self._index.remove(current)
        self._licences[licence.office_id] = licence
        self._canonical[licence.office_id] = _member(licence.office_id, licence_plain(licence))
        self._index.add(licence)
        return licence

    def get(self, office_id: str) -> Licence | None:
        return self._licences.get(office_id)

    def __len__(self) -> int:
        return len(self._licences)

    def __iter__(self) -> Iterator[Licence]:
        return iter(self._licences.values())

    def snapshot_of(self, office_ids: Iterable[str]) -> dict[str, Licence | None]:
        return {office_id: self._licences.get(office_id) for office_id in office_ids}

    def canonical_member(self, office_id: str) -> str:
        """`"office_id":<licence canonical JSON or null>`, cached per applied command."""
        member = self._canonical.get(office_id)
        return _member(office_id, None) if member is None else member

    def offices_for(self, service: Service, citizen: Region, tier: Tier) -> set[str]:
        return self._index.lookup(service, citizen, tier)


def _member(office_id: str, plain: Plain | None) -> str:
    return f"{canonical_json(office_id)}:{canonical_json(plain)}"
