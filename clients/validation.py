"""Local validation: build contract payloads or refuse them with the router's reason codes."""

from __future__ import annotations

import re
from typing import Any, Final, TypeVar

import orjson
from pydantic import ValidationError

from contracts.base import ContractModel
from contracts.diagnosis import contract_error
from contracts.envelope import stable_event_id

ModelT = TypeVar("ModelT", bound=ContractModel)
_ID_LIKE: Final = re.compile(r"(?<!\d)(\d{3})\d{3,5}(\d{3})(?!\d)")  # 9-11 digits


def validate_payload(model: type[ModelT], data: dict[str, Any]) -> ModelT:
    """`data` as a `model`, validated as JSON would be (strict); raises `ContractError`."""
    try:
        return model.model_validate_json(orjson.dumps(data), strict=True)
    except ValidationError as error:
        raise contract_error(error) from None


def content_event_id(event_type: str, key: str, payload: ContractModel) -> str:
    """An event id derived from the event's type, key and whole content."""
    canonical = orjson.dumps(payload.model_dump(mode="json"), option=orjson.OPT_SORT_KEYS)
    return stable_event_id(event_type, key, canonical.decode())


def mask_ids(text: str) -> str:
    """Every bare run of 9-11 digits (a national id, or nearly one) as `123****890`."""
    return _ID_LIKE.sub(r"\1****\2", text)


def mask_national_id(national_id: str) -> str:
    """`0012345679` -> `001****679`; anything shorter than 8 characters -> `***`."""
    if len(national_id) < 8:
        return "***"
    return f"{national_id[:3]}****{national_id[-3:]}"
