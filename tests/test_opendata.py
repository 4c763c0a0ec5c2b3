"""Open data of a published year: CSV on the Web metadata validated by a CSVW processor
(`csvw`), and the DCAT description read as RDF (`rdflib`) and compared with the files."""

from __future__ import annotations

import csv
import json
import shutil

import pytest

from tests.publication_data import published

YEARS = (2021, 2022, 2023)
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"


@pytest.fixture(scope="module")
def pub(tmp_path_factory):
    return published(tmp_path_factory)


def header(path) -> list[str]:
    with open(path, encoding="utf-8", newline="") as f:
        return next(csv.reader(f))


@pytest.mark.parametrize("year", YEARS)
def test_every_csv_has_valid_csvw_metadata(pub, year):
    from csvw import CSVW

    _, built = pub
    folder = built.out / str(year) / "tabellen"
    csvs = sorted(folder.glob("*.csv"))
    assert len(csvs) >= 19
    for path in csvs:
        meta_path = folder / f"{path.name}-metadata.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        assert meta["url"] == path.name
        assert meta["dc:title"].endswith(str(year)) and meta["dc:description"]
        columns = meta["tableSchema"]["columns"]
        assert [c["name"] for c in columns] == header(path), path.name
        assert all(c["dc:title"] and c["dc:description"] and c["datatype"] for c in columns)
        assert set(meta["tableSchema"]["primaryKey"]) <= {c["name"] for c in columns}
        assert CSVW(str(path), md_url=str(meta_path), validate=True).is_valid, path.name


def test_csvw_types_and_units_follow_the_contract(pub, tmp_path):
    from csvw import CSVW

    _, built = pub
    folder = built.out / "2023" / "tabellen"
    meta = json.loads((folder / "omgevingsdiensten.csv-metadata.json").read_text("utf-8"))
    cols = {c["name"]: c for c in meta["tableSchema"]["columns"]}
    assert cols["controles"]["datatype"] == "integer"
    assert cols["controles"]["schema:unitText"] == "aantal"
    assert cols["naleving_eerste_controle_pct"]["datatype"] == "decimal"
    assert cols["naleving_eerste_controle_pct"]["schema:unitText"] == "procent"
    assert cols["controles"]["dc:title"] == "Controles"
    assert meta["tableSchema"]["primaryKey"] == ["partner_code"]
    # the processor checks the rows: a word in a number column, or a repeated key, fails
    rows = (folder / "omgevingsdiensten.csv").read_text("utf-8").splitlines()
    first = rows[1].split(",")
    wrong = [rows[0], ",".join([first[0], "veel", *first[2:]]), *rows[2:]]
    (tmp_path / "omgevingsdiensten.csv").write_text("\n".join(wrong) + "\n", encoding="utf-8")
    shutil.copy(folder / "omgevingsdiensten.csv-metadata.json", tmp_path)
    md = str(tmp_path / "omgevingsdiensten.csv-metadata.json")
    assert not CSVW(str(tmp_path / "omgevingsdiensten.csv"), md_url=md, validate=True).is_valid
    double = [*rows, rows[1]]
    (tmp_path / "omgevingsdiensten.csv").write_text("\n".join(double) + "\n", encoding="utf-8")
    try:
        valid = CSVW(str(tmp_path / "omgevingsdiensten.csv"), md_url=md, validate=True).is_valid
    except ValueError as e:  # the processor raises on a repeated primary key
        assert "duplicate primary key" in str(e)
        valid = False
    assert not valid


@pytest.mark.parametrize("year", YEARS)
def test_dcat_describes_every_published_file(pub, year):
    import rdflib
    from rdflib import RDF, Literal, URIRef

    _, built = pub
    folder = built.out / str(year)
    g = rdflib.Graph().parse(str(folder / "dcat.jsonld"), format="json-ld")
    datasets = list(g.subjects(RDF.type, URIRef(DCAT + "Dataset")))
    assert len(datasets) == 1
    ds = datasets[0]
    assert g.value(ds, URIRef(DCT + "title")) == Literal(f"Staat van VTH {year}", lang="nl")
    assert str(g.value(ds, URIRef(DCT + "description")))
    assert g.value(ds, URIRef(DCT + "license")) == URIRef(
        "http://creativecommons.org/licenses/by/4.0/"
    )
    publisher = g.value(ds, URIRef(DCT + "publisher"))
    assert str(g.value(publisher, URIRef(FOAF + "name")))
    period = g.value(ds, URIRef(DCT + "temporal"))
    assert g.value(period, URIRef(DCAT + "startDate")).toPython().isoformat() == f"{year}-01-01"
    assert g.value(period, URIRef(DCAT + "endDate")).toPython().isoformat() == f"{year}-12-31"

    described = {}
    for dist in g.objects(ds, URIRef(DCAT + "distribution")):
        url = str(g.value(dist, URIRef(DCAT + "downloadURL")))
        relative = url.split(f"/{year}/", 1)[1]
        size = int(g.value(dist, URIRef(DCAT + "byteSize")))
        media = str(g.value(dist, URIRef(DCAT + "mediaType")))
        described[relative] = (size, media.rsplit("/media-types/", 1)[1])
    expected = {
        p.relative_to(folder).as_posix()
        for p in [*(folder / "tabellen").iterdir(), folder / "index.html", *folder.glob("*.docx")]
    }
    assert set(described) == expected
    for relative, (size, media) in described.items():
        assert size == (folder / relative).stat().st_size, relative
        if relative.endswith(".csv"):
            assert media == "text/csv"
        if relative.endswith("-metadata.json"):
            assert media == "application/csvm+json"
    listed = {f["pad"] for f in json.loads((folder / "manifest.json").read_text())["uitvoer"]}
    assert "dcat.jsonld" in listed and "tabellen/landelijk.csv-metadata.json" in listed
