"""Files the pipeline reports and does not read: unknown partner, unknown kind, too early."""

from __future__ import annotations

from ..context import S_EXTRA, Ctx
from ..controles import Pool, controles_table
from ..formats import PROFILES
from ..manifest import GENEGEERD
from ..year import Year

UNKNOWN_PARTNER = "ODXYZ"
EARLY_YEAR = 2020


def write_unknown_partner(year: Year) -> None:
    """Controles from a partner code that is not in partners.csv (ODH's gemeenten)."""
    ctx, jaar = year.ctx, year.jaar
    donor = ctx.partner("ODH")
    pool = year.pools["ODH"]
    df, _ = controles_table(
        ctx.rng(S_EXTRA, jaar, 1),
        code=UNKNOWN_PARTNER,
        jaar=jaar,
        n_target=40,
        pool=Pool(UNKNOWN_PARTNER, pool.base_gm, pool.is_pv, "PV28", 200),
        geo=ctx.geo,
        seveso_sites=[],
        id_style=donor.index,
    )
    rel, _ = ctx.write(jaar, UNKNOWN_PARTNER, "controles", df, profile=PROFILES[0], in_effect=False)
    detail = f"{UNKNOWN_PARTNER} is not in partners.csv"
    ctx.file_defect(rel, "onbekende_partner", GENEGEERD, detail)


def write_notities(year: Year) -> None:
    """A file whose name is not one of the five kinds."""
    code = year.plan.who["onbekende_soort"]
    text = (
        "datum;notitie\r\n"
        f"{year.jaar + 1}-01-20;Kengetallen nagezonden na overleg met de provincie\r\n"
        f"{year.jaar + 1}-02-03;Controlebestand bevat ook hercontroles\r\n"
    )
    year.ctx.write_raw(
        f"{year.jaar}/{code}/notities.csv",
        text.encode("utf-8"),
        jaar=year.jaar,
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


def write_early_year(ctx: Ctx, pools: dict[str, Pool]) -> None:
    """A folder for 2020, before the first reporting year: reported, not read."""
    od = ctx.partner("ODG")
    df, _ = controles_table(
        ctx.rng(S_EXTRA, EARLY_YEAR, 2),
        code=od.code,
        jaar=EARLY_YEAR,
        n_target=25,
        pool=pools[od.code],
        geo=ctx.geo,
        seveso_sites=[],
        id_style=od.index,
    )
    rel, _ = ctx.write(EARLY_YEAR, od.code, "controles", df, profile=PROFILES[0], in_effect=False)
    ctx.file_defect(rel, "jaar_te_vroeg", GENEGEERD, "reporting years start in 2021")
