"""The router's injected clock: ticks drive timeouts deterministically."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from contracts.base import ContractModel, example_config
from contracts.codes import UtcDatetime


class ClockTicked(ContractModel):
    """Time advanced to `now`; deadlines before it have passed."""

    event_type: ClassVar[str] = "clock.ticked"
    model_config = example_config({"now": "2024-05-01T09:00:00Z"})

    now: UtcDatetime = Field(description="The current time.", examples=["2024-05-01T09:00:00Z"])
