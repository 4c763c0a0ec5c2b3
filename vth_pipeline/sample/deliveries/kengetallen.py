"""Kengetallen of the omgevingsdiensten (partner-wide or per bevoegd gezag) and provincies."""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from .. import aggregates as agg
from ..context import CONTROLES_PER_YEAR, S_KENGETAL, share, year_factor
from ..manifest import GEMELD, GENEGEERD, QUARANTAINE, VERVANGEN, Missing
from ..reference import Partner
from ..render import Mark
from ..scenarios import GETOETST_ZERO, KENGETALLEN_BOTH, KENGETALLEN_PER_BG_ONLY
from ..year import Year
from .controles import Stats


def write_od_kengetallen(year: Year, stats: Stats) -> None:
    """The kengetallen follow the omgevingsdienst's delivered controles and its size."""
    for od in year.ctx.ref.partners_of("omgevingsdienst"):
        _od_kengetallen(year, od, stats)


def write_provincie_kengetallen(year: Year) -> None:
    ctx, jaar = year.ctx, year.jaar
    for p in ctx.ref.partners_of("provincie"):
        rng = ctx.rng(S_KENGETAL, jaar, p.index)
        when = ctx.usual_date(jaar, p.code, "kengetallen")
        ctx.write(jaar, p.code, "kengetallen", agg.provincie_kengetallen(rng), when=when)


def _od_kengetallen(year: Year, od: Partner, stats: Stats) -> None:
    ctx, jaar, code = year.ctx, year.jaar, od.code
    st, n_sites = stats[code]
    rng = ctx.rng(S_KENGETAL, jaar, od.index)
    n_full = CONTROLES_PER_YEAR * share(code) * year_factor(ctx, jaar, code)
    values = agg.od_kengetallen(
        rng,
        n_rows=st.rows,
        n_full=n_full,
        in_beheer=year.pools[code].size(jaar) + n_sites,
        getoetst_zero=code in GETOETST_ZERO,
    )
    if (code, "kengetallen") in year.plan.missing:
        ctx.missing.append(Missing(jaar, code, "kengetallen"))
        return
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
            detail = "partner-wide row differs from the sum per bevoegd gezag"
            marks.append(Mark(r, "waarde", "kengetal_verschil", GEMELD, detail))
    else:
        df = agg.kengetallen_frame(values, None, [])
    df = df.with_columns(_key=pl.int_range(0, pl.len()))
    for name in year.plan.for_partner(code, "k_"):
        df = _plant(name, df, marks)
    _write(year, code, df, marks)


def _plant(name: str, df: pl.DataFrame, marks: list[Mark]) -> pl.DataFrame:
    """Apply row scenario ``name`` to the long table; appends its mark."""
    ind = df["indicator"].to_list()
    if name == "k_geen_geheel_getal":
        r = ind.index("klachten_ontvangen")
        marks.append(Mark(r, "waarde", "geen_geheel_getal", QUARANTAINE, "fraction in an aantal"))
        return df.with_columns(df["waarde"].scatter([r], [df["waarde"][r] + 0.5]))
    if name == "k_waarde_negatief":
        r = ind.index("meldingen_ontvangen")
        marks.append(Mark(r, "waarde", "waarde_negatief", QUARANTAINE))
        return df.with_columns(df["waarde"].scatter([r], [-df["waarde"][r]]))
    if name == "k_indicator_niet_voor_partner":
        extra = pl.DataFrame(
            {
                "indicator": ["handhavingsoverleg_bijeenkomsten"],
                "bevoegd_gezag": pl.Series([None], dtype=pl.Utf8),
                "waarde": [4.0],
                "_key": [df.height],
            },
            schema=df.schema,
        )
        klasse, detail = "indicator_niet_voor_partner", "a provincie indicator"
        marks.append(Mark(df.height, "indicator", klasse, QUARANTAINE, detail))
        return pl.concat([df, extra])
    return df


def _write(year: Year, code: str, df: pl.DataFrame, marks: list[Mark]) -> None:
    """Write the delivery, with an older superseded one or a later identical copy if planned."""
    ctx, jaar = year.ctx, year.jaar
    when = ctx.usual_date(jaar, code, "kengetallen")
    if year.plan.has("vervangen_kengetallen", code):
        older = df.with_columns(
            pl.when(pl.col("indicator").str.starts_with("fte_"))
            .then((pl.col("waarde") * 0.9).round(1))
            .otherwise(pl.col("waarde"))
            .alias("waarde")
        )
        rel, _ = ctx.write(jaar, code, "kengetallen", older, when=None, in_effect=False, variant=1)
        ctx.file_defect(
            rel, "vervangen_bestand", VERVANGEN, "undated delivery; the dated one is later"
        )
        when = ctx.delivery_date(jaar, code, "kengetallen")
    if year.plan.has("identiek_bestand", code):
        when = when or ctx.delivery_date(jaar, code, "kengetallen")
        rel, data = ctx.write(jaar, code, "kengetallen", df, when=when, marks=marks)
        later = when + timedelta(days=21)
        rel2 = f"{jaar}/{code}/kengetallen_{later.isoformat()}.{ctx.profiles[code].ext}"
        ctx.write_copy(rel2, data, ctx.files[-1], later)
        ctx.file_defect(
            rel2, "identiek_bestand", GENEGEERD, f"byte-identical to {rel}; changes nothing"
        )
        return
    ctx.write(jaar, code, "kengetallen", df, when=when, marks=marks)
