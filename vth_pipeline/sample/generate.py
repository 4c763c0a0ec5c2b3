"""Deterministic generator of realistic sample deliveries (``data/raw`` layout).

``generate_sample`` writes ``out/<jaar>/<partner_code>/<soort>[_<YYYY-MM-DD>].<csv|xlsx>`` as
the delivery contract (``aanlevering.md``) describes, with format variations per partner, a
few supersession cases, some missing deliveries, deliberate bad rows and bad files, and returns
a :class:`SampleManifest` that says where everything is.

Everything is drawn from ``numpy.random.default_rng`` streams keyed by (seed, purpose, year,
partner), so the data of a year do not depend on which other years are generated (only where
the deliberate scenarios land does: a scenario whose preferred year is not generated moves to
the nearest generated year), and the same arguments give byte-identical files. XLSX files get
fixed document properties, so no timestamp of the run lands in them.

Bulk columns (controles, Seveso inspections) are built with numpy/polars; Python loops run over
partners, files and the few planted defects only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from . import aggregates as agg
from .controles import Pool, controles_table, make_pool
from .formats import PROFILE_BY_NAME, PROFILES, SCHEMAS, Mark, Profile, remarks_column, render
from .geo import Geo
from .manifest import (
    AFGEWEZEN,
    GEEN,
    GEMELD,
    GENEGEERD,
    QUARANTAINE,
    VERVANGEN,
    Defect,
    FileInfo,
    Missing,
    SampleManifest,
)
from .reference import Partner, Reference, load_reference
from .seveso import (
    SEVESO_OD,
    Register,
    build_register,
    inspections_of_year,
    register_of_year,
    shift_date,
)

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
# profiles for the omgevingsdiensten in order of size: the largest write CSV
OD_PROFILE_CYCLE = [0, 1, 2, 3, 4, 8, 9, 5, 6, 7]
PROFILE_OFFSET = {"provincie": 1, "veiligheidsregio": 5, "arbeidsinspectie": 5}

KENGETALLEN_PER_BG_ONLY = "RUDZ"  # delivers kengetallen per bevoegd gezag only
KENGETALLEN_BOTH = "ODBN"  # partner-wide and per bevoegd gezag, with one difference
GETOETST_ZERO = ("ODMH", "ODIJMOND")  # handhavingsbesluiten_getoetst = 0
UITKOMSTEN_PROVINCIES = ("PV21", "PV25", "PV28")
# the omgevingsdiensten (about a third) that deliver the optional uitkomsten
UITKOMSTEN_ODS = ("FUMO", "ODT", "ODV", "ODR", "OFGV", "ODNZKG", "ODH", "OZHZ", "ODZOB", "RUDZL")
NL_ROW_PARTNER = "RUDZL"

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

# Deliberate scenarios and their preferred year. When a preferred year is not generated, the
# scenario goes to the nearest generated year, so every class occurs in any run.
SCENARIO_YEAR = {
    # bad files and supersession
    "bestand_leeg": 2021,
    "vervangen_kengetallen": 2021,
    "bestand_onleesbaar": 2022,
    "identiek_bestand": 2022,
    "kolom_ontbreekt": 2023,
    "onbekende_partner": 2023,
    "vervangen_controles": 2023,
    "onbekende_soort": 2024,
    "concurrerende_levering": 2024,
    # bad rows
    "c_datum_ongeldig": 2021,
    "c_verplicht_leeg": 2021,
    "c_code_onbekend": 2021,
    "c_uren_buiten_bereik": 2021,
    "k_geen_geheel_getal": 2021,
    "u_waarde_negatief": 2021,
    "c_lhs_niet_leeg": 2022,
    "c_dubbel_id": 2022,
    "c_gemeente_a": 2022,
    "c_decimaalkomma": 2022,
    "k_indicator_niet_voor_partner": 2022,
    "u_conflict": 2022,
    "vr_ontbreekt": 2022,
    "c_datum_buiten_jaar": 2023,
    "c_te_veel_velden": 2023,
    "c_gemeente_b": 2023,
    "k_waarde_negatief": 2023,
    "s_niet_in_register": 2023,
    "r_dubbel_id_landelijk": 2023,
    "u_nl_rij_a": 2023,
    "u_nl_rij_b": 2024,
    "s_datum_ongeldig": 2024,
    "s_code_onbekend": 2024,
    "r_verplicht_leeg": 2024,
    "c_overtreding_zonder_lhs": 2024,
}
# preferred partner per scenario (the first one that can take it in that year is used)
SCENARIO_PARTNERS = {
    "bestand_leeg": ["PV22", "PV24"],
    "vervangen_kengetallen": ["OVIJ", "ODA", "RUDLN"],
    "bestand_onleesbaar": ["ODA", "RUDLN", "ODR"],
    "identiek_bestand": ["ODRA", "ODV", "RUDLN"],
    "kolom_ontbreekt": ["RUDU", "RUDLN", "ODR"],
    "vervangen_controles": ["ODIJ", "ODR", "RUDLN"],
    "concurrerende_levering": ["ODV", "ODR", "FUMO"],
    "onbekende_soort": ["ODH"],
    "c_datum_ongeldig": ["ODT", "RUDD", "ODMH"],
    "c_verplicht_leeg": ["OZHZ", "ODRN"],
    "c_code_onbekend": ["ODNHN", "ODG"],
    "c_uren_buiten_bereik": ["ODBN", "ODZOB"],
    "k_geen_geheel_getal": ["ODZOB", "ODH"],
    "u_waarde_negatief": ["ODR", "ODT"],
    "c_lhs_niet_leeg": ["ODRN", "OFGV"],
    "c_dubbel_id": ["OMWB", "DCMR"],
    "c_decimaalkomma": ["ODIJMOND", "ODRA", "ODG"],
    "k_indicator_niet_voor_partner": ["ODG", "ODRA"],
    "c_datum_buiten_jaar": ["FUMO", "ODRU"],
    "c_te_veel_velden": ["ODNZKG", "OMWB", "ODZOB"],
    "k_waarde_negatief": ["ODWH", "RUDD"],
    "c_overtreding_zonder_lhs": ["ODRU", "ODWH", "ODT"],
    "s_niet_in_register": ["NLA"],
    "s_datum_ongeldig": ["VR17", "VR20", "VR24"],
    "s_code_onbekend": ["DCMR", "OMWB"],
    "r_verplicht_leeg": ["PV31", "PV30"],
    "u_nl_rij_a": [NL_ROW_PARTNER],
    "u_nl_rij_b": [NL_ROW_PARTNER],
}
SCENARIO_SOORT = {
    "bestand_leeg": "uitkomsten",
    "vervangen_kengetallen": "kengetallen",
    "bestand_onleesbaar": "controles",
    "identiek_bestand": "kengetallen",
    "kolom_ontbreekt": "controles",
    "vervangen_controles": "controles",
    "concurrerende_levering": "uitkomsten",
    "onbekende_soort": "notities",
    "k_geen_geheel_getal": "kengetallen",
    "k_indicator_niet_voor_partner": "kengetallen",
    "k_waarde_negatief": "kengetallen",
    "u_waarde_negatief": "uitkomsten",
    "u_nl_rij_a": "uitkomsten",
    "u_nl_rij_b": "uitkomsten",
    "s_niet_in_register": "seveso_inspecties",
    "s_datum_ongeldig": "seveso_inspecties",
    "s_code_onbekend": "seveso_inspecties",
    "r_verplicht_leeg": "seveso_inrichtingen",
}
# scenarios after which the rows of that (partner, soort) do not count: no row defects there
DESTROYERS = {"bestand_leeg", "bestand_onleesbaar", "kolom_ontbreekt", "concurrerende_levering"}
CSV_ONLY = {"c_te_veel_velden", "c_decimaalkomma", "vervangen_controles", "identiek_bestand"}
COMMA_ONLY = {"c_decimaalkomma"}


def _scenario_soort(name: str) -> str:
    return SCENARIO_SOORT.get(name, "controles" if name.startswith("c_") else "")


# --------------------------------------------------------------------------- context


@dataclass
class _Ctx:
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
        return self.partner(code).index % 3 == 0

    # ---------------------------------------------------------------- writing
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
        self._put(rel, rendered.data)
        self.files.append(
            FileInfo(
                path=rel,
                jaar=jaar,
                partner_code=code,
                soort=soort,
                format=profile.fmt,
                encoding=profile.encoding if profile.fmt == "csv" else None,
                separator=profile.sep if profile.fmt == "csv" else None,
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
        self._put(rel, data)
        self.files.append(
            FileInfo(
                rel, jaar, code, soort, fmt, encoding, separator, rows, False, "", None, 1, when
            )
        )
        self.defects.append(Defect(rel, None, None, klasse, None, gevolg, detail))

    def file_defect(self, rel: str, klasse: str, gevolg: str, detail: str, column=None):
        self.defects.append(Defect(rel, None, column, klasse, None, gevolg, detail))

    def _put(self, rel: str, data: bytes) -> None:
        path = self.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _assign_profiles(ref: Reference) -> dict[str, Profile]:
    out: dict[str, Profile] = {}
    ods = sorted(
        ref.partners_of("omgevingsdienst"), key=lambda p: (-OD_WEIGHTS.get(p.code, 0.7), p.index)
    )
    for i, p in enumerate(ods):
        out[p.code] = PROFILES[OD_PROFILE_CYCLE[i % len(OD_PROFILE_CYCLE)]]
    for soort, offset in PROFILE_OFFSET.items():
        for i, p in enumerate(ref.partners_of(soort)):
            out[p.code] = PROFILES[(i + offset) % len(PROFILES)]
    return out


# --------------------------------------------------------------------------- planning


@dataclass
class _YearPlan:
    jaar: int
    who: dict[str, str] = field(default_factory=dict)  # scenario -> partner
    missing: set[tuple[str, str]] = field(default_factory=set)  # (partner, soort)
    blocked: set[tuple[str, str]] = field(default_factory=set)  # rows of these do not count
    gemeente_case: tuple[str, str] | None = None  # (code, kind) for c_gemeente_*

    def has(self, scenario: str, code: str | None = None) -> bool:
        return scenario in self.who and (code is None or self.who[scenario] == code)

    def for_partner(self, code: str, prefix: str = "") -> list[str]:
        return sorted(s for s, c in self.who.items() if c == code and s.startswith(prefix))


def _actual_year(pref: int, years: tuple[int, ...]) -> int:
    return min(years, key=lambda y: (abs(y - pref), y))


def _gemeente_case(ref: Reference, jaar: int) -> tuple[str, str]:
    """A gemeente code that is invalid for (some) dates of ``jaar`` and how."""
    y0, y1 = date(jaar, 1, 1), date(jaar, 12, 31)
    mid = sorted(c for c, g in ref.gemeenten.items() if g.geldig_tot and y0 <= g.geldig_tot < y1)
    if mid:
        return mid[0], "na_einde"
    ended = sorted(c for c, g in ref.gemeenten.items() if g.geldig_tot and g.geldig_tot < y0)
    if ended:
        return ("GM0370" if "GM0370" in ended else ended[0]), "opgeheven"
    future = sorted(c for c, g in ref.gemeenten.items() if g.geldig_van and g.geldig_van > y1)
    return future[0], "nog_niet"


def _plan(ctx: _Ctx) -> dict[int, _YearPlan]:
    plans = {y: _YearPlan(y) for y in ctx.years}
    ods = [p.code for p in ctx.ref.partners_of("omgevingsdienst")]
    by_year: dict[int, list[str]] = {}
    for name, pref in SCENARIO_YEAR.items():
        by_year.setdefault(_actual_year(pref, ctx.years), []).append(name)
    for jaar, names in sorted(by_year.items()):
        plan = plans[jaar]
        # destroyers first, then the rest, in a fixed order
        for name in sorted(names, key=lambda n: (n not in DESTROYERS, n)):
            soort = _scenario_soort(name)
            if name.startswith("c_gemeente"):
                code, kind = _gemeente_case(ctx.ref, jaar)
                plan.gemeente_case = (code, kind)
                final = ctx.ref.final_code(code)
                prefs = [ctx.geo.od_of_final[final]] + ods
            elif name in (
                "u_conflict",
                "vr_ontbreekt",
                "r_dubbel_id_landelijk",
                "onbekende_partner",
            ):
                plan.who[name] = ""
                continue
            else:
                prefs = SCENARIO_PARTNERS[name] + (ods if soort == "controles" else [])
            for code in prefs:
                prof = ctx.profiles[code]
                if (code, soort) in plan.blocked:
                    continue
                if name in CSV_ONLY and prof.fmt != "csv":
                    continue
                if name in COMMA_ONLY and prof.sep != ",":
                    continue
                if name in DESTROYERS and any(c == code for c in plan.who.values()):
                    continue
                plan.who[name] = code
                if name in DESTROYERS:
                    plan.blocked.add((code, soort))
                break
    # missing required deliveries: 2-3 omgevingsdiensten a year (controles or kengetallen)
    special = set(GETOETST_ZERO) | {KENGETALLEN_BOTH, KENGETALLEN_PER_BG_ONLY}
    for jaar, plan in plans.items():
        rng = ctx.rng(S_MISSING, jaar)
        involved = set(plan.who.values()) | special
        cand = [
            c
            for c in ods
            if c not in involved and OD_WEIGHTS.get(c, 0.7) < 1.3 and not ctx.partner(c).seveso
        ]
        k = int(rng.integers(2, 4))
        for c in sorted(rng.choice(cand, size=min(k, len(cand)), replace=False).tolist()):
            soort = "controles" if rng.random() < 0.5 else "kengetallen"
            plan.missing.add((c, soort))
            plan.blocked.add((c, soort))
    return plans


# --------------------------------------------------------------------------- the sample


def generate_sample(
    out: Path,
    years: Sequence[int] = (2021, 2022, 2023, 2024),
    scale: float = 0.05,
    seed: int = 2024,
    reference_dir: Path | None = None,
) -> SampleManifest:
    """Write a deterministic sample of partners' deliveries under ``out``; see module doc."""
    years_t = tuple(sorted({int(y) for y in years}))
    if not years_t:
        raise ValueError("no years to generate")
    if years_t[0] < FIRST_YEAR:
        raise ValueError(f"reporting years start in {FIRST_YEAR}: {years_t}")
    if not scale > 0:
        raise ValueError(f"scale must be positive: {scale}")
    if seed < 0:
        raise ValueError("seed must be a non-negative integer")
    ref = load_reference(reference_dir)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    ctx = _Ctx(ref, Geo(ref), out, int(seed), float(scale), years_t)
    ctx.profiles = _assign_profiles(ref)
    plans = _plan(ctx)
    register = build_register(ref, ctx.rng(S_REGISTER))
    pools = _pools(ctx)
    for jaar in years_t:
        _Year(ctx, plans[jaar], register, pools).run()
    _early_year(ctx, pools)
    return SampleManifest(
        out=str(out),
        years=years_t,
        scale=ctx.scale,
        seed=ctx.seed,
        files=sorted(ctx.files, key=lambda f: f.path),
        defects=sorted(ctx.defects, key=lambda d: (d.path, d.row or 0, d.column or "", d.klasse)),
        missing=sorted(ctx.missing, key=lambda m: (m.jaar, m.partner_code, m.soort)),
    )


