"""The published tables: which staat table becomes which file, with which columns, in which order.

The column lists begin with the columns of the output contract (`docs/spec/output_columns.csv`,
checked by a test); a few columns for readers (names, provenance) follow them. Two tables are
derived here from staat tables only, so that every number the report and the charts show is a
number in a published table: `kerncijfers.csv` (the national figures beside those of the year
before) and `seveso_reeks.csv` (the computed national Seveso figures of every year beside the
figures published in earlier years, `ref.brzo_jaarcijfers_gepubliceerd`).

Rows are always written in a total order, so the same inputs give byte-identical CSV files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from vth_pipeline.defs.seveso import HANDHAVING_COLUMNS, SEVESO_FIGURES
from vth_pipeline.defs.staat import CONTROLE_FIGURES, KENGETAL_FIGURES, PROVINCIE_KENGETALLEN
from vth_pipeline.publish.definitions import label
from vth_pipeline.xlsx import FIXED_TIMESTAMP, safe_workbook


@dataclass(frozen=True)
class PublishedTable:
    file: str
    source: str  # a staat table, or a derived query `(SELECT ...) AS t` over staat tables
    columns: tuple[str, ...]
    order_by: str  # a total order: the CSV bytes must not depend on how DuckDB scans
    sheet: str
    title: str  # Dutch, for readers (report, explanation sheet)
    description: str
    where: str = "jaar = $jaar"

    @property
    def stem(self) -> str:
        return self.file.removesuffix(".csv")


# The national figures beside those of the year before. The difference of a percentage is in
# percentage points (`verschil`); a relative change (`verschil_pct`) is given for counts and
# ratios only, rounded like every percentage (half-to-even, empty when last year's figure is 0).
KERNCIJFERS = """(
  SELECT c.jaar, c.volgorde, c.figuur, c.waarde, p.waarde AS waarde_vorig_jaar,
    CASE WHEN c.figuur LIKE '%\\_pct' ESCAPE '\\'
           THEN (c.waarde::DECIMAL(18, 1) - p.waarde::DECIMAL(18, 1))::VARCHAR
         WHEN c.figuur LIKE '%\\_per\\_fte' ESCAPE '\\'
           THEN (c.waarde::DECIMAL(18, 2) - p.waarde::DECIMAL(18, 2))::VARCHAR
         ELSE (c.waarde::HUGEINT - p.waarde::HUGEINT)::VARCHAR END AS verschil,
    CASE WHEN c.figuur NOT LIKE '%\\_pct' ESCAPE '\\'
      THEN pct(c.waarde::DECIMAL(38, 6) - p.waarde::DECIMAL(38, 6), p.waarde::DECIMAL(38, 6))
    END AS verschil_pct,
    c.geleverd, c.verwacht, p.geleverd AS geleverd_vorig_jaar
  FROM staat.landelijk c
  LEFT JOIN staat.landelijk p ON p.jaar = c.jaar - 1 AND p.figuur = c.figuur
) AS t"""

# Computed national Seveso figures of every year up to the reporting year, and the national
# figures published in earlier years (as published: a value that is not a plain number there,
# such as 'ca. 45', stays empty; the source addresses and remarks are kept with each row).
SEVESO_REEKS = """(
  SELECT jaar, 'berekend' AS bron, inrichtingen_actief, inspecties, inrichtingen_geinspecteerd,
    inrichtingen_met_overtreding_pct, inrichtingen_zonder_overtreding_pct,
    overtredingen_cat1::BIGINT AS overtredingen_cat1,
    overtredingen_cat2::BIGINT AS overtredingen_cat2,
    overtredingen_cat3::BIGINT AS overtredingen_cat3,
    overtredingen_totaal::BIGINT AS overtredingen_totaal,
    deelname_arbeidsinspectie_pct, deelname_veiligheidsregio_pct,
    NULL::VARCHAR AS bronnen, NULL::VARCHAR AS opmerking
  FROM staat.seveso WHERE scope = 'NL'
  UNION ALL
  SELECT jaar, 'gepubliceerd', TRY_CAST(actieve_brzo_bedrijven AS BIGINT),
    TRY_CAST(brzo_inspecties AS BIGINT), TRY_CAST(bedrijven_geinspecteerd AS BIGINT),
    TRY_CAST(bedrijven_met_overtredingen_pct AS DECIMAL(18, 1)),
    TRY_CAST(bedrijven_zonder_overtredingen_pct AS DECIMAL(18, 1)),
    TRY_CAST(overtredingen_cat1_zwaar AS BIGINT),
    TRY_CAST(overtredingen_cat2_middelzwaar AS BIGINT),
    NULL, TRY_CAST(overtredingen_totaal AS BIGINT), NULL, NULL, bronnen, overig
  FROM ref.brzo_jaarcijfers_gepubliceerd
) AS t"""

SEVESO_REEKS_COLUMNS = (
    "jaar",
    "bron",
    "inrichtingen_actief",
    "inspecties",
    "inrichtingen_geinspecteerd",
    "inrichtingen_met_overtreding_pct",
    "inrichtingen_zonder_overtreding_pct",
    "overtredingen_cat1",
    "overtredingen_cat2",
    "overtredingen_cat3",
    "overtredingen_totaal",
    "deelname_arbeidsinspectie_pct",
    "deelname_veiligheidsregio_pct",
    "bronnen",
    "opmerking",
)

PUBLISHED_TABLES: tuple[PublishedTable, ...] = (
    PublishedTable(
        "landelijk.csv",
        "staat.landelijk",
        ("figuur", "waarde", "geleverd", "verwacht"),
        "volgorde",
        "Landelijk",
        "Landelijke cijfers",
        "De landelijke cijfers van de omgevingsdiensten en van het Seveso-toezicht (seveso_), "
        "met hoeveel partners de benodigde gegevens leverden (geleverd) van hoeveel dat hadden "
        "moeten doen (verwacht).",
    ),
    PublishedTable(
        "kerncijfers.csv",
        KERNCIJFERS,
        (
            "figuur",
            "waarde",
            "waarde_vorig_jaar",
            "verschil",
            "verschil_pct",
            "geleverd",
            "verwacht",
            "geleverd_vorig_jaar",
        ),
        "volgorde",
        "Kerncijfers",
        "Landelijke cijfers vergeleken met het jaar ervoor",
        "De landelijke cijfers naast die van het jaar ervoor. Het verschil van een percentage is "
        "in procentpunten; voor aantallen en verhoudingen staat ook de verandering in procenten.",
    ),
    PublishedTable(
        "omgevingsdiensten.csv",
        "staat.omgevingsdiensten",
        ("partner_code", *CONTROLE_FIGURES, *KENGETAL_FIGURES, "naam"),
        "partner_code",
        "Omgevingsdiensten",
        "Output per omgevingsdienst",
        "Eén rij per omgevingsdienst die controles leverde, met elk cijfer van de rekenregels.",
    ),
    PublishedTable(
        "provincies.csv",
        "staat.provincies",
        ("provincie_code", *CONTROLE_FIGURES, *PROVINCIE_KENGETALLEN, "naam"),
        "provincie_code",
        "Provincies",
        "Controles per provincie",
        "Controles naar de provincie van het bevoegd gezag, welke omgevingsdienst de controle "
        "ook uitvoerde, en de kengetallen van de provincies zelf. Alle twaalf provincies.",
    ),
    PublishedTable(
        "interventies.csv",
        "staat.interventies",
        ("partner_code", "interventie", "aantal"),
        "partner_code = 'NL', partner_code, interventie",
        "Interventies",
        "Interventies na een overtreding",
        "Aantal controles met overtreding per zwaarste interventie, per omgevingsdienst en "
        "landelijk (NL); alleen aantallen groter dan 0.",
    ),
    PublishedTable(
        "lhso.csv",
        "staat.lhso",
        ("partner_code", "lhs_gevolg", "lhs_gedrag", "aantal"),
        "partner_code = 'NL', partner_code, lhs_gevolg, lhs_gedrag",
        "LHSO-matrix",
        "Overtredingen in de LHSO-matrix",
        "Aantal controles met overtreding per cel van de interventiematrix van de Landelijke "
        "Handhavingsstrategie (gevolgen A-D, gedrag 1-4), per omgevingsdienst en landelijk (NL).",
    ),
    PublishedTable(
        "seveso.csv",
        "staat.seveso",
        ("scope", *SEVESO_FIGURES, HANDHAVING_COLUMNS),
        "volgorde, scope",
        "Seveso",
        "Geïntegreerd Seveso-toezicht",
        "Alle Seveso-cijfers landelijk (NL), per drempel (hoog, laag) en per "
        "Seveso-omgevingsdienst; alleen geïntegreerde inspecties bij actieve inrichtingen.",
    ),
    PublishedTable(
        "seveso_reeks.csv",
        SEVESO_REEKS,
        SEVESO_REEKS_COLUMNS,
        "jaar, bron",
        "Seveso-reeks",
        "Seveso-cijfers door de jaren",
        "De berekende landelijke Seveso-cijfers van elk beschikbaar jaar (bron = berekend) naast "
        "de landelijke cijfers die eerder zijn gepubliceerd in de Staat van de Veiligheid en de "
        "jaarverslagen van BRZO+ (bron = gepubliceerd, met de vindplaatsen). Een gepubliceerd "
        "cijfer dat geen enkel getal is (zoals 'ca. 45') is leeg; zie de opmerking.",
        where="jaar <= $jaar",
    ),
    PublishedTable(
        "seveso_integratie.csv",
        "staat.seveso_integratie",
        ("reden", "inspecties"),
        "reden",
        "Seveso-integratie",
        "Niet meegetelde Seveso-inspecties",
        "Geïntegreerde inspecties die niet meetellen in de Seveso-cijfers, per reden.",
    ),
    PublishedTable(
        "seveso_conflicten.csv",
        "staat.seveso_conflicten",
        (
            "gezamenlijke_inspectie_id",
            "partner_code",
            "inspectie_id",
            "inrichting_id",
            "datum",
            "bron_bestand",
            "bron_rij",
        ),
        "gezamenlijke_inspectie_id, partner_code, inspectie_id, bron_bestand, bron_rij",
        "Seveso-conflicten",
        "Integratieconflicten",
        "Partnerrijen van een gezamenlijke inspectie die het oneens zijn over inrichting of "
        "datum. Geen van deze rijen telt mee in de Seveso-cijfers.",
    ),
    PublishedTable(
        "uitkomsten.csv",
        "staat.uitkomsten",
        (
            "indicator",
            "gebied",
            "waarde",
            "waarde_vorig_jaar",
            "verschil_pct",
            "geleverd_door",
            "opmerking",
        ),
        "indicator, gebied = 'NL', gebied",
        "Uitkomsten",
        "Uitkomstindicatoren",
        "Per indicator en gebied de waarde, de waarde van het jaar ervoor en de verandering.",
    ),
    PublishedTable(
        "datakwaliteit.csv",
        "staat.datakwaliteit",
        (
            "partner_code",
            "soort",
            "verplicht",
            "geleverd",
            "rijen",
            "geaccepteerd",
            "quarantaine",
            "status",
            "leverdatum",
            "bestand",
            "sha256",
            "bestanden_ontvangen",
            "reden",
        ),
        "partner_code, soort",
        "Datakwaliteit",
        "Leveringen per partner",
        "Per partner en soort levering: verplicht of niet, geleverd of niet, en de rijen "
        "gelezen, geaccepteerd en in quarantaine (gelezen = geaccepteerd + quarantaine).",
    ),
    PublishedTable(
        "quarantaine_regels.csv",
        "staat.quarantaine_regels",
        (
            "partner_code",
            "soort",
            "bron_bestand",
            "regel",
            "kolom",
            "rijen",
            "eerste_rij",
            "melding",
        ),
        "partner_code, soort, bron_bestand, regel, kolom, eerste_rij",
        "Quarantaine",
        "Rijen in quarantaine per regel",
        "Rijen die een regel van de aanleverspecificatie overtreden, per bestand en regel, met "
        "de eerste rij en de melding.",
    ),
    PublishedTable(
        "leveringen.csv",
        "staat.leveringen",
        (
            "pad",
            "partner_code",
            "soort",
            "leverdatum",
            "formaat",
            "bytes",
            "sha256",
            "status",
            "reden",
        ),
        "pad",
        "Leveringen",
        "Ontvangen bestanden",
        "Elk ontvangen bestand met zijn SHA-256 en status (in gebruik, vervangen, identiek, "
        "afgewezen, conflict, genegeerd) en de reden.",
    ),
    PublishedTable(
        "kengetallen_verschillen.csv",
        "staat.kengetallen_verschillen",
        ("partner_code", "indicator", "waarde_partner", "som_bevoegd_gezag", "verschil"),
        "partner_code, indicator",
        "Kengetalverschillen",
        "Kengetallen: partner en som per bevoegd gezag",
        "Kengetallen die een partner voor zichzelf en per bevoegd gezag leverde en die niet "
        "gelijk zijn; het kengetal van de partner telt.",
    ),
    PublishedTable(
        "validatie.csv",
        "staat.validatie",
        (
            "dataset",
            "toets",
            "ernst",
            "uitkomst",
            "verwachtingen",
            "verwachtingen_mislukt",
            "getoetste_rijen",
            "afwijkende_rijen",
            "waargenomen",
            "omschrijving",
            "toelichting",
        ),
        "dataset, toets",
        "Validatie",
        "Toetsen op de gegevens",
        "Elke toets (expectation suite) op de gegevens van het jaar: ernst (ERROR blokkeert de "
        "publicatie, WARN wordt gemeld), uitkomst en het aantal afwijkende rijen.",
    ),
)

TABLES_BY_FILE = {t.file: t for t in PUBLISHED_TABLES}


def table_query(table: PublishedTable) -> str:
    return (
        f"SELECT {', '.join(table.columns)} FROM {table.source} WHERE {table.where} "
        f"ORDER BY {table.order_by}"
    )


def read_table(conn: duckdb.DuckDBPyConnection, table: PublishedTable, year: int) -> pl.DataFrame:
    """The rows of a published table, exactly as written to its files."""
    return pl.from_arrow(conn.execute(table_query(table), {"jaar": year}).to_arrow_table())


def csv_query(conn: duckdb.DuckDBPyConnection, table: PublishedTable, year: int) -> str:
    """The table's query with staged decimals written without trailing zeros (`12.5`).

    Staged numbers are DECIMAL(38, 6), which DuckDB writes as `12.500000`; figures rounded by
    the rules (one or two decimals) keep their fixed decimals (`68.0`).
    """
    query = table_query(table)
    rel = conn.sql(query, params={"jaar": year})
    cols = []
    for name, kind in zip(rel.columns, rel.types, strict=True):
        text = str(kind)
        if text.startswith("DECIMAL(") and int(text.rstrip(")").split(",")[1]) > 2:
            cols.append(f"rtrim(rtrim({name}::VARCHAR, '0'), '.') AS {name}")
        else:
            cols.append(name)
    return f"SELECT {', '.join(cols)} FROM ({query})"


def write_tables(conn: duckdb.DuckDBPyConnection, year: int, folder: Path) -> dict[str, int]:
    """CSV and Parquet per table, and all of them in one `tabellen.xlsx`; returns row counts."""
    folder.mkdir(parents=True, exist_ok=True)
    frames: dict[str, pl.DataFrame] = {}
    for table in PUBLISHED_TABLES:
        conn.execute(
            f"COPY ({csv_query(conn, table, year)}) TO '{folder / table.file}' "
            "(FORMAT csv, HEADER, DELIMITER ',')",
            {"jaar": year},
        )
        conn.execute(
            f"COPY ({table_query(table)}) TO '{folder / (table.stem + '.parquet')}' "
            "(FORMAT parquet)",
            {"jaar": year},
        )
        frames[table.file] = read_table(conn, table, year)
    write_xlsx(frames, folder / "tabellen.xlsx", year)
    return {file: frame.height for file, frame in frames.items()}


def explanation(frames: dict[str, pl.DataFrame], year: int) -> pl.DataFrame:
    """The first sheet of the workbook: what each sheet holds, and what each column means."""
    rows = []
    for file, frame in frames.items():
        t = TABLES_BY_FILE[file]
        rows.append(
            {"blad": t.sheet, "kolom": "", "betekenis": f"{t.title} {year}. {t.description}"}
        )
        rows += [{"blad": t.sheet, "kolom": c, "betekenis": label(c)} for c in frame.columns]
    return pl.DataFrame(rows, schema={k: pl.String for k in ("blad", "kolom", "betekenis")})


# National figures are text in staat.landelijk (one column for counts, percentages and ratios);
# in the workbook they are numbers, so that Excel can compute with them.
NUMERIC_TEXT = ("waarde", "waarde_vorig_jaar", "verschil")


def _as_numbers(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        pl.col(c).cast(pl.Float64)
        for c in NUMERIC_TEXT
        if c in frame.columns and frame.schema[c] == pl.String
    )


def write_xlsx(frames: dict[str, pl.DataFrame], path: Path, year: int) -> None:
    """An explanation sheet, then one sheet per table (frames keyed by file name).

    Text is never turned into a formula or link (partners' values), and the workbook carries a
    fixed date, not the build time.
    """
    workbook = safe_workbook(path)
    workbook.set_properties(
        {
            "created": FIXED_TIMESTAMP,
            "author": "vth-pipeline",
            "title": f"Staat van VTH {year}: tabellen",
        }
    )
    sheets = {"Toelichting": explanation(frames, year)}
    sheets |= {TABLES_BY_FILE[file].sheet: _as_numbers(frame) for file, frame in frames.items()}
    for sheet, frame in sheets.items():
        frame.write_excel(
            workbook,
            worksheet=sheet,
            autofit=True,
            header_format={"bold": True},
            float_precision=2,
        )
    workbook.close()
