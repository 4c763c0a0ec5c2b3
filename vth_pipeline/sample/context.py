"""The generator's shared context: seeds, partner sizes and profiles, and the file writer.

Every random draw comes from ``numpy.random.default_rng([seed, stream, ...])``, keyed by a
purpose (the ``S_*`` stream numbers), the year and the partner, so the data of a year do not
depend on which other years are generated or on the order in which files are written.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from .formats import PROFILES, SCHEMAS, Profile, remarks_column
from .geo import Geo
from .manifest import Defect, FileInfo, Missing
from .reference import Partner, Reference
from .render import Mark, render

CONTROLES_PER_YEAR = 250_000  # nationally, at scale 1.0
FIRST_YEAR = 2021

# relative size of the omgevingsdiensten (share of the national number of controles)
OD_WEIGHTS = {
    "DCMR": 3.0,
    "ODNZKG": 2.4,
    "OMWB": 2.2,
    "ODZOB": 1.4,
    "ODH": 1.3,
    "ODNHN": 1.1,
    "ODG": 1.0,
    "FUMO": 1.0,
    "RUDZL": 1.0,
    "ODT": 0.9,
    "ODRN": 0.9,
    "OFGV": 0.9,
    "OZHZ": 0.9,
    "ODBN": 0.9,
    "ODIJ": 0.8,
    "OVIJ": 0.8,
    "ODRA": 0.8,
    "ODRU": 0.8,
    "ODWH": 0.8,
    "RUDD": 0.7,
    "RUDU": 0.7,
    "RUDZ": 0.7,
    "ODA": 0.6,
    "ODV": 0.6,
    "ODR": 0.6,
    "RUDLN": 0.6,
    "ODIJMOND": 0.5,
    "ODMH": 0.5,
}
DEFAULT_WEIGHT = 0.7
# profiles for the omgevingsdiensten in order of size: the largest write CSV
OD_PROFILE_CYCLE = [0, 1, 2, 3, 4, 8, 9, 5, 6, 7]
PROFILE_OFFSET = {"provincie": 1, "veiligheidsregio": 5, "arbeidsinspectie": 5}

# rng stream numbers
S_POOL, S_CONTROLES, S_KENGETAL, S_UITKOMST, S_REGISTER, S_INSPECTIES = 1, 2, 3, 4, 5, 6
S_RENDER, S_MISSING, S_DATES, S_DEFECT, S_TREND, S_EXTRA = 7, 8, 9, 10, 11, 12
SOORT_NO = {
    "controles": 1,
    "kengetallen": 2,
    "uitkomsten": 3,
    "seveso_inrichtingen": 4,
    "seveso_inspecties": 5,
}


@dataclass
class Ctx:
    """What every part of the generator shares, and what it has written so far."""

    ref: Reference
    geo: Geo
    out: Path
    seed: int
    scale: float
    years: tuple[int, ...]
    profiles: dict[str, Profile] = field(default_factory=dict)
    files: list[FileInfo] = field(default_factory=list)
    defects: list[Defect] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)

    def rng(self, *key: int) -> np.random.Generator:
        return np.random.default_rng([self.seed, *key])

    def partner(self, code: str) -> Partner:
        return self.ref.by_code[code]

    def delivery_date(self, jaar: int, code: str, soort: str, offset: int = 0) -> date:
        r = self.rng(S_DATES, jaar, self.partner(code).index, SOORT_NO.get(soort, 9))
        return date(jaar + 1, 1, 10) + timedelta(days=int(r.integers(0, 90)) + offset)

    def dated(self, code: str) -> bool:
        """Whether the partner puts a delivery date in its file names (a third do)."""
        return self.partner(code).index % 3 == 0

    def usual_date(self, jaar: int, code: str, soort: str) -> date | None:
        """The date in the file name of a plain delivery: None for partners who do not date."""
        return self.delivery_date(jaar, code, soort) if self.dated(code) else None

    def write(
        self,
        jaar: int,
        code: str,
        soort: str,
        df: pl.DataFrame,
        *,
        marks: Sequence[Mark] = (),
        overrides: dict[tuple[int, str], str] | None = None,
        extra_fields: dict[int, list[str]] | None = None,
        drop_columns: Sequence[str] = (),
        when: date | None = None,
        profile: Profile | None = None,
        in_effect: bool = True,
        variant: int = 0,
    ) -> tuple[str, bytes]:
        """Render the logical table and write it; marks/overrides use the ``_key`` column."""
        partner = self.ref.by_code.get(code)
        profile = profile or self.profiles[code]
        pidx = partner.index if partner else 999
        rng = self.rng(S_RENDER, jaar, pidx, SOORT_NO.get(soort, 9), variant)
        if "_key" not in df.columns:
            df = df.with_columns(_key=pl.int_range(0, pl.len()))
        pos = {k: i for i, k in enumerate(df["_key"].to_list())}
        logical = df.select([c for c, _ in SCHEMAS[soort] if c in df.columns])
        if profile.remarks:
            logical = logical.with_columns(remarks_column(logical.height, profile.remarks, rng))
        row_marks = [
            Mark(None if m.row is None else pos[m.row], m.column, m.klasse, m.gevolg, m.detail)
            for m in marks
        ]
        rendered = render(
            logical,
            soort,
            profile,
            rng,
            jaar=jaar,
            partner=code,
            overrides={(pos[k], c): v for (k, c), v in (overrides or {}).items()},
            extra_fields={pos[k]: v for k, v in (extra_fields or {}).items()},
            drop_columns=drop_columns,
            marks=row_marks,
        )
        name = f"{soort}_{when.isoformat()}" if when else soort
        rel = f"{jaar}/{code}/{name}.{profile.ext}"
        self.put(rel, rendered.data)
        csv = profile.fmt == "csv"
        self.files.append(
            FileInfo(
                path=rel,
                jaar=jaar,
                partner_code=code,
                soort=soort,
                format=profile.fmt,
                encoding=profile.encoding if csv else None,
                separator=profile.sep if csv else None,
                rows=rendered.rows,
                in_effect=in_effect,
                profile=profile.name,
                sheet=rendered.sheet,
                header_row=rendered.header_row,
                delivery_date=when,
            )
        )
        for row, col, value, m in rendered.resolved:
            self.defects.append(Defect(rel, row, col, m.klasse, value, m.gevolg, m.detail))
        return rel, rendered.data

    def write_raw(
        self,
        rel: str,
        data: bytes,
        *,
        jaar: int,
        code: str,
        soort: str,
        fmt: str,
        klasse: str,
        gevolg: str,
        detail: str,
        when: date | None = None,
        encoding: str | None = None,
        separator: str | None = None,
        rows: int = 0,
    ) -> None:
        """Write a file that is not rendered from a table (broken, empty, unknown kind)."""
        self.put(rel, data)
        self.files.append(
            FileInfo(
                rel, jaar, code, soort, fmt, encoding, separator, rows, False, "", None, 1, when
            )
        )
        self.defects.append(Defect(rel, None, None, klasse, None, gevolg, detail))

    def write_copy(self, rel: str, data: bytes, like: FileInfo, when: date) -> None:
        """Write ``data`` again under ``rel``: a later, byte-identical re-delivery of ``like``."""
        self.put(rel, data)
        self.files.append(dataclasses.replace(like, path=rel, in_effect=False, delivery_date=when))

    def file_defect(
        self, rel: str, klasse: str, gevolg: str, detail: str, column: str | None = None
    ) -> None:
        self.defects.append(Defect(rel, None, column, klasse, None, gevolg, detail))

    def put(self, rel: str, data: bytes) -> None:
        path = self.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def assign_profiles(ref: Reference) -> dict[str, Profile]:
    """The format profile of every partner: the largest omgevingsdiensten write CSV."""
    out: dict[str, Profile] = {}
    ods = sorted(
        ref.partners_of("omgevingsdienst"),
        key=lambda p: (-OD_WEIGHTS.get(p.code, DEFAULT_WEIGHT), p.index),
    )
    for i, p in enumerate(ods):
        out[p.code] = PROFILES[OD_PROFILE_CYCLE[i % len(OD_PROFILE_CYCLE)]]
    for soort, offset in PROFILE_OFFSET.items():
        for i, p in enumerate(ref.partners_of(soort)):
            out[p.code] = PROFILES[(i + offset) % len(PROFILES)]
    return out


def share(code: str) -> float:
    """The omgevingsdienst's share of the national number of controles."""
    return OD_WEIGHTS.get(code, DEFAULT_WEIGHT) / sum(OD_WEIGHTS.values())


def year_factor(ctx: Ctx, jaar: int, code: str | None) -> float:
    """A slight upward trend, a national wobble and a per-partner wobble (each within 5%)."""
    nat = float(np.clip(ctx.rng(S_TREND, jaar).normal(1.0, 0.02), 0.96, 1.04))
    trend = 1.0 + 0.015 * (jaar - 2022)
    if code is None:
        return nat * trend
    idx = ctx.partner(code).index
    own = float(np.clip(ctx.rng(S_TREND, jaar, idx).normal(1.0, 0.03), 0.95, 1.05))
    return nat * trend * own


def bad_date(profile: Profile, jaar: int) -> str:
    """31 February of ``jaar`` in the partner's date notation."""
    if profile.date_style == "iso" and not profile.xlsx_typed:
        return f"{jaar}-02-31"
    if profile.date_style == "dmy_nopad":
        return f"31-2-{jaar}"
    return f"31-02-{jaar}"