def _share(code: str) -> float:
    return OD_WEIGHTS.get(code, 0.7) / sum(OD_WEIGHTS.values())


def _pools(ctx: _Ctx) -> dict[str, Pool]:
    return {
        p.code: make_pool(
            ctx.rng(S_POOL, p.index),
            p.code,
            p.provincie_code,
            ctx.geo.base[p.code],
            CONTROLES_PER_YEAR * ctx.scale * _share(p.code),
        )
        for p in ctx.ref.partners_of("omgevingsdienst")
    }


def _year_factor(ctx: _Ctx, jaar: int, code: str | None) -> float:
    """A slight upward trend, a national wobble and a per-partner wobble (each within 5%)."""
    nat = float(np.clip(ctx.rng(S_TREND, jaar).normal(1.0, 0.02), 0.96, 1.04))
    trend = 1.0 + 0.015 * (jaar - 2022)
    if code is None:
        return nat * trend
    idx = ctx.partner(code).index
    own = float(np.clip(ctx.rng(S_TREND, jaar, idx).normal(1.0, 0.03), 0.95, 1.05))
    return nat * trend * own


def _bad_date(profile: Profile, jaar: int) -> str:
    if profile.date_style == "iso" and not profile.xlsx_typed:
        return f"{jaar}-02-31"
    if profile.date_style == "dmy_nopad":
        return f"31-2-{jaar}"
    return f"31-02-{jaar}"


