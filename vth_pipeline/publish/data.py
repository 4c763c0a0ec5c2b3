"""What the charts and the report of one year read: published tables and staat series only.

Everything here comes from staat tables (the year's published tables, the national series of
the years up to it as they were built, and the validation results in staat.validatie) and from
reference labels; never from raw or staged
data, so every number a chart or the report shows is a number in a published table.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from vth_pipeline.contract.publication import label
from vth_pipeline.publish.formatting import nl_number
from vth_pipeline.publish.tables import PUBLISHED_TABLES, read_table
from vth_pipeline.validation import annex_rows
from vth_pipeline.warehouse import arrow_table

# The figures of the multi-year view per omgevingsdienst and per provincie.
REGIO_FIGURES = ("controles", "naleving_eerste_controle_pct")


@dataclass(frozen=True)
class PublicationData:
    year: int
    tables: dict[str, pl.DataFrame]  # published file name -> its rows of this year
    landelijk_reeks: pl.DataFrame  # years <= year: jaar, figuur, waarde, geleverd, verwacht
    uitkomsten_reeks: pl.DataFrame  # years <= year, gebied NL: jaar, indicator, waarde, ...
    datakwaliteit_reeks: pl.DataFrame  # years <= year: jaar, partner_code, soort, verplicht, ...
    regio_reeks: pl.DataFrame  # years <= year: jaar, soort (od/pv), code, naam, REGIO_FIGURES
    partners: dict[str, tuple[str, str]]  # partner_code -> (naam, soort)
    labels: dict[str, dict[str, str]]  # code list -> code -> omschrijving (in list order)
    indicatoren: dict[str, dict[str, str]]  # indicator -> its row of indicatoren.csv
    validatie: list[dict]  # staat.validatie of the year: one row per toets (may be empty)

    def table(self, file: str) -> pl.DataFrame:
        return self.tables[file]

    def national(self, figure: str) -> dict | None:
        """The year's row of `landelijk.csv` for a figure, or None when it is not there."""
        rows = self.tables["landelijk.csv"].filter(pl.col("figuur") == figure)
        return rows.row(0, named=True) if rows.height else None

    def comparison(self, figure: str) -> dict | None:
        """The figure's row of `vergelijking.csv` (over the vergelijkbare kern), or None."""
        rows = self.tables["vergelijking.csv"].filter(pl.col("figuur") == figure)
        return rows.row(0, named=True) if rows.height else None

    def naam(self, partner_code: str) -> str:
        return self.partners.get(partner_code, (partner_code, ""))[0]


def _frame(conn: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> pl.DataFrame:
    return pl.from_arrow(arrow_table(conn, sql, params))


def load_publication_data(conn: duckdb.DuckDBPyConnection, year: int) -> PublicationData:
    """The year's published tables, the national series up to the year, and the labels."""
    upto = {"jaar": year}
    labels: dict[str, dict[str, str]] = {}
    for lijst, code, omschrijving in conn.execute(
        "SELECT lijst, code, omschrijving FROM ref.codelijsten ORDER BY lijst, volgorde"
    ).fetchall():
        labels.setdefault(lijst, {})[code] = omschrijving
    indicatoren = {
        r["indicator"]: r
        for r in _frame(conn, "SELECT * EXCLUDE (volgorde) FROM ref.indicatoren").iter_rows(
            named=True
        )
    }
    partners = {
        code: (naam, soort)
        for code, naam, soort in conn.execute(
            "SELECT partner_code, naam, soort FROM ref.partners ORDER BY partner_code"
        ).fetchall()
    }
    return PublicationData(
        year=year,
        tables={t.file: read_table(conn, t, year) for t in PUBLISHED_TABLES},
        landelijk_reeks=_frame(
            conn,
            "SELECT jaar, figuur, waarde, geleverd, verwacht FROM staat.landelijk "
            "WHERE jaar <= $jaar ORDER BY jaar, volgorde",
            upto,
        ),
        uitkomsten_reeks=_frame(
            conn,
            "SELECT jaar, indicator, waarde, waarde_vorig_jaar, verschil_pct FROM staat.uitkomsten "
            "WHERE jaar <= $jaar AND gebied = 'NL' ORDER BY indicator, jaar",
            upto,
        ),
        datakwaliteit_reeks=_frame(
            conn,
            "SELECT jaar, partner_code, soort, verplicht, geleverd FROM staat.datakwaliteit "
            "WHERE jaar <= $jaar ORDER BY jaar, partner_code, soort",
            upto,
        ),
        regio_reeks=_frame(
            conn,
            f"SELECT jaar, 'omgevingsdienst' AS soort, partner_code AS code, naam, "
            f"{', '.join(REGIO_FIGURES)} FROM staat.omgevingsdiensten WHERE jaar <= $jaar "
            f"UNION ALL SELECT jaar, 'provincie', provincie_code, naam, "
            f"{', '.join(REGIO_FIGURES)} FROM staat.provincies WHERE jaar <= $jaar "
            "ORDER BY soort, code, jaar",
            upto,
        ),
        partners=partners,
        labels=labels,
        indicatoren=indicatoren,
        validatie=annex_rows(conn, year),
    )


# The figures a break in the Seveso series is shown with, in order of preference.
BREAK_FIGURES = ("inrichtingen_met_overtreding_pct", "inspecties")


def seveso_breaks(data: PublicationData) -> tuple[list[int], str]:
    """Years where published and computed national Seveso figures stand side by side (a
    breuk in de tijdreeks), and the one sentence that explains it ('' when there is none)."""
    reeks = data.table("seveso_reeks.csv")
    computed = reeks.filter(pl.col("bron") == "berekend")
    published = reeks.filter(pl.col("bron") == "gepubliceerd")
    for figure in BREAK_FIGURES:
        both = computed.join(published, on="jaar", suffix="_pub").filter(
            pl.col(figure).is_not_null() & pl.col(f"{figure}_pub").is_not_null()
        )
        if both.height:
            break
    else:
        return [], ""
    first = both.sort("jaar").row(0, named=True)
    unit = "%" if figure.endswith("_pct") else ""
    what = label(figure).removesuffix(" (%)").lower()
    decimals = 1 if unit else 0
    sentence = (
        f"Breuk in de tijdreeks: de berekende cijfers tellen volgens de rekenregels van deze "
        f"publicatie alleen geïntegreerde inspecties bij inrichtingen die het hele jaar actief "
        f"waren, de eerder gepubliceerde zijn anders geteld; zo staat voor {first['jaar']} "
        f"gepubliceerd {nl_number(first[f'{figure}_pub'], decimals)}{unit} naast berekend "
        f"{nl_number(first[figure], decimals)}{unit} ({what})."
    )
    return sorted(both["jaar"].to_list()), sentence
