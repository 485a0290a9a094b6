"""The router's decision: a value that says where a request goes and why."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from router.licences import OfficeKind
from router.outcomes import Candidate, Exclusion, Outcome, PreferredOutcome


def assignment_id(request_id: str, attempt: int) -> str:
    """Derived from the business key, so a replayed decision carries the same id."""
    return "A-" + hashlib.sha256(f"{request_id}:{attempt}".encode()).hexdigest()[:24]


@dataclass(frozen=True, slots=True)
class Decision:
    request_id: str
    attempt: int
    outcome: Outcome
    office_id: str | None
    office_kind: OfficeKind | None
    assignment_id: str | None
    policy_version: str
    candidates: tuple[Candidate, ...]
    exclusions: tuple[Exclusion, ...]
    preferred: PreferredOutcome | None
    widening_would_help: bool | None
    inputs_digest: str

    @property
    def assigned(self) -> bool:
        return self.outcome is Outcome.ASSIGNED

    def to_dict(self) -> dict[str, Any]:
        return {
            "request_id": self.request_id,
            "attempt": self.attempt,
            "outcome": self.outcome.value,
            "office_id": self.office_id,
            "office_kind": None if self.office_kind is None else self.office_kind.value,
            "assignment_id": self.assignment_id,
            "policy_version": self.policy_version,
            "candidates": [candidate.to_dict() for candidate in self.candidates],
            "exclusions": [exclusion.to_dict() for exclusion in self.exclusions],
            "preferred": None if self.preferred is None else self.preferred.to_dict(),
            "widening_would_help": self.widening_would_help,
            "inputs_digest": self.inputs_digest,
        }
