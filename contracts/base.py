"""The base of every contract model and the helpers that attach examples to it."""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel, ConfigDict


class ContractModel(BaseModel):
    """Frozen, closed (unknown fields are refused) and documented by examples."""

    model_config = ConfigDict(frozen=True, extra="forbid")


def example_config(example: dict[str, Any]) -> ConfigDict:
    """A model config carrying one complete, valid example of the model."""
    return ConfigDict(json_schema_extra={"examples": [example]})


def example_of(model: type[BaseModel]) -> dict[str, Any]:
    """A fresh copy of the example a model was declared with (see `example_config`)."""
    extra = model.model_config.get("json_schema_extra")
    if not isinstance(extra, dict) or not isinstance(extra.get("examples"), list):
        raise TypeError(f"{model.__name__} declares no example")
    examples = extra["examples"]
    assert isinstance(examples, list)
    first = examples[0]
    if not isinstance(first, dict):
        raise TypeError(f"{model.__name__}'s example is not an object")
    return copy.deepcopy(first)
