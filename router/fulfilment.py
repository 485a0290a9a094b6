"""Office reports against the request they name: who may say what, and when.

A report is checked before anything changes: a report for another office's
assignment is a security event, one for an earlier attempt is stale, and one that
the state machine does not allow from the current state is an illegal transition.
"""

from __future__ import annotations

from router.effects import Refused
from router.inputs import Report
from router.records import RequestRecord
from router.registry import OfficeRegistry
from router.states import FINAL, RefusalReason, RequestState

S = RequestState

#: report kind -> (states it may come from, state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[RequestState], RequestState]] = {
    "accepted": (frozenset({S.ASSIGNED}), S.ACCEPTED),
    "rejected": (frozenset({S.ASSIGNED, S.ACCEPTED}), S.REJECTED),
    "awaiting_inquiry": (frozenset({S.ACCEPTED, S.IN_PROGRESS}), S.AWAITING_INQUIRY),
    "fulfilled": (frozenset({S.ACCEPTED, S.IN_PROGRESS}), S.FULFILLED),
}


def check_report(
    record: RequestRecord, report: Report, registry: OfficeRegistry
) -> Refused | None:
    """Why this report must not be applied, or None when it may be."""
    rid = report.request_id
    if record.has_applied(report.event_id):
        return Refused(RefusalReason.DUPLICATE_EVENT, f"event {report.event_id} was already "
                       f"applied to request {rid}", rid, report.office_id)
    if report.office_id != record.office_id:
        return _wrong_office(record, report, registry)
    if report.attempt != record.attempt:
        return Refused(
            RefusalReason.STALE_ATTEMPT,
            f"report is for attempt {report.attempt} but request {rid} is at attempt "
            f"{record.attempt}", rid, report.office_id,
        )
    if report.assignment_id != record.assignment_id:
        return Refused(
            RefusalReason.OFFICE_NOT_ASSIGNED,
            f"assignment {report.assignment_id} is not the current assignment of request "
            f"{rid}", rid, report.office_id, security=True,
        )
    return _illegal(record, report)


def _wrong_office(record: RequestRecord, report: Report, registry: OfficeRegistry) -> Refused:
    rid, office = report.request_id, report.office_id
    if any(office == excluded for excluded, _ in record.excluded):
        return Refused(
            RefusalReason.STALE_ATTEMPT,
            f"office {office} held an earlier attempt of request {rid}; it is now at attempt "
            f"{record.attempt}", rid, office,
        )
    if registry.get(office) is None:
        return Refused(RefusalReason.UNKNOWN_OFFICE, f"office {office} holds no licence", rid,
                       office, security=True)
    return Refused(
        RefusalReason.OFFICE_NOT_ASSIGNED,
        f"office {office} does not hold request {rid}", rid, office, security=True,
    )


def _illegal(record: RequestRecord, report: Report) -> Refused | None:
    allowed, target = TRANSITIONS[report.kind]
    if record.state in allowed:
        return None
    why = "it is final" if record.state in FINAL else "that transition is not allowed"
    return Refused(
        RefusalReason.ILLEGAL_TRANSITION,
        f"request {report.request_id} cannot go from {record.state} to {target}: {why}",
        report.request_id, report.office_id,
    )
