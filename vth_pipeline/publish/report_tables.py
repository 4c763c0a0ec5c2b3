"""The report's tables as it shows them: Dutch headers and numbers, no
computation. Each view formats a published table (or the year's validation results); the
template places the views by id and escapes every cell."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import polars as pl

from vth_pipeline.contract.publication import OUTCOME_PREFIX, TABLES_BY_FILE, label
from vth_pipeline.contract.statuses import IN_EFFECT
from vth_pipeline.publish.data import REGIO_FIGURES, PublicationData, seveso_breaks
from vth_pipeline.publish.formatting import (
    EMPTY,
    decimals_of,
    nl_figure,
    nl_number,
    nl_plain,
    nl_signed,
)
from vth_pipeline.publish.sparklines import sparkline


@dataclass(frozen=True)
class TableView:
    """A table as the report shows it: Dutch headers, Dutch numbers, escaped by the template."""

    id: str
    caption: str
    header: list[dict]  # {"label": str, "num": bool}
    rows: list[list[str]]
    file: str | None = None  # the published table it comes from (download link)
    note: str = ""
    wide: bool = False


def _cell(value, column: str, numeric: bool) -> str:
    """Dutch notation; an empty figure shows as a dash, an empty text as nothing."""
    if value is None:
        return EMPTY if numeric else ""
    if not numeric or column in ("jaar", "bron_rij", "eerste_rij"):
        return str(value)  # years and row numbers: no thousands separator
    if isinstance(value, Decimal) and value.as_tuple().exponent < -2:
        return nl_plain(value)  # a staged value with the partner's precision
    return nl_number(value, decimals_of(column))


def table_view(
    frame: pl.DataFrame,
    id: str,
    caption: str,
    file: str | None = None,
    columns: Iterable[str] | None = None,
    note: str = "",
    labels: dict[str, str] | None = None,
) -> TableView:
    """A published frame rendered column by column (no computation, only formatting)."""
    columns = list(columns or frame.columns)
    numeric = {c: frame.schema[c].is_numeric() for c in columns}
    header = [{"label": (labels or {}).get(c) or label(c), "num": numeric[c]} for c in columns]
    rows = [
        [_cell(v, c, numeric[c]) for c, v in zip(columns, row, strict=True)]
        for row in frame.select(columns).iter_rows()
    ]
    return TableView(id, caption, header, rows, file, note, wide=len(columns) > 9)


def figure_cell(value: str | None, figure: str) -> str:
    return nl_figure(value, figure) if value is not None else EMPTY


def change_text(row: dict) -> str:
    """`+1,8 procentpunt` for a percentage, `+201 (+8,6%)` for a count."""
    if row["verschil"] is None:
        return ""
    if row["figuur"].endswith("_pct"):
        return f"{nl_signed(row['verschil'], 1)} procentpunt"
    text = nl_signed(row["verschil"], decimals_of(row["figuur"]))
    if row["verschil_pct"] is not None:
        text += f" ({nl_signed(row['verschil_pct'], 1)}%)"
    return text


def _kern_cell(r: dict) -> str:
    """The change over the kern, or why there is none (a change of totals is never shown)."""
    if r["verschil"] is not None:
        return change_text(r)
    if r["waarde"] is None or r["waarde_vorig_jaar"] is None:
        return ""
    return "niet vergelijkbaar"


def _kerncijfers_view(data: PublicationData, seveso: bool) -> TableView:
    """The national figures (of the first table, or the Seveso ones) of this and last year,
    each with its completeness, and the change over the partners that delivered both years."""
    frame = data.table("kerncijfers.csv").filter(
        pl.col("figuur").str.starts_with("seveso_") == seveso
    )
    header = [
        {"label": "Cijfer", "num": False},
        {"label": str(data.year), "num": True},
        {"label": f"Geleverd {data.year}", "num": True},
        {"label": str(data.year - 1), "num": True},
        {"label": f"Geleverd {data.year - 1}", "num": True},
        {"label": "Verschil bij dezelfde partners", "num": True},
        {"label": "Partners in beide jaren", "num": True},
    ]
    rows = [
        [
            label(r["figuur"], data.labels.get("seveso_handhaving")),
            figure_cell(r["waarde"], r["figuur"]),
            f"{r['geleverd']} van {r['verwacht']}",
            nl_figure(r["waarde_vorig_jaar"], r["figuur"]) or EMPTY,
            f"{r['geleverd_vorig_jaar']} van {r['verwacht']}"
            if r["geleverd_vorig_jaar"] is not None
            else "",
            _kern_cell(r),
            str(r["partners_beide"]) if r["partners_beide"] is not None else "",
        ]
        for r in frame.iter_rows(named=True)
    ]
    note = (
        "Geleverd: hoeveel partners de gegevens leverden die het cijfer nodig heeft, van hoeveel "
        "dat hadden moeten doen. Het verschil is berekend over de partners die in beide jaren "
        "leverden (vergelijking.csv), niet als verschil van de totalen; dat van een percentage "
        "in procentpunten. Een verandering in procenten staat er alleen bij een basis van 20 "
        "of meer."
    )
    if seveso:
        note += (
            " Seveso-cijfers worden alleen vergeleken wanneer in beide jaren dezelfde partners "
            "leverden: een geïntegreerde inspectie hoort bij meer partners tegelijk."
        )
    return TableView(
        "tabel-landelijk-seveso" if seveso else "tabel-landelijk",
        f"Landelijke {'Seveso-' if seveso else ''}cijfers {data.year} en {data.year - 1}",
        header,
        rows,
        "kerncijfers.csv",
        note,
    )


def _named(frame: pl.DataFrame, data: PublicationData, key: str = "partner_code") -> pl.DataFrame:
    names = pl.DataFrame(
        {key: list(data.partners), "naam": [v[0] for v in data.partners.values()]},
        schema={key: pl.String, "naam": pl.String},
    )
    named = frame.join(names, on=key, how="left")
    return named.with_columns(
        naam=pl.when(pl.col(key) == "NL").then(pl.lit("Landelijk")).otherwise(pl.col("naam"))
    )


def _interventies_view(data: PublicationData) -> TableView:
    long = data.table("interventies.csv")
    codes = [c for c in data.labels.get("interventie", {}) if c in set(long["interventie"])]
    if long.height == 0:
        return table_view(long, "tabel-interventies", f"Interventies {data.year}")
    wide = long.pivot(on="interventie", index="partner_code", values="aantal").fill_null(0)
    wide = _named(wide, data).select("naam", *codes)
    names = {c: data.labels["interventie"][c] for c in codes}
    return table_view(
        wide,
        "tabel-interventies",
        f"Controles met overtreding naar zwaarste interventie, {data.year}",
        "interventies.csv",
        labels=names,
        note="Een lege combinatie (0) staat niet in het CSV-bestand, dat alleen aantallen groter "
        "dan 0 bevat.",
    )


def _lhso_view(data: PublicationData) -> TableView:
    nl = data.table("lhso.csv").filter(pl.col("partner_code") == "NL")
    gevolg, gedrag = data.labels.get("lhs_gevolg", {}), data.labels.get("lhs_gedrag", {})
    cell = {(g, b): n for g, b, n in nl.select("lhs_gevolg", "lhs_gedrag", "aantal").iter_rows()}
    header = [{"label": "Gevolgen \\ gedrag", "num": False}] + [
        {"label": f"{b}: {name}", "num": True} for b, name in gedrag.items()
    ]
    rows = [
        [f"{g}: {name}", *(nl_number(cell.get((g, b), 0)) for b in gedrag)]
        for g, name in gevolg.items()
    ]
    return TableView(
        "tabel-lhso",
        f"Overtredingen in de LHSO-matrix, landelijk, {data.year}",
        header,
        rows,
        "lhso.csv",
        "Per omgevingsdienst staan de cellen in het CSV-bestand.",
    )


def _seveso_view(data: PublicationData) -> TableView:
    """Transposed: one row per figure, one column per scope, so it fits a page."""
    sev = data.table("seveso.csv")
    scopes = sev["scope"].to_list()
    names = {"NL": "Landelijk", "hoog": "Hogedrempel", "laag": "Lagedrempel"}
    header = [{"label": "Cijfer", "num": False}] + [
        {"label": names.get(s) or data.naam(s), "num": True} for s in scopes
    ]
    handhaving = data.labels.get("seveso_handhaving", {})
    rows = [
        [label(c, handhaving), *(_cell(v, c, True) for v in sev[c])]
        for c in sev.columns
        if c != "scope"
    ]
    return TableView(
        "tabel-seveso",
        f"Seveso-cijfers {data.year}, landelijk, per drempel en per Seveso-omgevingsdienst",
        header,
        rows,
        "seveso.csv",
        wide=True,
    )


UNITS = {"m2": "m²", "m3": "m³"}


def _signed_plain(value: str | None) -> str:
    if value is None:
        return ""
    return ("+" if Decimal(value) > 0 else "") + nl_plain(value)


def _seveso_reeks_view(data: PublicationData) -> TableView:
    """Computed and published national Seveso figures; the years where the two meet are
    marked as a break in the series (CBS: breuk in de tijdreeks) and explained."""
    frame = data.table("seveso_reeks.csv")
    view = table_view(
        frame,
        "tabel-seveso-reeks",
        f"Landelijke Seveso-cijfers tot en met {data.year}: berekend en eerder gepubliceerd",
        "seveso_reeks.csv",
        columns=frame.columns[:-2],
        note="Gepubliceerd: zoals in de Staat van de Veiligheid Brzo-bedrijven en de "
        "jaarverslagen van BRZO+; de vindplaats van elk jaar en de opmerkingen staan in "
        "seveso_reeks.csv. Berekend: uit de leveringen, volgens de rekenregels.",
    )
    breaks, sentence = seveso_breaks(data)
    if not breaks:
        return view
    rows = [[f"{row[0]} *" if int(row[0]) in breaks else row[0], *row[1:]] for row in view.rows]
    return TableView(
        view.id,
        view.caption,
        view.header,
        rows,
        view.file,
        f"* {sentence} {view.note}",
        view.wide,
    )


def _series_label(name: str, years: list[int], values: list, figure: str) -> str:
    shown = ", ".join(
        f"{y}: {nl_figure(v, figure) if v is not None else 'geen gegevens'}"
        for y, v in zip(years, values, strict=True)
    )
    return f"{name}: {shown}"


def _trend_view(data: PublicationData) -> TableView:
    """Every national figure of every year up to this one, with a sparkline."""
    reeks = data.landelijk_reeks
    years = sorted(set(reeks["jaar"].to_list()))
    values = {(j, f): w for j, f, w in reeks.select("jaar", "figuur", "waarde").iter_rows()}
    rows = []
    for figure in data.table("landelijk.csv")["figuur"]:
        series = [values.get((y, figure)) for y in years]
        name = label(figure, data.labels.get("seveso_handhaving"))
        rows.append(
            [
                name,
                *[nl_figure(v, figure) if v is not None else EMPTY for v in series],
                sparkline(
                    [float(v) if v is not None else None for v in series],
                    _series_label(name, years, series, figure),
                ),
            ]
        )
    header = [
        {"label": "Cijfer", "num": False},
        *({"label": str(y), "num": True} for y in years),
        {"label": "Verloop", "num": False},
    ]
    return TableView(
        "tabel-trend",
        f"Alle landelijke cijfers {years[0]}–{years[-1]}" if years else "Landelijke cijfers",
        header,
        rows,
        "landelijk.csv",
        "Zoals elk jaar gepubliceerd. De totalen komen niet elk jaar van dezelfde partners "
        "(zie Geleverd in het rapport van elk jaar); een verandering tussen twee jaren staat in "
        "vergelijking.csv van het latere jaar.",
        wide=len(years) > 6,
    )


def _regio_trend_view(data: PublicationData, soort: str) -> TableView:
    """Per omgevingsdienst or provincie: controles and naleving over the years."""
    reeks = data.regio_reeks.filter(pl.col("soort") == soort)
    years = sorted(set(reeks["jaar"].to_list()))
    header = [
        {"label": "Omgevingsdienst" if soort == "omgevingsdienst" else "Provincie", "num": False}
    ]
    for figure in REGIO_FIGURES:
        header += [
            {"label": f"{label(figure)} {data.year}", "num": True},
            {"label": f"Verloop {years[0] if years else ''}–{data.year}", "num": False},
        ]
    rows = []
    for code in sorted(set(reeks["code"].to_list())):
        mine = reeks.filter(pl.col("code") == code)
        by_year = {r["jaar"]: r for r in mine.iter_rows(named=True)}
        name = mine.filter(pl.col("jaar") == mine["jaar"].max())["naam"][0] or code
        row = [name]
        for figure in REGIO_FIGURES:
            series = [by_year.get(y, {}).get(figure) for y in years]
            now = by_year.get(data.year, {}).get(figure)
            row += [
                nl_figure(now, figure) if now is not None else EMPTY,
                sparkline(
                    [float(v) if v is not None else None for v in series],
                    _series_label(f"{name}, {label(figure)}", years, series, figure),
                ),
            ]
        rows.append(row)
    what = "omgevingsdienst" if soort == "omgevingsdienst" else "provincie"
    return TableView(
        f"tabel-trend-{soort}",
        f"Controles en naleving per {what}, {years[0] if years else ''}–{data.year}",
        header,
        rows,
        "omgevingsdiensten.csv" if soort == "omgevingsdienst" else "provincies.csv",
        "Het verloop toont de waarde van elk jaar waarin gegevens zijn geleverd; een "
        "onderbroken lijn betekent een jaar zonder gegevens. De waarden per jaar staan in de "
        "tabellen van dat jaar.",
    )


def _uitkomsten_view(data: PublicationData) -> TableView:
    """The national value of each indicator (as delivered or summed), and its change over the
    gebieden delivered in both years (vergelijking.csv), never the change of the totals."""
    nl = data.table("uitkomsten.csv").filter(pl.col("gebied") == "NL")
    header = [
        {"label": "Indicator", "num": False},
        {"label": f"Landelijk {data.year}", "num": True},
        {"label": "Geleverd door", "num": False},
        {"label": "Gebieden in beide jaren", "num": True},
        {"label": f"Zelfde gebieden {data.year - 1}", "num": True},
        {"label": f"Zelfde gebieden {data.year}", "num": True},
        {"label": "Verschil", "num": True},
        {"label": "Verschil (%)", "num": True},
    ]
    rows = []
    for r in nl.iter_rows(named=True):
        info = data.indicatoren.get(r["indicator"], {})
        unit = UNITS.get(info.get("eenheid", ""), info.get("eenheid", ""))
        v = data.comparison(OUTCOME_PREFIX + r["indicator"]) or {}
        rows.append(
            [
                f"{info.get('omschrijving', r['indicator'])} ({unit})",
                nl_plain(r["waarde"]) or EMPTY,
                r["geleverd_door"] or "",
                str(v["partners_beide"]) if v else "",
                nl_plain(v.get("waarde_vorig_jaar")) or (EMPTY if v else ""),
                nl_plain(v.get("waarde")) or (EMPTY if v else ""),
                _signed_plain(v.get("verschil")),
                nl_signed(v.get("verschil_pct"), 1),
            ]
        )
    return TableView(
        "tabel-uitkomsten",
        f"Uitkomstindicatoren {data.year}, landelijk",
        header,
        rows,
        "uitkomsten.csv",
        "De verandering is berekend over de gebieden die in beide jaren een waarde leverden "
        "(vergelijking.csv, rijen uitkomst_); een verandering in procenten alleen bij een basis "
        "van 20 of meer. De waarden per gemeente en provincie staan in uitkomsten.csv.",
    )


STATUS_WORDS = {
    "ingelezen": "ingelezen",
    "niet_geleverd": "niet geleverd",
    "niet_gevraagd": "niet gevraagd",
    "afgewezen": "afgewezen",
    "conflict": "tegenstrijdige bestanden",
}
KIND_WORDS = {
    "controles": "controles",
    "kengetallen": "kengetallen",
    "uitkomsten": "uitkomsten",
    "seveso_inrichtingen": "Seveso-register",
    "seveso_inspecties": "Seveso-inspecties",
}


def _datakwaliteit_view(data: PublicationData) -> TableView:
    dq = data.table("datakwaliteit.csv").filter(
        (pl.col("verplicht") == "ja") | ~pl.col("status").is_in(["niet_gevraagd", "niet_geleverd"])
    )
    # readers see words, not the codes of the CSV
    dq = dq.with_columns(
        pl.col("status").replace(STATUS_WORDS),
        pl.col("soort").replace(KIND_WORDS),
    )
    return table_view(
        _named(dq, data),
        "tabel-datakwaliteit",
        f"Leveringen per partner en soort, {data.year}",
        "datakwaliteit.csv",
        columns=(
            "partner_code",
            "naam",
            "soort",
            "verplicht",
            "geleverd",
            "status",
            "rijen",
            "geaccepteerd",
            "quarantaine",
            "reden",
        ),
        note="Alleen verplichte en ontvangen leveringen; alle combinaties (met bestand, "
        "leverdatum en SHA-256) staan in datakwaliteit.csv.",
    )


def _validation_views(data: PublicationData) -> list[TableView]:
    """The asset checks of the year (staat.validatie): what did not pass, and per dataset."""
    rows = data.validatie
    problems = [r for r in rows if r["uitkomst"] != "geslaagd"]
    text = {"label": "", "num": False}
    failed = TableView(
        "tabel-validatie",
        f"Toetsen die niet slaagden, {data.year}",
        [
            text | {"label": "Gegevensset"},
            text | {"label": "Toets"},
            text | {"label": "Ernst"},
            text | {"label": "Uitkomst"},
            {"label": "Afwijkende rijen", "num": True},
            text | {"label": "Toelichting"},
        ],
        [
            [
                r["dataset_label"],
                r["toets"],
                r["ernst"],
                r["uitkomst_label"],
                nl_number(r["afwijkende_rijen"]) or EMPTY,
                r["toelichting"] or "",
            ]
            for r in problems
        ],
    )
    per: dict[str, list[int]] = {}
    for r in rows:
        counts = per.setdefault(r["dataset_label"], [0, 0, 0, 0])
        counts[0] += 1
        counts[("geslaagd", "waarschuwing", "mislukt").index(r["uitkomst"]) + 1] += 1
    summary = TableView(
        "tabel-validatie-datasets",
        f"Toetsen per gegevensset, {data.year}",
        [text | {"label": "Gegevensset"}]
        + [{"label": h, "num": True} for h in ("Toetsen", "Geslaagd", "Waarschuwing", "Mislukt")],
        [[name, *(nl_number(n) for n in counts)] for name, counts in per.items()],
    )
    return [failed, summary]


def validation_summary(data: PublicationData) -> dict[str, int]:
    rows = data.validatie
    return {
        "toetsen": len(rows),
        "verwachtingen": sum(r["verwachtingen"] or 0 for r in rows),
        "datasets": len({r["dataset"] for r in rows}),
        **{
            u: sum(r["uitkomst"] == u for r in rows)
            for u in ("geslaagd", "waarschuwing", "mislukt")
        },
    }


def table_views(data: PublicationData) -> dict[str, TableView]:
    """Every table of the report, by id; the template places them in their chapters."""
    year = data.year
    od = data.table("omgevingsdiensten.csv")
    pv = data.table("provincies.csv")
    t = TABLES_BY_FILE
    # files not in effect, and files in effect with a story (an earlier delivery that stayed
    # in effect for a rejected later one, bytes changed under one name)
    not_used = data.table("leveringen.csv").filter(
        ~pl.col("status").is_in(IN_EFFECT) | pl.col("reden").is_not_null()
    )
    views = [
        _kerncijfers_view(data, seveso=False),
        _kerncijfers_view(data, seveso=True),
        table_view(
            od,
            "tabel-omgevingsdiensten",
            f"Output per omgevingsdienst, {year}",
            "omgevingsdiensten.csv",
            columns=(
                "partner_code",
                "naam",
                *(
                    c
                    for c in t["omgevingsdiensten.csv"].columns
                    if c not in ("partner_code", "naam")
                ),
            ),  # the figures, then opmerking: why a figure of a dienst is empty
        ),
        _interventies_view(data),
        _lhso_view(data),
        table_view(
            pv,
            "tabel-provincies",
            f"Controles per provincie van het bevoegd gezag, {year}",
            "provincies.csv",
            columns=("provincie_code", "naam", *t["provincies.csv"].columns[1:-1]),
        ),
        _uitkomsten_view(data),
        _trend_view(data),
        _regio_trend_view(data, "omgevingsdienst"),
        _regio_trend_view(data, "provincie"),
        _seveso_view(data),
        _seveso_reeks_view(data),
        table_view(
            data.table("seveso_integratie.csv"),
            "tabel-seveso-integratie",
            f"Geïntegreerde inspecties die niet meetellen, {year}",
            "seveso_integratie.csv",
        ),
        table_view(
            data.table("seveso_conflicten.csv"),
            "tabel-seveso-conflicten",
            f"Integratieconflicten {year}: rijen met hetzelfde gezamenlijke kenmerk die het "
            "oneens zijn over inrichting of datum",
            "seveso_conflicten.csv",
        ),
        _datakwaliteit_view(data),
        table_view(
            data.table("quarantaine_regels.csv"),
            "tabel-quarantaine",
            f"Rijen in quarantaine per bestand en regel, {year}",
            "quarantaine_regels.csv",
        ),
        table_view(
            not_used,
            "tabel-bestanden",
            f"Ontvangen bestanden die niet (meer) worden gebruikt, of met een toelichting, {year}",
            "leveringen.csv",
            columns=("pad", "status", "reden"),
        ),
        *_validation_views(data),
    ]
    return {v.id: v for v in views}
