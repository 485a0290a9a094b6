"""The services agencies offer, and the catalog that names them by code."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta

from router.exceptions import UnknownService
from router.regions import Reach


@dataclass(frozen=True, slots=True)
class Inquiry:
    """A check another agency must answer (estelam) before fulfilment."""

    kind: str
    agency: str


@dataclass(frozen=True, slots=True)
class Service:
    code: str
    agency: str
    delegated_to_general: bool
    branch: str | None
    inquiries: tuple[Inquiry, ...]
    acceptance_sla: timedelta
    fulfilment_sla: timedelta
    inquiry_sla: timedelta
    reach: Reach


class Catalog(Mapping[str, Service]):
    """An immutable mapping code -> Service; `define` returns a new catalog."""

    __slots__ = ("_services",)

    def __init__(self, services: Mapping[str, Service] | None = None) -> None:
        self._services: dict[str, Service] = dict(services or {})

    @classmethod
    def of(cls, *services: Service) -> Catalog:
        return cls({service.code: service for service in services})

    def define(self, service: Service) -> Catalog:
        return Catalog({**self._services, service.code: service})

    def require(self, code: str) -> Service:
        try:
            return self._services[code]
        except KeyError:
            raise UnknownService(code) from None

    def __getitem__(self, code: str) -> Service:
        return self._services[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._services)

    def __len__(self) -> int:
        return len(self._services)
