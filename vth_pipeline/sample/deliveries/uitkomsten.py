"""The optional uitkomsten: of about a third of the omgevingsdiensten and three provincies."""

from __future__ import annotations

import polars as pl

from .. import aggregates as agg
from ..context import S_UITKOMST, Ctx
from ..formats import PROFILE_BY_NAME
from ..manifest import AFGEWEZEN, GEMELD, QUARANTAINE
from ..reference import Partner
from ..render import Mark
from ..scenarios import UITKOMSTEN_ODS, UITKOMSTEN_PROVINCIES
from ..year import Year

Rows = list[tuple[str, str, float]]  # (indicator, gebied, waarde)
ALWAYS = ("klachten_geur", "klachten_geluid", "milieu_incidenten")
PROVINCIE_INDICATORS = (
    "emissie_nox",
    "emissie_pm10",
    "bodemsaneringen_afgerond",
    "asbestdaken_gesaneerd",
)


def write_od_uitkomsten(year: Year) -> None:
    ctx = year.ctx
    ods = ctx.ref.partners_of("omgevingsdienst")
    tables = {od.code: _od_rows(year, od) for od in ods if od.code in UITKOMSTEN_ODS}
    marks: dict[str, list[Mark]] = {c: [] for c in tables}
    # NL row from one partner
    nl = {year.plan.who.get(name) for name in ("u_nl_rij_a", "u_nl_rij_b")}
    for code in sorted(c for c in nl if c in tables):
        tables[code].append(("ongewone_voorvallen_seveso", "NL", 41.0 + year.jaar % 7))
    if year.plan.has("u_conflict"):
        _plant_conflict(year, tables, marks)
    code = year.plan.who.get("u_waarde_negatief")
    if code in tables:
        r = 1
        ind, gb, v = tables[code][r]
        tables[code][r] = (ind, gb, -(v or 3.0))
        marks[code].append(Mark(r, "waarde", "waarde_negatief", QUARANTAINE))
    for code, rows in tables.items():
        df = agg.uitkomsten_frame(rows)
        if year.plan.has("concurrerende_levering", code):
            _write_competing(year, code, df)
            continue
        when = ctx.usual_date(year.jaar, code, "uitkomsten")
        ctx.write(year.jaar, code, "uitkomsten", df, when=when, marks=marks[code])


def write_provincie_uitkomsten(year: Year) -> None:
    """Three provincies deliver uitkomsten for their whole area; one file may be empty."""
    ctx, jaar = year.ctx, year.jaar
    for p in ctx.ref.partners_of("provincie"):
        pv = p.code
        if year.plan.has("bestand_leeg", pv):
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
            for ind in PROVINCIE_INDICATORS:
                (v,) = agg.uitkomst_values(ctx.seed, jaar, ind, [pv], factor=12.0)
                rows.append((ind, pv, v))
            when = ctx.usual_date(jaar, pv, "uitkomsten")
            ctx.write(jaar, pv, "uitkomsten", agg.uitkomsten_frame(rows), when=when)


def _od_rows(year: Year, od: Partner) -> Rows:
    """Values per gemeente of the werkgebied for the indicators the partner keeps (stable)."""
    ctx = year.ctx
    r = ctx.rng(S_UITKOMST, od.index)
    others = [k for k in agg.UITKOMST_BASE if k not in ALWAYS]
    chosen = sorted(r.choice(others, int(r.integers(1, len(others) + 1)), replace=False).tolist())
    inds = list(ALWAYS) + chosen
    gebieden = ctx.geo.year_codes(od.code, year.jaar)
    rows = []
    for ind in [k for k in agg.UITKOMST_BASE if k in inds]:
        vals = agg.uitkomst_values(ctx.seed, year.jaar, ind, gebieden)
        rows += [(ind, g, v) for g, v in zip(gebieden, vals, strict=True)]
    return rows


def _plant_conflict(year: Year, tables: dict[str, Rows], marks: dict[str, list[Mark]]) -> None:
    """A partner also delivers a gemeente of another partner of the same provincie."""
    ctx, blocked = year.ctx, year.plan.blocked
    pairs = [
        (a, b)
        for a in sorted(tables)
        for b in sorted(tables)
        if a < b
        and ctx.partner(a).provincie_code == ctx.partner(b).provincie_code
        and (a, "uitkomsten") not in blocked
        and (b, "uitkomsten") not in blocked
    ]
    a, b = pairs[-1]
    ind, gb, v = tables[b][0]
    detail_a = f"{ind} {gb} also delivered by {b}"
    marks[a].append(Mark(len(tables[a]), "gebied", "conflict_uitkomst", GEMELD, detail_a))
    detail_b = f"{ind} {gb} also delivered by {a}"
    marks[b].append(Mark(0, "gebied", "conflict_uitkomst", GEMELD, detail_b))
    tables[a].append((ind, gb, round(v * 1.1)))


def _write_competing(year: Year, code: str, df: pl.DataFrame) -> None:
    """Two deliveries of the same triple without a later date: both are rejected."""
    ctx: Ctx = year.ctx
    rel1, _ = ctx.write(year.jaar, code, "uitkomsten", df, in_effect=False)
    alt = df.with_columns((pl.col("waarde") * 1.02).round(1))
    rel2, _ = ctx.write(
        year.jaar,
        code,
        "uitkomsten",
        alt,
        in_effect=False,
        profile=PROFILE_BY_NAME["xlsx_tabblad_soort"],
        variant=1,
    )
    for rel, other in ((rel1, rel2), (rel2, rel1)):
        detail = f"same triple without a later date than {other}"
        ctx.file_defect(rel, "concurrerende_levering", AFGEWEZEN, detail)
