"""`RegulatorClient` publishes licence events (key: office id) and `CatalogClient`
publishes service definitions (key: service code).

Without an explicit `event_id`, an event's id is derived from its type, key, content
and time, so publishing the same event again is a duplicate the router recognises.
"""

from __future__ import annotations

from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self

from clients.producer import EnvelopeProducer
from clients.validation import content_event_id
from contracts.catalog import ServiceDefined
from contracts.envelope import Envelope, stable_event_id
from contracts.licences import (
    LicenceAmended,
    LicenceIssued,
    LicenceReinstated,
    LicenceRevoked,
    LicenceSuspended,
)
from contracts.registry import new_envelope
from contracts.topics import DEFAULT_PREFIX

LicenceEvent = (
    LicenceIssued | LicenceAmended | LicenceSuspended | LicenceReinstated | LicenceRevoked
)


def licence_envelope(
    payload: LicenceEvent,
    *,
    producer: str = "regulator",
    occurred_at: datetime | None = None,
    event_id: str | None = None,
) -> Envelope[Any]:
    """The envelope of a licence event; the default id depends on content and time."""
    moment = occurred_at or datetime.now(UTC)
    default_id = _timed_id(payload.event_type, payload.office_id, payload, moment)
    return new_envelope(
        payload, producer=producer, occurred_at=moment, event_id=event_id or default_id
    )


def catalog_envelope(
    payload: ServiceDefined,
    *,
    producer: str = "catalog",
    occurred_at: datetime | None = None,
    event_id: str | None = None,
) -> Envelope[ServiceDefined]:
    """The envelope of a service definition; the default id depends on content only."""
    default_id = content_event_id(payload.event_type, payload.service_code, payload)
    return new_envelope(
        payload,
        producer=producer,
        occurred_at=occurred_at or datetime.now(UTC),
        event_id=event_id or default_id,
    )


def _timed_id(event_type: str, key: str, payload: Any, moment: datetime) -> str:
    return stable_event_id(content_event_id(event_type, key, payload), moment.isoformat())


class _Publisher:
    def __init__(self, bootstrap: str, prefix: str, producer_name: str) -> None:
        self.producer_name = producer_name
        self._out = EnvelopeProducer(bootstrap, prefix, client_id=f"govroute-{producer_name}")

    async def __aenter__(self) -> Self:
        await self._out.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._out.__aexit__(exc_type, exc, tb)


class RegulatorClient(_Publisher):
    """Publish the licence lifecycle to `licences`, keyed by office id."""

    TOPIC = "licences"

    def __init__(
        self, bootstrap: str, prefix: str = DEFAULT_PREFIX, producer_name: str = "regulator"
    ) -> None:
        super().__init__(bootstrap, prefix, producer_name)

    async def publish(
        self,
        payload: LicenceEvent,
        *,
        occurred_at: datetime | None = None,
        event_id: str | None = None,
    ) -> str:
        """Publish one licence event; returns its event id."""
        envelope = licence_envelope(
            payload, producer=self.producer_name, occurred_at=occurred_at, event_id=event_id
        )
        return await self._out.send(self.TOPIC, payload.office_id, envelope)

    async def send(self, envelope: Envelope[Any]) -> str:
        """Publish an already validated licence envelope as it is."""
        return await self._out.send(self.TOPIC, envelope.payload.office_id, envelope)


class CatalogClient(_Publisher):
    """Publish service definitions to `catalog`, keyed by service code."""

    TOPIC = "catalog"

    def __init__(
        self, bootstrap: str, prefix: str = DEFAULT_PREFIX, producer_name: str = "catalog"
    ) -> None:
        super().__init__(bootstrap, prefix, producer_name)

    async def define(
        self,
        payload: ServiceDefined,
        *,
        occurred_at: datetime | None = None,
        event_id: str | None = None,
    ) -> str:
        """Publish one service definition; returns its event id."""
        envelope = catalog_envelope(
            payload, producer=self.producer_name, occurred_at=occurred_at, event_id=event_id
        )
        return await self._out.send(self.TOPIC, payload.service_code, envelope)

    async def send(self, envelope: Envelope[Any]) -> str:
        """Publish an already validated catalog envelope as it is."""
        return await self._out.send(self.TOPIC, envelope.payload.service_code, envelope)
