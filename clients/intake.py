"""`IntakeClient`: what an intake system (portal, app, counter) embeds to submit requests.

Submission is idempotent on the request id: the event id is derived from it, and the
key is the request id, so resubmitting a request is a duplicate the router recognises.
"""

from __future__ import annotations

from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Literal, Self

from clients.producer import EnvelopeProducer
from clients.validation import validate_payload
from contracts.envelope import Envelope, stable_event_id
from contracts.registry import new_envelope
from contracts.requests import Channel, RequestCancelled, RequestSubmitted
from contracts.topics import DEFAULT_PREFIX

TOPIC = "requests"


def submitted_event_id(request_id: str) -> str:
    return stable_event_id(RequestSubmitted.event_type, request_id)


def cancelled_event_id(request_id: str) -> str:
    return stable_event_id(RequestCancelled.event_type, request_id)


def request_envelope(payload: RequestSubmitted, producer: str) -> Envelope[RequestSubmitted]:
    """The `request.submitted` envelope of a payload, with its deterministic event id."""
    return new_envelope(
        payload,
        producer=producer,
        occurred_at=payload.submitted_at,
        event_id=submitted_event_id(payload.request_id),
    )


def build_request(
    *,
    request_id: str,
    service_code: str,
    citizen_national_id: str,
    province: str,
    city: str,
    channel: Channel = "web",
    preferred_office: str | None = None,
    submitted_at: datetime | None = None,
    producer: str = "intake",
) -> Envelope[RequestSubmitted]:
    """A validated `request.submitted` envelope; raises `ContractError` on bad input."""
    moment = submitted_at or datetime.now(UTC)
    payload = validate_payload(
        RequestSubmitted,
        {
            "request_id": request_id,
            "service_code": service_code,
            "citizen_national_id": citizen_national_id,
            "region": {"province": province, "city": city},
            "channel": channel,
            "preferred_office": preferred_office,
            "submitted_at": moment.isoformat(),
        },
    )
    return request_envelope(payload, producer)


class IntakeClient:
    """Submit and cancel citizens' requests; `async with IntakeClient(...) as intake:`."""

    def __init__(
        self, bootstrap: str, prefix: str = DEFAULT_PREFIX, producer_name: str = "intake"
    ) -> None:
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

    def build_request(
        self,
        *,
        request_id: str,
        service_code: str,
        citizen_national_id: str,
        province: str,
        city: str,
        channel: Channel = "web",
        preferred_office: str | None = None,
        submitted_at: datetime | None = None,
    ) -> Envelope[RequestSubmitted]:
        """A validated envelope from this client's producer; raises `ContractError`."""
        return build_request(
            request_id=request_id,
            service_code=service_code,
            citizen_national_id=citizen_national_id,
            province=province,
            city=city,
            channel=channel,
            preferred_office=preferred_office,
            submitted_at=submitted_at,
            producer=self.producer_name,
        )

    async def submit(self, request: Envelope[RequestSubmitted] | RequestSubmitted) -> str:
        """Publish a request (keyed by its id); returns the event id."""
        if isinstance(request, RequestSubmitted):
            request = request_envelope(request, self.producer_name)
        return await self._out.send(TOPIC, request.payload.request_id, request)

    async def submit_many(self, requests: list[Envelope[RequestSubmitted]]) -> int:
        """Publish many requests pipelined; returns how many."""
        return await self._out.send_many(TOPIC, [(r.payload.request_id, r) for r in requests])

    async def cancel(
        self,
        request_id: str,
        by: Literal["citizen", "intake"],
        reason: str,
        *,
        at: datetime | None = None,
    ) -> str:
        """Publish `request.cancelled` (one per request id); returns the event id."""
        payload = validate_payload(
            RequestCancelled, {"request_id": request_id, "by": by, "reason": reason}
        )
        envelope = new_envelope(
            payload,
            producer=self.producer_name,
            occurred_at=at or datetime.now(UTC),
            event_id=cancelled_event_id(request_id),
        )
        return await self._out.send(TOPIC, request_id, envelope)

    async def send(self, key: str, envelope: Envelope[Any]) -> str:
        """Publish an already validated envelope as it is (e.g. read from a file)."""
        return await self._out.send(TOPIC, key, envelope)
