"""The Seveso registers of the provincies, with a duplicate id across two registers."""

from __future__ import annotations

import polars as pl

from ..manifest import QUARANTAINE
from ..render import Mark
from ..seveso import SEVESO_OD
from ..year import Year

DUBBEL_VAN, DUBBEL_NAAR = "PV29", "PV30"  # r_dubbel_id_landelijk: from this register to that


def write_registers(year: Year) -> None:
    """One register file per provincie, with the row scenarios planned for the year."""
    ctx, jaar = year.ctx, year.jaar
    inspected = sorted(set(year.insp["inrichting_id"].to_list()))
    per_pv = {
        pv: year.reg.filter(pl.col("_pv") == pv).with_columns(_key=pl.col("_num"))
        for pv in sorted(ctx.ref.provincies)
    }
    marks: dict[str, list[Mark]] = {pv: [] for pv in per_pv}
    if year.plan.has("r_dubbel_id_landelijk"):
        _plant_duplicate(year, per_pv, marks, inspected)
    code = year.plan.who.get("r_verplicht_leeg")
    if code in per_pv:
        df = per_pv[code]
        cand = df.filter(~pl.col("inrichting_id").is_in(inspected) & (pl.col("_key") >= 0))
        key = cand["_key"][0]
        pos = df["_key"].to_list().index(key)
        per_pv[code] = df.with_columns(df["naam"].scatter([pos], [None]))
        marks[code].append(Mark(key, "naam", "verplicht_leeg", QUARANTAINE))
    for p in ctx.ref.partners_of("provincie"):
        pv = p.code
        when = ctx.usual_date(jaar, pv, "seveso_inrichtingen")
        ctx.write(jaar, pv, "seveso_inrichtingen", per_pv[pv], when=when, marks=marks[pv])


def _plant_duplicate(
    year: Year,
    per_pv: dict[str, pl.DataFrame],
    marks: dict[str, list[Mark]],
    inspected: list[str],
) -> None:
    """A lower-tier establishment of one register also listed, renamed, in another."""
    ref = year.ctx.ref
    src = per_pv[DUBBEL_VAN]
    laag = pl.col("_actief") & (pl.col("drempel") == "laag")
    cand = src.filter(laag & ~pl.col("inrichting_id").is_in(inspected))
    row = cand.row(0, named=True)
    dst = per_pv[DUBBEL_NAAR]
    gm = sorted(
        c
        for c in year.ctx.geo.codes_valid_in_year(year.jaar)
        if ref.gemeenten[c].provincie_code == DUBBEL_NAAR
    )[3]
    copy = dict(row)
    copy.update(
        naam=f"Opslag {ref.gemeenten[gm].naam} B.V.",
        gemeente=gm,
        veiligheidsregio=ref.gemeenten[gm].vr_code,
        omgevingsdienst=SEVESO_OD[DUBBEL_NAAR],
        _pv=DUBBEL_NAAR,
        _key=-1,
    )
    per_pv[DUBBEL_NAAR] = pl.concat([dst, pl.DataFrame([copy], schema=dst.schema)])
    klasse = "dubbel_id_landelijk"
    detail = f"also in the register of {DUBBEL_NAAR}"
    marks[DUBBEL_VAN].append(Mark(row["_key"], "inrichting_id", klasse, QUARANTAINE, detail))
    detail = f"also in the register of {DUBBEL_VAN}"
    marks[DUBBEL_NAAR].append(Mark(-1, "inrichting_id", klasse, QUARANTAINE, detail))
