"""Open-data metadata of a published year: CSV on the Web per table, DCAT for the year.

`tabellen/<tabel>.csv-metadata.json` (W3C CSVW, the file name a CSVW processor looks for
beside `<tabel>.csv`) describes each CSV: Dutch title and description from the output contract,
every column with its Dutch label, definition, datatype and unit, and the table's primary key.
`dcat.jsonld` describes the year as a DCAT dataset (title, description, publisher, licence CC BY
4.0, the reporting year as temporal coverage, one distribution per published file with media
type and size), in JSON-LD that a catalogue such as data.overheid.nl can harvest.

Both are written by hand as JSON (ordered as built, no dates other than the register's), so
two builds of the same inputs give the same bytes; the tests read them with a CSVW processor
(`csvw`) and as RDF (`rdflib`).
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from vth_pipeline.contract.publication import (
    PUBLISHED_TABLES,
    TABLES_BY_FILE,
    definition,
    figure,
    label,
)

CSVW_SUFFIX = "-metadata.json"  # landelijk.csv -> landelijk.csv-metadata.json
DCAT_FILE = "dcat.jsonld"

# Who publishes the Staat, the licence and where the files are published (the base of every
# distribution's download URL). To be confirmed by the editors before the first release.
PUBLISHER = {
    "uri": "http://standaarden.overheid.nl/owms/terms/Ministerie_van_Infrastructuur_en_Waterstaat",
    "naam": "Ministerie van Infrastructuur en Waterstaat",
}
LICENSE = "http://creativecommons.org/licenses/by/4.0/"
PUBLICATION_URL = "https://example.org/staat-van-vth/"
LANGUAGE = "http://publications.europa.eu/resource/authority/language/NLD"

# National figures are text in staat.landelijk (one column for every unit): numbers in the CSV.
NUMERIC_TEXT = ("waarde", "waarde_vorig_jaar", "verschil", "verschil_pct")

# media type (IANA) and EU file type of each published kind of file
FILE_TYPES = {
    ".csv": ("text/csv", "CSV"),
    ".parquet": ("application/vnd.apache.parquet", "PARQUET"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"),
    ".json": ("application/csvm+json", "JSON"),
    ".html": ("text/html", "HTML"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX"),
}


def _datatype(column: str, dtype: pl.DataType) -> str:
    if column in NUMERIC_TEXT and dtype == pl.String:
        return "decimal"
    if dtype.is_integer():
        return "integer"
    if dtype.is_decimal():
        return "decimal"
    if dtype.is_float():
        return "double"
    if dtype == pl.Date:
        return "date"
    if dtype == pl.Boolean:
        return "boolean"
    return "string"


def _unit(column: str) -> str | None:
    """The unit of a figure column, in Dutch (none for codes and text)."""
    declared = figure(column)
    if declared is None:
        return None
    return {"pct": "procent", "ratio": "controles per fte", "aantal": "aantal"}[declared.unit]


def csvw_metadata(file: str, frame: pl.DataFrame, year: int) -> dict:
    """The CSVW description of one published table (`frame`: its rows as written)."""
    table = TABLES_BY_FILE[file]
    columns = []
    for name, dtype in frame.schema.items():
        column = {
            "name": name,
            "titles": name,  # the CSV header; the Dutch label is dc:title
            "dc:title": label(name),
            "dc:description": definition(name) or label(name),
            "datatype": _datatype(name, dtype),
        }
        unit = _unit(name)
        if unit:
            column["schema:unitText"] = unit
        if name in table.key:
            column["required"] = True
        columns.append(column)
    if "waarde" in frame.columns and "figuur" in frame.columns:
        columns[frame.columns.index("waarde")]["dc:description"] = (
            "De waarde van het cijfer in kolom figuur; de eenheid volgt uit de naam: _pct is een "
            "percentage (één decimaal), _per_fte controles per fte (twee decimalen), anders een "
            "aantal."
        )
    return {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "nl"}],
        "url": file,
        "dc:title": f"{table.title} {year}",
        "dc:description": table.description,
        "dc:publisher": PUBLISHER["naam"],
        "dc:license": {"@id": LICENSE},
        "dc:temporal": str(year),
        "dialect": {"header": True, "delimiter": ",", "encoding": "utf-8"},
        "tableSchema": {"columns": columns, "primaryKey": list(table.key)},
    }


def write_csvw(folder: Path, frames: dict[str, pl.DataFrame], year: int) -> list[Path]:
    """`<tabel>.csv-metadata.json` beside every published CSV."""
    written = []
    for file, frame in frames.items():
        path = folder / f"{file}{CSVW_SUFFIX}"
        path.write_text(
            json.dumps(csvw_metadata(file, frame, year), ensure_ascii=False, indent=2) + "\n",
            encoding="utf-8",
        )
        written.append(path)
    return written


def _literal(text: str) -> dict:
    return {"@value": text, "@language": "nl"}


def _distribution(folder: Path, path: Path, year: int) -> dict:
    relative = path.relative_to(folder).as_posix()
    suffix = ".json" if path.name.endswith(CSVW_SUFFIX) else path.suffix
    media, kind = FILE_TYPES[suffix]
    url = f"{PUBLICATION_URL}{year}/{relative}"
    title, description = _describe(relative, year)
    return {
        "@id": url,
        "@type": "dcat:Distribution",
        "dct:title": _literal(title),
        "dct:description": _literal(description),
        "dcat:accessURL": {"@id": url},
        "dcat:downloadURL": {"@id": url},
        "dcat:mediaType": {"@id": f"https://www.iana.org/assignments/media-types/{media}"},
        "dct:format": {"@id": f"http://publications.europa.eu/resource/authority/file-type/{kind}"},
        "dcat:byteSize": {"@value": str(path.stat().st_size), "@type": "xsd:nonNegativeInteger"},
        "dct:license": {"@id": LICENSE},
    }


def _describe(relative: str, year: int) -> tuple[str, str]:
    name = relative.rsplit("/", 1)[-1]
    csv_name = name.removesuffix(CSVW_SUFFIX)
    stem = name.rsplit(".", 1)[0]
    tables = {t.stem: t for t in PUBLISHED_TABLES}
    if name.endswith(CSVW_SUFFIX) and csv_name in TABLES_BY_FILE:
        t = TABLES_BY_FILE[csv_name]
        return (
            f"{t.title} {year}: metadata (CSVW)",
            f"Beschrijving van {csv_name} (CSV on the Web).",
        )
    if stem in tables:
        t = tables[stem]
        return f"{t.title} {year} ({name.rsplit('.', 1)[1].upper()})", t.description
    if name == "tabellen.xlsx":
        return f"Staat van VTH {year}: alle tabellen (Excel)", "Alle tabellen in één werkmap."
    if name == "index.html":
        return f"Staat van VTH {year}: rapport", "Het rapport van het jaar (HTML)."
    if name.endswith(".docx"):
        return f"Staat van VTH {year}: rapport (Word)", "Het rapport van het jaar als Word-bestand."
    return name, name


def distributable(folder: Path) -> list[Path]:
    """The files of the year that are distributions: the tables (with their CSVW metadata),
    the report and its Word version."""
    tables = sorted((folder / "tabellen").glob("*")) if (folder / "tabellen").is_dir() else []
    files = [
        p
        for p in tables
        if p.suffix in (".csv", ".parquet", ".xlsx") or p.name.endswith(CSVW_SUFFIX)
    ]
    return [
        *files,
        *(p for p in (folder / "index.html", *sorted(folder.glob("*.docx"))) if p.is_file()),
    ]


def dcat_dataset(
    folder: Path, year: int, issued: str | None = None, modified: str | None = None
) -> dict:
    """The year as a DCAT dataset with one distribution per published file; `issued` and
    `modified` are the dates of the first and latest release in the register (ISO), if any."""
    dataset = {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": f"{PUBLICATION_URL}{year}/",
        "@type": "dcat:Dataset",
        "dct:identifier": f"staat-van-vth-{year}",
        "dct:title": _literal(f"Staat van VTH {year}"),
        "dct:description": _literal(
            f"Vergunningverlening, toezicht en handhaving in het omgevingsdomein over verslagjaar "
            f"{year}: de landelijke cijfers en de cijfers per omgevingsdienst, provincie en "
            "Seveso-omgevingsdienst, uitkomstindicatoren, datakwaliteit en validatie, berekend "
            "uit de leveringen van de partners volgens de rekenregels."
        ),
        "dct:publisher": {
            "@id": PUBLISHER["uri"],
            "@type": "foaf:Agent",
            "foaf:name": _literal(PUBLISHER["naam"]),
        },
        "dct:license": {"@id": LICENSE},
        "dct:language": {"@id": LANGUAGE},
        "dct:temporal": {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": {"@value": f"{year}-01-01", "@type": "xsd:date"},
            "dcat:endDate": {"@value": f"{year}-12-31", "@type": "xsd:date"},
        },
        "dcat:keyword": [
            _literal(k)
            for k in ("VTH", "toezicht", "handhaving", "vergunningverlening", "omgevingsdiensten")
        ],
        "dcat:landingPage": {"@id": f"{PUBLICATION_URL}{year}/index.html"},
    }
    if issued:
        dataset["dct:issued"] = {"@value": issued, "@type": "xsd:date"}
    if modified:
        dataset["dct:modified"] = {"@value": modified, "@type": "xsd:date"}
    dataset["dcat:distribution"] = [_distribution(folder, p, year) for p in distributable(folder)]
    return dataset


def write_dcat(
    folder: Path, year: int, issued: str | None = None, modified: str | None = None
) -> Path:
    path = folder / DCAT_FILE
    document = dcat_dataset(folder, year, issued, modified)
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    path.write_text(text, encoding="utf-8")
    return path
