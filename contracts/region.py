"""Where a citizen or an office is: a province and a city within it."""

from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from contracts.base import ContractModel, example_config
from contracts.codes import CityCode, ProvinceCode


class Region(ContractModel):
    """A province and a city in it; a city code starts with its province code."""

    model_config = example_config({"province": "23", "city": "23-001"})

    province: ProvinceCode = Field(description="Two-digit province code.", examples=["23"])
    city: CityCode = Field(
        description="City code: the province code, a hyphen and three digits.",
        examples=["23-001"],
    )

    @model_validator(mode="after")
    def _city_lies_in_province(self) -> Self:
        if self.city[:2] != self.province:
            raise PydanticCustomError(
                "INVALID_REGION_CODE",
                "city {city} is not in province {province}: a city code starts with its "
                "province code",
                {"city": self.city, "province": self.province},
            )
        return self
