"""Reference data (``data/reference``) as the sample generator needs it."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path


def default_reference_dir() -> Path:
    """The repository's ``data/reference`` folder, resolved from this module's location."""
    return Path(__file__).resolve().parents[2] / "data" / "reference"


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def _date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


@dataclass(frozen=True)
class Partner:
    index: int  # position in partners.csv: a stable number for seeding
    code: str
    naam: str
    soort: str
    provincie_code: str
    seveso: bool


@dataclass(frozen=True)
class Gemeente:
    code: str
    naam: str
    provincie_code: str
    vr_code: str
    geldig_van: date | None
    geldig_tot: date | None
    opvolger: str

    def valid_on(self, day: date) -> bool:
        return (self.geldig_van is None or self.geldig_van <= day) and (
            self.geldig_tot is None or day <= self.geldig_tot
        )

    def valid_in_year(self, jaar: int) -> bool:
        return (self.geldig_van is None or self.geldig_van <= date(jaar, 12, 31)) and (
            self.geldig_tot is None or self.geldig_tot >= date(jaar, 1, 1)
        )


@dataclass(frozen=True)
class Indicator:
    code: str
    soort: str
    geleverd_door: str
    eenheid: str


@dataclass
class Reference:
    partners: list[Partner]
    gemeenten: dict[str, Gemeente]
    codes: dict[str, list[str]]
    indicatoren: list[Indicator]
    provincies: dict[str, str]
    veiligheidsregios: dict[str, str]
    by_code: dict[str, Partner] = field(init=False)

    def __post_init__(self) -> None:
        self.by_code = {p.code: p for p in self.partners}

    def partners_of(self, soort: str) -> list[Partner]:
        return [p for p in self.partners if p.soort == soort]

    def final_code(self, gm: str) -> str:
        """Follow ``opvolger`` to the code that is still valid today."""
        seen = set()
        while self.gemeenten[gm].opvolger and gm not in seen:
            seen.add(gm)
            gm = self.gemeenten[gm].opvolger
        return gm

    def code_on(self, gm: str, day: date) -> str:
        """The code of the area of ``gm`` (a code valid on some day) that is valid on ``day``."""
        g = self.gemeenten[gm]
        while g.geldig_tot is not None and day > g.geldig_tot and g.opvolger:
            g = self.gemeenten[g.opvolger]
        return g.code

    def base_codes(self) -> list[str]:
        """Codes valid on the first day the reference covers (2021-01-01)."""
        return sorted(c for c, g in self.gemeenten.items() if g.geldig_van is None)

    def indicators(self, soort: str, geleverd_door: str | None = None) -> list[Indicator]:
        return [
            i
            for i in self.indicatoren
            if i.soort == soort and (geleverd_door is None or i.geleverd_door == geleverd_door)
        ]


def load_reference(reference_dir: Path | None = None) -> Reference:
    ref = Path(reference_dir) if reference_dir is not None else default_reference_dir()
    partners = [
        Partner(
            index=i,
            code=r["partner_code"],
            naam=r["naam"],
            soort=r["soort"],
            provincie_code=r["provincie_code"],
            seveso=r["seveso_omgevingsdienst"].lower() == "ja",
        )
        for i, r in enumerate(_read_csv(ref / "partners.csv"))
    ]
    gemeenten = {
        r["gm_code"]: Gemeente(
            code=r["gm_code"],
            naam=r["naam"],
            provincie_code=r["provincie_code"],
            vr_code=r["vr_code"],
            geldig_van=_date(r["geldig_van"]),
            geldig_tot=_date(r["geldig_tot"]),
            opvolger=r["opvolger"],
        )
        for r in _read_csv(ref / "gemeenten.csv")
    }
    codes: dict[str, list[str]] = {}
    for r in _read_csv(ref / "codelijsten.csv"):
        codes.setdefault(r["lijst"], []).append(r["code"])
    indicatoren = [
        Indicator(r["indicator"], r["soort"], r["geleverd_door"], r["eenheid"])
        for r in _read_csv(ref / "indicatoren.csv")
    ]
    provincies = {r["provincie_code"]: r["naam"] for r in _read_csv(ref / "provincies.csv")}
    vrs = {r["vr_code"]: r["provincie_code"] for r in _read_csv(ref / "veiligheidsregios.csv")}
    return Reference(partners, gemeenten, codes, indicatoren, provincies, vrs)
