"""Controles of the omgevingsdiensten, with their file-level scenarios."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from ..context import CONTROLES_PER_YEAR, S_CONTROLES, S_POOL, Ctx, share, year_factor
from ..controles import ControleStats, Pool, controles_table, make_pool
from ..manifest import AFGEWEZEN, VERVANGEN, Missing
from ..reference import Partner
from ..year import Year
from .controle_defects import plant_controles

# per omgevingsdienst: the stats of its controles and the number of its Seveso sites
Stats = dict[str, tuple[ControleStats, int]]


def make_pools(ctx: Ctx) -> dict[str, Pool]:
    """The toezichtbestand of every omgevingsdienst, drawn from its werkgebied."""
    return {
        p.code: make_pool(
            ctx.rng(S_POOL, p.index),
            p.code,
            p.provincie_code,
            ctx.geo.base[p.code],
            CONTROLES_PER_YEAR * ctx.scale * share(p.code),
        )
        for p in ctx.ref.partners_of("omgevingsdienst")
    }


def write_controles(year: Year) -> Stats:
    """Build every omgevingsdienst's controles and write them (or the planned bad file)."""
    stats: Stats = {}
    for od in year.ctx.ref.partners_of("omgevingsdienst"):
        df, st, n_sites = _build(year, od)
        stats[od.code] = (st, n_sites)
        _deliver(year, od, df)
    return stats


def _build(year: Year, od: Partner) -> tuple[pl.DataFrame, ControleStats, int]:
    ctx, jaar, code = year.ctx, year.jaar, od.code
    n_target = round(CONTROLES_PER_YEAR * ctx.scale * share(code) * year_factor(ctx, jaar, code))
    sites = []
    if od.seveso:
        mine = year.reg.filter(pl.col("omgevingsdienst") == code)
        sites = list(zip(mine["inrichting_id"].to_list(), mine["_pv"].to_list(), strict=True))
    df, st = controles_table(
        ctx.rng(S_CONTROLES, jaar, od.index),
        code=code,
        jaar=jaar,
        n_target=n_target,
        pool=year.pools[code],
        geo=ctx.geo,
        seveso_sites=sites,
        id_style=od.index,
    )
    return df, st, len(sites)


def _deliver(year: Year, od: Partner, df: pl.DataFrame) -> None:
    ctx, jaar, code, plan = year.ctx, year.jaar, od.code, year.plan
    if (code, "controles") in plan.missing:
        ctx.missing.append(Missing(jaar, code, "controles"))
        return
    if plan.has("bestand_onleesbaar", code):
        _write_unreadable(year, od)
        return
    when = ctx.usual_date(jaar, code, "controles")
    if plan.has("kolom_ontbreekt", code):
        _write_without_column(year, code, df, when)
        return
    if plan.has("vervangen_controles", code):
        when = _write_superseded(year, code, df)
    df, edits = plant_controles(year, df, code)
    ctx.write(jaar, code, "controles", df, when=when, **edits)


def _write_unreadable(year: Year, od: Partner) -> None:
    data = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + year.rng(od.index, 1).bytes(3000)
    year.ctx.write_raw(
        f"{year.jaar}/{od.code}/controles.xlsx",
        data,
        jaar=year.jaar,
        code=od.code,
        soort="controles",
        fmt="onleesbaar",
        klasse="bestand_onleesbaar",
        gevolg=AFGEWEZEN,
        detail="a PDF saved as .xlsx",
    )


def _write_without_column(year: Year, code: str, df: pl.DataFrame, when: date | None) -> None:
    ctx = year.ctx
    rel, _ = ctx.write(
        year.jaar, code, "controles", df, drop_columns=["taakveld"], when=when, in_effect=False
    )
    ctx.file_defect(
        rel, "kolom_ontbreekt", AFGEWEZEN, "required column taakveld is missing", column="taakveld"
    )


def _write_superseded(year: Year, code: str, df: pl.DataFrame) -> date:
    """A first delivery without December; returns the date of the later, complete one."""
    ctx, jaar = year.ctx, year.jaar
    first = ctx.delivery_date(jaar, code, "controles", offset=-5)
    early = df.filter(pl.col("datum") < date(jaar, 12, 1))
    rel, _ = ctx.write(jaar, code, "controles", early, when=first, in_effect=False, variant=1)
    ctx.file_defect(
        rel,
        "vervangen_bestand",
        VERVANGEN,
        "first delivery without December; replaced by a later one",
    )
    return first + timedelta(days=35)
