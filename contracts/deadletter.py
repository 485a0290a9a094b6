"""Refused input, recorded with a reason code and what the sender must fix."""

from __future__ import annotations

from typing import Annotated, ClassVar, Final

from pydantic import Field, StringConstraints

from contracts.base import ContractModel, example_config, example_of
from contracts.codes import EventId, Sha256Hex, UtcDatetime
from contracts.errors import DeadLetterReason

RAW_EXCERPT_BYTES: Final = 8 * 1024
MESSAGE_MAX_CHARS: Final = 4000
FIELD_MAX_CHARS: Final = 256
KEY_MAX_CHARS: Final = 1024


class DeadLetterSource(ContractModel):
    """Where the refused input was read."""

    model_config = example_config(
        {"topic": "govroute.requests", "partition": 2, "offset": 1187, "key": "REQ-2024-000123"}
    )

    topic: Annotated[str, StringConstraints(min_length=1, max_length=249)] = Field(
        description="The topic.", examples=["govroute.requests"]
    )
    partition: int = Field(ge=0, description="The partition.", examples=[2])
    offset: int = Field(ge=0, description="The offset.", examples=[1187])
    key: Annotated[str, StringConstraints(max_length=KEY_MAX_CHARS)] | None = Field(
        description="The message key (UTF-8, invalid bytes replaced), or null.",
        examples=["REQ-2024-000123"],
    )


class DeadLetterRecorded(ContractModel):
    """Input was refused; `reason_code` says why, `message` says what to fix."""

    event_type: ClassVar[str] = "deadletter.recorded"
    model_config = example_config(
        {
            "reason_code": "INVALID_NATIONAL_ID",
            "message": "payload.citizen_national_id: the check digit (10th digit) does not "
            "match the first nine digits",
            "field": "payload.citizen_national_id",
            "raw": '{"event_type":"request.submitted"}',
            "raw_size": 34,
            "raw_sha256": "5d41402abc4b2a76b9719d911017c592" * 2,
            "source": example_of(DeadLetterSource),
            "event_id": None,
            "at": "2024-05-01T08:30:01Z",
        }
    )

    reason_code: DeadLetterReason = Field(
        description="Machine-readable reason.", examples=["INVALID_NATIONAL_ID"]
    )
    message: Annotated[str, StringConstraints(min_length=1, max_length=MESSAGE_MAX_CHARS)] = Field(
        description="What the sender must fix, naming the field path.",
        examples=["payload.citizen_national_id: the check digit does not match"],
    )
    field: Annotated[str, StringConstraints(max_length=FIELD_MAX_CHARS)] | None = Field(
        description="Path of the offending field, or null when the whole input is at fault.",
        examples=["payload.citizen_national_id", None],
    )
    raw: Annotated[str, StringConstraints(max_length=RAW_EXCERPT_BYTES)] = Field(
        description="The first 8 KiB of the input, as UTF-8 (invalid bytes replaced).",
        examples=['{"event_type":"request.submitted"}'],
    )
    raw_size: int = Field(ge=0, description="Size of the whole input in bytes.", examples=[34])
    raw_sha256: Sha256Hex = Field(
        description="SHA-256 (hex) of the whole input.",
        examples=["5d41402abc4b2a76b9719d911017c592" * 2],
    )
    source: DeadLetterSource = Field(
        description="Where the input was read.", examples=[example_of(DeadLetterSource)]
    )
    event_id: EventId | None = Field(
        description="The input's event_id, if it could be read.",
        examples=[None, "0b9f6a2e-8d4c-4f7e-9a51-3c2d1e0f4a6b"],
    )
    at: UtcDatetime = Field(description="When it was refused.", examples=["2024-05-01T08:30:01Z"])
