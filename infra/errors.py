"""The one exception type infra raises for conditions a user has to act on."""

from __future__ import annotations


class InfraError(RuntimeError):
    """A clear, actionable failure of the local stack (port taken, bad jar, timeout...)."""
