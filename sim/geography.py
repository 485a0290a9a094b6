"""Eight provinces with Iranian-style two-digit codes, their cities and relative population."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from contracts.region import Region


@dataclass(frozen=True)
class City:
    code: str  # "PP-CCC"
    name: str
    weight: float  # relative population within the province

    @property
    def region(self) -> Region:
        return Region(province=self.code[:2], city=self.code)


@dataclass(frozen=True)
class Province:
    code: str
    name: str
    weight: float  # relative population (millions, roughly)
    cities: tuple[City, ...]


def _province(code: str, name: str, weight: float, *cities: tuple[str, float]) -> Province:
    return Province(
        code,
        name,
        weight,
        tuple(City(f"{code}-{i:03d}", n, w) for i, (n, w) in enumerate(cities, start=1)),
    )


PROVINCES: Final = (
    _province("23", "Tehran", 13.3, ("Tehran", 9), ("Eslamshahr", 0.8), ("Shahriar", 0.7),
              ("Varamin", 0.5), ("Pakdasht", 0.4), ("Damavand", 0.1)),
    _province("09", "Razavi Khorasan", 6.4, ("Mashhad", 3.3), ("Neyshabur", 0.5),
              ("Sabzevar", 0.3), ("Torbat-e Heydarieh", 0.2), ("Quchan", 0.1)),
    _province("10", "Isfahan", 5.1, ("Isfahan", 2.2), ("Kashan", 0.4), ("Najafabad", 0.3),
              ("Khomeinishahr", 0.3)),
    _province("07", "Fars", 4.9, ("Shiraz", 1.9), ("Marvdasht", 0.3), ("Jahrom", 0.2),
              ("Kazerun", 0.2), ("Fasa", 0.2)),
    _province("06", "Khuzestan", 4.7, ("Ahvaz", 1.3), ("Dezful", 0.4), ("Abadan", 0.3),
              ("Khorramshahr", 0.2)),
    _province("03", "East Azerbaijan", 3.9, ("Tabriz", 1.7), ("Maragheh", 0.2),
              ("Marand", 0.2)),
    _province("02", "West Azerbaijan", 3.3, ("Urmia", 1.0), ("Khoy", 0.2), ("Bukan", 0.2),
              ("Mahabad", 0.2), ("Miandoab", 0.1)),
    _province("08", "Kerman", 3.2, ("Kerman", 0.8), ("Sirjan", 0.3), ("Rafsanjan", 0.2),
              ("Jiroft", 0.2), ("Bam", 0.1), ("Zarand", 0.1)),
)  # fmt: skip
