"""Instants as the domain handles them: timezone-aware, rendered in UTC.

The domain never reads the clock; every instant is passed in.
"""

from __future__ import annotations

from datetime import UTC, datetime


def is_aware(moment: datetime) -> bool:
    return moment.tzinfo is not None and moment.utcoffset() is not None


def iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC with a `Z` suffix, e.g. `2026-11-27T10:05:00Z`."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