class _Year:
    """Everything of one reporting year."""

    def __init__(self, ctx: _Ctx, plan: _YearPlan, register: Register, pools: dict[str, Pool]):
        self.ctx = ctx
        self.ref = ctx.ref
        self.plan = plan
        self.jaar = plan.jaar
        self.pools = pools
        self.reg = register_of_year(ctx.ref, register, self.jaar)
        self.insp = inspections_of_year(ctx.rng(S_INSPECTIES, self.jaar), self.reg, self.jaar)
        self.stable = sorted(
            c for c, g in ctx.ref.gemeenten.items() if g.geldig_van is None and g.geldig_tot is None
        )

    def rng(self, *key: int) -> np.random.Generator:
        return self.ctx.rng(S_DEFECT, self.jaar, *key)

    def run(self) -> None:
        stats = self._controles()
        self._kengetallen(stats)
        self._uitkomsten()
        self._provincies()
        self._seveso_inspecties()
        if self.plan.has("onbekende_partner"):
            self._unknown_partner()
        if self.plan.has("onbekende_soort"):
            code = self.plan.who["onbekende_soort"]
            rel = f"{self.jaar}/{code}/notities.csv"
            text = (
                "datum;notitie\r\n"
                f"{self.jaar + 1}-01-20;Kengetallen nagezonden na overleg met de provincie\r\n"
                f"{self.jaar + 1}-02-03;Controlebestand bevat ook hercontroles\r\n"
            )
            self.ctx.write_raw(
                rel,
                text.encode("utf-8"),
                jaar=self.jaar,
                code=code,
                soort="notities",
                fmt="csv",
                klasse="onbekende_soort",
                gevolg=GENEGEERD,
                detail="file name is not one of the five kinds",
                encoding="utf-8",
                separator=";",
                rows=2,
            )

    # ---------------------------------------------------------------- controles
    def _controles(self) -> dict[str, object]:
        ctx, jaar = self.ctx, self.jaar
        stats = {}
        for od in ctx.ref.partners_of("omgevingsdienst"):
            code = od.code
            n_target = round(
                CONTROLES_PER_YEAR * ctx.scale * _share(code) * _year_factor(ctx, jaar, code)
            )
            sites = []
            if od.seveso:
                mine = self.reg.filter(pl.col("omgevingsdienst") == code)
                sites = list(
                    zip(mine["inrichting_id"].to_list(), mine["_pv"].to_list(), strict=True)
                )
            df, st = controles_table(
                ctx.rng(S_CONTROLES, jaar, od.index),
                code=code,
                jaar=jaar,
                n_target=n_target,
                pool=self.pools[code],
                geo=ctx.geo,
                seveso_sites=sites,
                id_style=od.index,
            )
            stats[code] = (st, len(sites))
            if (code, "controles") in self.plan.missing:
                ctx.missing.append(Missing(jaar, code, "controles"))
                continue
            if self.plan.has("bestand_onleesbaar", code):
                rng = self.rng(od.index, 1)
                data = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + rng.bytes(3000)
                self.ctx.write_raw(
                    f"{jaar}/{code}/controles.xlsx",
                    data,
                    jaar=jaar,
                    code=code,
                    soort="controles",
                    fmt="onleesbaar",
                    klasse="bestand_onleesbaar",
                    gevolg=AFGEWEZEN,
                    detail="a PDF saved as .xlsx",
                )
                continue
            when = ctx.delivery_date(jaar, code, "controles") if ctx.dated(code) else None
            if self.plan.has("kolom_ontbreekt", code):
                rel, _ = ctx.write(
                    jaar,
                    code,
                    "controles",
                    df,
                    drop_columns=["taakveld"],
                    when=when,
                    in_effect=False,
                )
                ctx.file_defect(
                    rel,
                    "kolom_ontbreekt",
                    AFGEWEZEN,
                    "required column taakveld is missing",
                    column="taakveld",
                )
                continue
            if self.plan.has("vervangen_controles", code):
                first = ctx.delivery_date(jaar, code, "controles", offset=-5)
                early = df.filter(pl.col("datum") < date(jaar, 12, 1))
                rel, _ = ctx.write(
                    jaar, code, "controles", early, when=first, in_effect=False, variant=1
                )
                ctx.file_defect(
                    rel,
                    "vervangen_bestand",
                    VERVANGEN,
                    "first delivery without December; replaced by a later one",
                )
                when = first + timedelta(days=35)
            df, edits = self._plant_controles(df, code)
            ctx.write(jaar, code, "controles", df, when=when, **edits)
        return stats

    def _plant_controles(self, df: pl.DataFrame, code: str) -> tuple[pl.DataFrame, dict]:
        names = self.plan.for_partner(code, "c_")
        marks: list[Mark] = []
        overrides: dict[tuple[int, str], str] = {}
        extra: dict[int, list[str]] = {}
        if not names:
            return df, {}
        rng = self.rng(self.ctx.partner(code).index, 2)
        used: set[int] = set()
        bg = df["bevoegd_gezag"].to_numpy()
        sev = df["seveso"].fill_null(False).to_numpy()
        res = df["resultaat"].to_numpy()
        datum = df["datum"].to_numpy()
        base_ok = np.isin(bg, self.stable) & ~sev

        def take(cond: np.ndarray | None = None, k: int = 1) -> list[int]:
            ok = base_ok.copy() if cond is None else base_ok & cond
            if used:
                ok[list(used)] = False
            cand = np.flatnonzero(ok)
            if len(cand) < k:
                cand = np.setdiff1d(np.arange(df.height), list(used))
            rows = sorted(int(x) for x in rng.choice(cand, k, replace=False))
            used.update(rows)
            return rows

        def set_cell(col: str, row: int, value) -> None:
            nonlocal df
            df = df.with_columns(df[col].scatter([row], [value]))

        profile = self.ctx.profiles[code]
        for name in names:
            if name == "c_datum_ongeldig":
                (r,) = take()
                overrides[(r, "datum")] = _bad_date(profile, self.jaar)
                marks.append(Mark(r, "datum", "datum_ongeldig", QUARANTAINE, "31 February"))
            elif name == "c_datum_buiten_jaar":
                (r,) = take()
                set_cell("datum", r, date(self.jaar + 1, 1, 3))
                marks.append(
                    Mark(r, "datum", "datum_buiten_jaar", QUARANTAINE, "date in the next year")
                )
            elif name == "c_verplicht_leeg":
                (r,) = take()
                set_cell("inrichting_id", r, None)
                marks.append(Mark(r, "inrichting_id", "verplicht_leeg", QUARANTAINE))
            elif name == "c_code_onbekend":
                (r,) = take()
                set_cell("taakveld", r, "natuur")
                marks.append(
                    Mark(
                        r,
                        "taakveld",
                        "code_onbekend",
                        QUARANTAINE,
                        "taakveld 'natuur' is not in the list",
                    )
                )
            elif name == "c_uren_buiten_bereik":
                (r,) = take()
                set_cell("uren", r, 1250.0)
                marks.append(Mark(r, "uren", "uren_buiten_bereik", QUARANTAINE, ">= 1000"))
            elif name == "c_lhs_niet_leeg":
                (r,) = take(res == "geen_overtreding")
                set_cell("lhs_gevolg", r, "A")
                marks.append(
                    Mark(
                        r,
                        "lhs_gevolg",
                        "lhs_niet_leeg_zonder_overtreding",
                        QUARANTAINE,
                        "lhs_gevolg A with geen_overtreding",
                    )
                )
            elif name == "c_overtreding_zonder_lhs":
                (r,) = take(res == "overtreding")
                set_cell("lhs_gedrag", r, None)
                marks.append(
                    Mark(
                        r,
                        "lhs_gedrag",
                        "overtreding_zonder_lhs",
                        QUARANTAINE,
                        "overtreding without lhs_gedrag",
                    )
                )
            elif name == "c_dubbel_id":
                r1, r2 = take(k=2)
                set_cell("controle_id", r2, df["controle_id"][r1])
                for r in (r1, r2):
                    marks.append(
                        Mark(r, "controle_id", "dubbel_id", QUARANTAINE, "controle_id occurs twice")
                    )
            elif name == "c_decimaalkomma":
                (r,) = take(~np.isnan(df["uren"].fill_null(np.nan).to_numpy()))
                overrides[(r, "uren")] = "3,5"
                marks.append(
                    Mark(
                        r,
                        "uren",
                        "decimaalkomma_bij_komma_scheiding",
                        QUARANTAINE,
                        "decimal comma in a ','-separated file (quoted)",
                    )
                )
            elif name == "c_te_veel_velden":
                (r,) = take()
                extra[r] = ["nagekomen"]
                marks.append(
                    Mark(r, None, "te_veel_velden", QUARANTAINE, "one field more than the header")
                )
            elif name.startswith("c_gemeente"):
                gm, kind = self.plan.gemeente_case
                cond = np.char.startswith(bg.astype(str), "GM")
                if kind == "na_einde":
                    tot = self.ref.gemeenten[gm].geldig_tot
                    cond &= datum > np.datetime64(tot)
                (r,) = take(cond)
                set_cell("bevoegd_gezag", r, gm)
                marks.append(
                    Mark(
                        r,
                        "bevoegd_gezag",
                        "gemeente_niet_geldig_op_datum",
                        QUARANTAINE,
                        f"{gm} is not valid on the date ({kind})",
                    )
                )
        edits = {"marks": marks, "overrides": overrides, "extra_fields": extra}
        return df, edits

    # ---------------------------------------------------------------- kengetallen
    def _kengetallen(self, stats: dict[str, object]) -> None:
        ctx, jaar = self.ctx, self.jaar
        for od in ctx.ref.partners_of("omgevingsdienst"):
            code = od.code
            st, n_sites = stats[code]
            rng = ctx.rng(S_KENGETAL, jaar, od.index)
            n_full = CONTROLES_PER_YEAR * _share(code) * _year_factor(ctx, jaar, code)
            values = agg.od_kengetallen(
                rng,
                n_rows=st.rows,
                n_full=n_full,
                in_beheer=self.pools[code].size(jaar) + n_sites,
                getoetst_zero=code in GETOETST_ZERO,
            )
            if (code, "kengetallen") in self.plan.missing:
                ctx.missing.append(Missing(jaar, code, "kengetallen"))
                continue
            marks: list[Mark] = []
            if code in (KENGETALLEN_PER_BG_ONLY, KENGETALLEN_BOTH):
                areas = ctx.geo.year_codes(code, jaar) + [od.provincie_code]
                per_bg = agg.split_per_bg(rng, values, areas)
                if code == KENGETALLEN_PER_BG_ONLY:
                    df = agg.kengetallen_frame(None, per_bg, areas)
                else:
                    wide = {k: float(v.sum()) for k, v in per_bg.items()}
                    wide["klachten_ontvangen"] += 3
                    df = agg.kengetallen_frame(wide, per_bg, areas)
                    r = list(wide).index("klachten_ontvangen")
                    marks.append(
                        Mark(
                            r,
                            "waarde",
                            "kengetal_verschil",
                            GEMELD,
                            "partner-wide row differs from the sum per bevoegd gezag",
                        )
                    )
            else:
                df = agg.kengetallen_frame(values, None, [])
            df = df.with_columns(_key=pl.int_range(0, pl.len()))
            for name in self.plan.for_partner(code, "k_"):
                ind = df["indicator"].to_list()
                if name == "k_geen_geheel_getal":
                    r = ind.index("klachten_ontvangen")
                    df = df.with_columns(df["waarde"].scatter([r], [df["waarde"][r] + 0.5]))
                    marks.append(
                        Mark(r, "waarde", "geen_geheel_getal", QUARANTAINE, "fraction in an aantal")
                    )
                elif name == "k_waarde_negatief":
                    r = ind.index("meldingen_ontvangen")
                    df = df.with_columns(df["waarde"].scatter([r], [-df["waarde"][r]]))
                    marks.append(Mark(r, "waarde", "waarde_negatief", QUARANTAINE))
                elif name == "k_indicator_niet_voor_partner":
                    extra = pl.DataFrame(
                        {
                            "indicator": ["handhavingsoverleg_bijeenkomsten"],
                            "bevoegd_gezag": pl.Series([None], dtype=pl.Utf8),
                            "waarde": [4.0],
                            "_key": [df.height],
                        },
                        schema=df.schema,
                    )
                    marks.append(
                        Mark(
                            df.height,
                            "indicator",
                            "indicator_niet_voor_partner",
                            QUARANTAINE,
                            "a provincie indicator",
                        )
                    )
                    df = pl.concat([df, extra])
            self._write_kengetallen(code, df, marks, values)

    def _write_kengetallen(self, code: str, df: pl.DataFrame, marks: list[Mark], values) -> None:
        ctx, jaar = self.ctx, self.jaar
        when = ctx.delivery_date(jaar, code, "kengetallen") if ctx.dated(code) else None
        if self.plan.has("vervangen_kengetallen", code):
            older = df.with_columns(
                pl.when(pl.col("indicator").str.starts_with("fte_"))
                .then((pl.col("waarde") * 0.9).round(1))
                .otherwise(pl.col("waarde"))
                .alias("waarde")
            )
            rel, _ = ctx.write(
                jaar, code, "kengetallen", older, when=None, in_effect=False, variant=1
            )
            ctx.file_defect(
                rel, "vervangen_bestand", VERVANGEN, "undated delivery; the dated one is later"
            )
            when = ctx.delivery_date(jaar, code, "kengetallen")
        if self.plan.has("identiek_bestand", code):
            when = when or ctx.delivery_date(jaar, code, "kengetallen")
            rel, data = ctx.write(jaar, code, "kengetallen", df, when=when, marks=marks)
            later = when + timedelta(days=21)
            rel2 = f"{jaar}/{code}/kengetallen_{later.isoformat()}.{ctx.profiles[code].ext}"
            ctx._put(rel2, data)
            first = ctx.files[-1]
            ctx.files.append(
                FileInfo(
                    rel2,
                    jaar,
                    code,
                    "kengetallen",
                    first.format,
                    first.encoding,
                    first.separator,
                    first.rows,
                    False,
                    first.profile,
                    first.sheet,
                    first.header_row,
                    later,
                )
            )
            ctx.file_defect(
                rel2, "identiek_bestand", GENEGEERD, f"byte-identical to {rel}; changes nothing"
            )
            return
        ctx.write(jaar, code, "kengetallen", df, when=when, marks=marks)

    # ---------------------------------------------------------------- uitkomsten
    def _uitkomsten(self) -> None:
        ctx, jaar = self.ctx, self.jaar
        ods = ctx.ref.partners_of("omgevingsdienst")
        deliver = [p for p in ods if p.code in UITKOMSTEN_ODS]
        tables: dict[str, list[tuple[str, str, float]]] = {}
        for od in deliver:
            r = ctx.rng(S_UITKOMST, od.index)  # the indicators a partner keeps: stable
            others = [
                k
                for k in agg.UITKOMST_BASE
                if k not in ("klachten_geur", "klachten_geluid", "milieu_incidenten")
            ]
            chosen = sorted(
                r.choice(others, int(r.integers(1, len(others) + 1)), replace=False).tolist()
            )
            inds = ["klachten_geur", "klachten_geluid", "milieu_incidenten"] + chosen
            gebieden = ctx.geo.year_codes(od.code, jaar)
            rows = []
            for ind in [k for k in agg.UITKOMST_BASE if k in inds]:
                vals = agg.uitkomst_values(ctx.seed, jaar, ind, gebieden)
                rows += [(ind, g, v) for g, v in zip(gebieden, vals, strict=True)]
            tables[od.code] = rows
        marks: dict[str, list[Mark]] = {c: [] for c in tables}
        # NL row from one partner
        nl = {self.plan.who.get(name) for name in ("u_nl_rij_a", "u_nl_rij_b")}
        for code in sorted(c for c in nl if c in tables):
            tables[code].append(("ongewone_voorvallen_seveso", "NL", 41.0 + jaar % 7))
        # one conflict: a partner also delivers a gemeente of another partner
        if self.plan.has("u_conflict"):
            pairs = [
                (a, b)
                for a in sorted(tables)
                for b in sorted(tables)
                if a < b
                and ctx.partner(a).provincie_code == ctx.partner(b).provincie_code
                and (a, "uitkomsten") not in self.plan.blocked
                and (b, "uitkomsten") not in self.plan.blocked
            ]
            a, b = pairs[-1]
            ind, gb, v = tables[b][0]
            marks[a].append(
                Mark(
                    len(tables[a]),
                    "gebied",
                    "conflict_uitkomst",
                    GEMELD,
                    f"{ind} {gb} also delivered by {b}",
                )
            )
            marks[b].append(
                Mark(0, "gebied", "conflict_uitkomst", GEMELD, f"{ind} {gb} also delivered by {a}")
            )
            tables[a].append((ind, gb, round(v * 1.1)))
        code = self.plan.who.get("u_waarde_negatief")
        if code in tables:
            r = 1
            ind, gb, v = tables[code][r]
            tables[code][r] = (ind, gb, -(v or 3.0))
            marks[code].append(Mark(r, "waarde", "waarde_negatief", QUARANTAINE))
        for code, rows in tables.items():
            df = agg.uitkomsten_frame(rows)
            if self.plan.has("concurrerende_levering", code):
                rel1, _ = ctx.write(jaar, code, "uitkomsten", df, in_effect=False)
                alt = df.with_columns((pl.col("waarde") * 1.02).round(1))
                rel2, _ = ctx.write(
                    jaar,
                    code,
                    "uitkomsten",
                    alt,
                    in_effect=False,
                    profile=PROFILE_BY_NAME["xlsx_tabblad_soort"],
                    variant=1,
                )
                for rel, other in ((rel1, rel2), (rel2, rel1)):
                    ctx.file_defect(
                        rel,
                        "concurrerende_levering",
                        AFGEWEZEN,
                        f"same triple without a later date than {other}",
                    )
                continue
            when = ctx.delivery_date(jaar, code, "uitkomsten") if ctx.dated(code) else None
            ctx.write(jaar, code, "uitkomsten", df, when=when, marks=marks[code])

    # ---------------------------------------------------------------- provincies
    def _provincies(self) -> None:
        ctx, jaar = self.ctx, self.jaar
        reg = self.reg
        inspected = set(self.insp["inrichting_id"].to_list())
        per_pv = {pv: reg.filter(pl.col("_pv") == pv) for pv in sorted(ctx.ref.provincies)}
        per_pv = {pv: df.with_columns(_key=pl.col("_num")) for pv, df in per_pv.items()}
        marks: dict[str, list[Mark]] = {pv: [] for pv in per_pv}
        if self.plan.has("r_dubbel_id_landelijk"):
            src_pv, dst_pv = "PV29", "PV30"
            src = per_pv[src_pv]
            cand = src.filter(
                pl.col("_actief")
                & (pl.col("drempel") == "laag")
                & ~pl.col("inrichting_id").is_in(sorted(inspected))
            )
            row = cand.row(0, named=True)
            dst = per_pv[dst_pv]
            gm = sorted(
                c
                for c in ctx.geo.codes_valid_in_year(jaar)
                if ctx.ref.gemeenten[c].provincie_code == dst_pv
            )[3]
            copy = dict(row)
            copy.update(
                naam=f"Opslag {ctx.ref.gemeenten[gm].naam} B.V.",
                gemeente=gm,
                veiligheidsregio=ctx.ref.gemeenten[gm].vr_code,
                omgevingsdienst=SEVESO_OD[dst_pv],
                _pv=dst_pv,
                _key=-1,
            )
            per_pv[dst_pv] = pl.concat([dst, pl.DataFrame([copy], schema=dst.schema)])
            marks[src_pv].append(
                Mark(
                    row["_key"],
                    "inrichting_id",
                    "dubbel_id_landelijk",
                    QUARANTAINE,
                    f"also in the register of {dst_pv}",
                )
            )
            marks[dst_pv].append(
                Mark(
                    -1,
                    "inrichting_id",
                    "dubbel_id_landelijk",
                    QUARANTAINE,
                    f"also in the register of {src_pv}",
                )
            )
        code = self.plan.who.get("r_verplicht_leeg")
        if code in per_pv:
            df = per_pv[code]
            cand = df.filter(
                ~pl.col("inrichting_id").is_in(sorted(inspected)) & (pl.col("_key") >= 0)
            )
            key = cand["_key"][0]
            pos = df["_key"].to_list().index(key)
            per_pv[code] = df.with_columns(df["naam"].scatter([pos], [None]))
            marks[code].append(Mark(key, "naam", "verplicht_leeg", QUARANTAINE))
        for p in ctx.ref.partners_of("provincie"):
            pv = p.code
            rng = ctx.rng(S_KENGETAL, jaar, p.index)
            when = ctx.delivery_date(jaar, pv, "kengetallen") if ctx.dated(pv) else None
            ctx.write(jaar, pv, "kengetallen", agg.provincie_kengetallen(rng), when=when)
            when = ctx.delivery_date(jaar, pv, "seveso_inrichtingen") if ctx.dated(pv) else None
            ctx.write(jaar, pv, "seveso_inrichtingen", per_pv[pv], when=when, marks=marks[pv])
            if self.plan.has("bestand_leeg", pv):
                ctx.write_raw(
                    f"{jaar}/{pv}/uitkomsten.csv",
                    b"",
                    jaar=jaar,
                    code=pv,
                    soort="uitkomsten",
                    fmt="leeg",
                    klasse="bestand_leeg",
                    gevolg=AFGEWEZEN,
                    detail="0 bytes",
                )
            elif pv in UITKOMSTEN_PROVINCIES:
                rows = []
                for ind in (
                    "emissie_nox",
                    "emissie_pm10",
                    "bodemsaneringen_afgerond",
                    "asbestdaken_gesaneerd",
                ):
                    (v,) = agg.uitkomst_values(ctx.seed, jaar, ind, [pv], factor=12.0)
                    rows.append((ind, pv, v))
                when = ctx.delivery_date(jaar, pv, "uitkomsten") if ctx.dated(pv) else None
                ctx.write(jaar, pv, "uitkomsten", agg.uitkomsten_frame(rows), when=when)

    # ---------------------------------------------------------------- seveso inspecties
    def _seveso_inspecties(self) -> None:
        ctx, jaar = self.ctx, self.jaar
        insp = self.insp
        marks: list[tuple[int, Mark]] = []  # (key, mark); key = _key of the row
        overrides: dict[int, dict[tuple[int, str], str]] = {}
        rng = self.rng(777)
        active_vr = sorted(set(self.reg.filter(pl.col("_actief"))["veiligheidsregio"].to_list()))
        missing_vr = None
        if self.plan.has("vr_ontbreekt"):
            free = [v for v in active_vr if v not in self.plan.who.values()]
            missing_vr = free[int(rng.integers(len(free)))]
        # inspections that may carry a scenario: joint, at an establishment inspected twice+
        per_est = insp.group_by("inrichting_id").agg(pl.col("_insp").n_unique().alias("n"))
        multi = set(per_est.filter(pl.col("n") >= 2)["inrichting_id"].to_list())
        insp_partners = insp.group_by("_insp").agg(pl.col("_partner"))
        with_missing = set()
        if missing_vr:
            with_missing = set(insp.filter(pl.col("_partner") == missing_vr)["_insp"].to_list())
        usable = sorted(
            set(insp.filter(pl.col("inrichting_id").is_in(sorted(multi)))["_insp"].to_list())
            - with_missing
        )
        nparts = dict(
            zip(
                insp_partners["_insp"].to_list(),
                [len(x) for x in insp_partners["_partner"].to_list()],
                strict=True,
            )
        )
        two_plus = [i for i in usable if nparts[i] >= 2]
        three = [i for i in usable if nparts[i] == 3]
        # 1. integration conflict: the same joint id, another datum / inrichting_id at a partner
        conflict = int(rng.choice(two_plus))
        rows = insp.filter(pl.col("_insp") == conflict)
        other = rows.filter(~pl.col("_partner").is_in(sorted(SEVESO_OD.values()))).row(
            0, named=True
        )
        if jaar % 2:
            column, new = "datum", shift_date(other["datum"], jaar)
        else:
            column = "inrichting_id"
            od_code = SEVESO_OD[self._pv_of(other["inrichting_id"])]
            same_od = insp.filter(
                (pl.col("_partner") == od_code)
                & (pl.col("inrichting_id") != other["inrichting_id"])
            )
            new = sorted(same_od["inrichting_id"].to_list())[0]
        pos = insp["_key"].to_list().index(other["_key"])
        insp = insp.with_columns(insp[column].scatter([pos], [new]))
        for key in rows["_key"].to_list():
            marks.append(
                (
                    key,
                    Mark(
                        key,
                        column,
                        "integratieconflict",
                        GEMELD,
                        f"joint inspection disagrees on {column}",
                    ),
                )
            )
        # 2. a joint inspection delivered by only some of its partners (NLA row left out)
        partial = int(rng.choice([i for i in three if i != conflict]))
        prow = insp.filter((pl.col("_insp") == partial) & (pl.col("_partner") != "NLA")).row(
            0, named=True
        )
        insp = insp.filter(~((pl.col("_insp") == partial) & (pl.col("_partner") == "NLA")))
        marks.append(
            (
                prow["_key"],
                Mark(
                    prow["_key"],
                    "gezamenlijke_inspectie_id",
                    "gezamenlijk_deels_geleverd",
                    GEEN,
                    "the NLA row of this joint inspection is missing",
                ),
            )
        )
        # 3. one partner delivers the same inspectie_id twice
        od_codes = sorted(set(SEVESO_OD.values()))
        dup_partner = od_codes[jaar % len(od_codes)]
        cand = insp.filter(
            (pl.col("_partner") == dup_partner)
            & pl.col("_insp").is_in([i for i in two_plus if i not in (conflict, partial)])
        )
        k1, k2 = sorted(rng.choice(cand["_key"].to_numpy(), 2, replace=False).tolist())
        keys = insp["_key"].to_list()
        first_id = insp["inspectie_id"][keys.index(k1)]
        insp = insp.with_columns(insp["inspectie_id"].scatter([keys.index(k2)], [first_id]))
        for key in (k1, k2):
            marks.append(
                (
                    key,
                    Mark(
                        key, "inspectie_id", "dubbel_id", QUARANTAINE, "inspectie_id occurs twice"
                    ),
                )
            )
        taken = {k1, k2, prow["_key"], *rows["_key"].to_list()}
        # 4. row defects of single partners
        code = self.plan.who.get("s_niet_in_register")
        if code:
            extra = (
                insp.filter(pl.col("_partner") == code)
                .head(1)
                .with_columns(
                    inrichting_id=pl.lit("S9999"),
                    gezamenlijke_inspectie_id=pl.lit(None, dtype=pl.Utf8),
                    inspectie_id=pl.col("inspectie_id") + "-X",
                    _key=pl.lit(10**6),
                    _insp=pl.lit(-1),
                )
            )
            insp = pl.concat([insp, extra], how="vertical_relaxed")
            marks.append(
                (
                    10**6,
                    Mark(
                        10**6,
                        "inrichting_id",
                        "inrichting_niet_in_register",
                        QUARANTAINE,
                        "S9999 is in no register",
                    ),
                )
            )
        for name, col, klasse in (
            ("s_datum_ongeldig", "datum", "datum_ongeldig"),
            ("s_code_onbekend", "handhaving", "code_onbekend"),
        ):
            code = self.plan.who.get(name)
            if not code or code == missing_vr:
                continue
            cand = insp.filter(
                (pl.col("_partner") == code)
                & ~pl.col("_key").is_in(sorted(taken))
                & pl.col("_insp").is_in(two_plus)
            )
            if cand.height == 0:
                cand = insp.filter(
                    (pl.col("_partner") == code) & ~pl.col("_key").is_in(sorted(taken))
                )
            key = int(cand["_key"][0])
            taken.add(key)
            if col == "datum":
                overrides.setdefault(key, {})[(key, col)] = _bad_date(ctx.profiles[code], jaar)
            else:
                keys = insp["_key"].to_list()
                insp = insp.with_columns(insp[col].scatter([keys.index(key)], ["boete"]))
            marks.append((key, Mark(key, col, klasse, QUARANTAINE)))
        # write one file per partner
        partners = sorted(set(insp["_partner"].to_list()) | set(active_vr) | {"NLA"})
        for code in partners:
            df = insp.filter(pl.col("_partner") == code)
            if code == missing_vr:
                ctx.missing.append(Missing(jaar, code, "seveso_inspecties"))
                continue
            keys = set(df["_key"].to_list())
            mine = [m for k, m in marks if k in keys]
            ov = {kc: v for k, d in overrides.items() if k in keys for kc, v in d.items()}
            when = ctx.delivery_date(jaar, code, "seveso_inspecties") if ctx.dated(code) else None
            ctx.write(jaar, code, "seveso_inspecties", df, marks=mine, overrides=ov, when=when)

    def _pv_of(self, inrichting_id: str) -> str:
        return self.reg.filter(pl.col("inrichting_id") == inrichting_id)["_pv"][0]

    # ---------------------------------------------------------------- unknown partner
    def _unknown_partner(self) -> None:
        ctx, jaar = self.ctx, self.jaar
        donor = ctx.partner("ODH")
        df, _ = controles_table(
            ctx.rng(S_EXTRA, jaar, 1),
            code="ODXYZ",
            jaar=jaar,
            n_target=40,
            pool=Pool("ODXYZ", self.pools["ODH"].base_gm, self.pools["ODH"].is_pv, "PV28", 200),
            geo=ctx.geo,
            seveso_sites=[],
            id_style=donor.index,
        )
        rel, _ = ctx.write(jaar, "ODXYZ", "controles", df, profile=PROFILES[0], in_effect=False)
        ctx.file_defect(rel, "onbekende_partner", GENEGEERD, "ODXYZ is not in partners.csv")


def _early_year(ctx: _Ctx, pools: dict[str, Pool]) -> None:
    """A folder for 2020, before the first reporting year: reported, not read."""
    od = ctx.partner("ODG")
    df, _ = controles_table(
        ctx.rng(S_EXTRA, 2020, 2),
        code=od.code,
        jaar=2020,
        n_target=25,
        pool=pools[od.code],
        geo=ctx.geo,
        seveso_sites=[],
        id_style=od.index,
    )
    rel, _ = ctx.write(2020, od.code, "controles", df, profile=PROFILES[0], in_effect=False)
    ctx.file_defect(rel, "jaar_te_vroeg", GENEGEERD, "reporting years start in 2021")
