"""Deadlines of open requests, in time order.

The heap is a cache: every entry is re-checked against the request's record when it
falls due (a stale entry is simply dropped), and the whole heap can be rebuilt from
the records, so timers survive restarts because the records do.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from router.records import RequestRecord
from router.states import HELD, RequestState


class DeadlineKind(StrEnum):
    ACCEPT = "accept"
    FULFIL = "fulfil"
    INQUIRY = "inquiry"


@dataclass(frozen=True, order=True, slots=True)
class Deadline:
    due: datetime
    request_id: str
    kind: DeadlineKind
    attempt: int
    ref: str = ""  # the inquiry id for inquiry deadlines


def deadlines_of(record: RequestRecord) -> Iterator[Deadline]:
    """The deadlines an open record is waiting on."""
    if record.state == RequestState.ASSIGNED and record.accept_by is not None:
        yield Deadline(record.accept_by, record.request_id, DeadlineKind.ACCEPT, record.attempt)
    if record.state in HELD and record.fulfil_by is not None and not record.sla_breached:
        yield Deadline(record.fulfil_by, record.request_id, DeadlineKind.FULFIL, record.attempt)
    if record.state == RequestState.AWAITING_INQUIRY:
        for inquiry in record.inquiries:
            if inquiry.outcome is None:
                yield Deadline(
                    inquiry.due_by, record.request_id, DeadlineKind.INQUIRY, record.attempt,
                    inquiry.inquiry_id,
                )


class Deadlines:
    def __init__(self) -> None:
        self._heap: list[Deadline] = []

    def __len__(self) -> int:
        return len(self._heap)

    def track(self, record: RequestRecord) -> None:
        for deadline in deadlines_of(record):
            heapq.heappush(self._heap, deadline)

    def rebuild(self, records: Iterable[RequestRecord]) -> None:
        self._heap = [d for record in records for d in deadlines_of(record)]
        heapq.heapify(self._heap)

    def due(self, now: datetime) -> Iterator[Deadline]:
        """Pop every deadline at or before `now`, earliest first."""
        while self._heap and self._heap[0].due <= now:
            yield heapq.heappop(self._heap)
