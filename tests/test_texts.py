"""Texts by policy staff (`assets/teksten/<jaar>.md`): placeholders filled from the published
tables, clear Dutch errors that stop the year, safe Markdown, and `vth tekst`.

Expected values are read from the published CSV files and formatted here with the test's own
Dutch notation, not with the pipeline's formatter.
"""

from __future__ import annotations

import csv
import re
import shutil
import time
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.publication_data import published

YEAR = 2023


@pytest.fixture(scope="module")
def pub(tmp_path_factory):
    return published(tmp_path_factory)


@pytest.fixture(scope="module")
def data(pub):
    from vth_pipeline.publish.data import load_publication_data
    from vth_pipeline.warehouse import connect

    _, built = pub
    with connect(str(built.warehouse), read_only=True) as conn:
        return load_publication_data(conn, YEAR)


def rows(built, name: str, year: int = YEAR) -> list[dict[str, str]]:
    with open(built.out / str(year) / "tabellen" / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def dutch(text: str) -> str:
    """The test's own Dutch notation of a CSV number: 12791 -> 12.791, 68.0 -> 68,0."""
    whole, _, frac = text.lstrip("-").partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    out = ".".join(groups) + ("," + frac if frac else "")
    return ("-" if text.startswith("-") else "") + out


def signed(text: str) -> str:
    return ("+" if Decimal(text) > 0 else "") + dutch(text)


def assets_with(tmp_path: Path, text: str, year: int = YEAR) -> Path:
    assets = tmp_path / "assets"
    shutil.copytree(ROOT / "assets", assets, ignore=shutil.ignore_patterns("teksten"))
    (assets / "teksten").mkdir()
    (assets / "teksten" / f"{year}.md").write_text(text, encoding="utf-8")
    return assets


def test_placeholders_are_filled_as_the_tables_show_them(pub, data):
    from vth_pipeline.publish.texts import parse_texts

    _, built = pub
    national = {r["figuur"]: r for r in rows(built, "landelijk.csv")}
    first = {r["figuur"]: r for r in rows(built, "landelijk.csv", 2021)}
    comparison = {r["figuur"]: r for r in rows(built, "vergelijking.csv")}
    od = next(r for r in rows(built, "omgevingsdiensten.csv") if r["naleving_eerste_controle_pct"])
    text = (
        'Er waren {{ cijfer("controles") }} controles ({{ geleverd("controles") }}).\n'
        '{{ cijfer("naleving_eerste_controle_pct", partner="PARTNER") }}\n'
        '{{ verschil("controles") }}\n'
        '{{cijfer("controles", jaar=2021)}}\n'
        "## Kernboodschappen\n\n"
        '- naleving {{ cijfer("naleving_eerste_controle_pct") }}%\n'
        "## 4. Geïntegreerd Seveso-toezicht\n"
        '{{ cijfer("seveso_inspecties") }}\n'
    ).replace("PARTNER", od["partner_code"])
    texts = parse_texts(text, data, "teksten/2023.md")
    c, v = national["controles"], comparison["controles"]
    lines = texts.inleiding.splitlines()
    assert lines[0] == (
        f"Er waren {dutch(c['waarde'])} controles ({c['geleverd']} van {c['verwacht']} "
        "omgevingsdiensten)."
    )
    assert lines[1] == dutch(od["naleving_eerste_controle_pct"])
    assert v["verschil"] and v["verschil_pct"]
    assert lines[2] == (
        f"bij dezelfde {v['partners_beide']} omgevingsdiensten als in {YEAR - 1}: "
        f"{signed(v['verschil'])} ({signed(v['verschil_pct'])}%)"
    )
    assert lines[3] == dutch(first["controles"]["waarde"])
    assert texts.kernboodschappen.strip() == (
        f"- naleving {dutch(national['naleving_eerste_controle_pct']['waarde'])}%"
    )
    assert texts.hoofdstukken["seveso"].strip() == dutch(national["seveso_inspecties"]["waarde"])


def _error(data, text: str) -> str:
    from vth_pipeline.publish.texts import TekstFout, parse_texts

    with pytest.raises(TekstFout) as e:
        parse_texts(text, data, "assets/teksten/2023.md")
    message = str(e.value)
    assert "\n" not in message  # one line
    assert message.startswith("assets/teksten/2023.md, regel ")
    return message


def test_unknown_names_stop_with_the_line_and_the_nearest_names(pub, data):
    _, built = pub
    partner = rows(built, "omgevingsdiensten.csv")[0]["partner_code"]
    m = _error(data, 'Inleiding.\n\nAantal: {{ cijfer("controle") }}.\n')
    assert "regel 3" in m and '"controle"' in m and "controles" in m.split("bedoelt u:")[1]
    m = _error(data, '{{ cijfer("controles", partner="' + partner + 'X") }}\n')
    assert "regel 1" in m and f'"{partner}X"' in m and partner in m.split("bedoelt u:")[1]
    m = _error(data, 'a\n{{ cijfer("controles", jaar=2019) }}\n')
    assert "regel 2" in m and "2019" in m and "2021" in m
    m = _error(data, '{{ verschill("controles") }}\n')
    assert '"verschill"' in m and "verschil" in m.split("bedoelt u:")[1]
    m = _error(data, "## Kernboodschap\n")
    assert "regel 1" in m and "Kernboodschappen" in m
    m = _error(data, '{{ cijfer(__import__("os").system("x")) }}\n')
    assert "cijfer()" in m


def test_an_empty_figure_stops(pub, data):
    _, built = pub
    empty = [
        (r["partner_code"], column)
        for r in rows(built, "omgevingsdiensten.csv")
        for column, value in r.items()
        if column.endswith("_pct") and value == ""
    ]
    assert empty, "the test data have an empty figure of a partner"
    partner, column = empty[0]
    m = _error(data, f'x\ny\n{{{{ cijfer("{column}", partner="{partner}") }}}}\n')
    assert "regel 3" in m and column in m and "leeg" in m


def test_markdown_is_rendered_safely(pub, data, tmp_path):
    from vth_pipeline.publish.charts import Chart  # noqa: F401
    from vth_pipeline.publish.report import render_report
    from vth_pipeline.publish.texts import parse_texts

    _, built = pub
    text = (
        "Een **vet** woord en <script>alert('tekst')</script> en "
        '<img src=x onerror="alert(2)">.\n\n'
        "[klik](javascript:alert(3)) en [bron](https://example.org/a).\n"
    )
    texts = parse_texts(text, data, "t.md")
    html = render_report(data, [], ROOT / "assets", built.out / str(YEAR), texts=texts)
    intro = html[html.index('<section id="inleiding"') : html.index('id="kernboodschappen"')]
    assert "<strong>vet</strong>" in intro
    assert "<script>" not in intro and "&lt;script&gt;" in intro
    assert "<img" not in intro and "javascript:" not in intro.replace("](javascript:", "")
    assert '<a href="https://example.org/a">bron</a>' in intro
    assert 'href="javascript' not in html


def test_wrong_placeholder_stops_the_year_and_publishes_nothing(pub, tmp_path):
    from dagster import DagsterInstance, materialize
    from dagster_duckdb import DuckDBResource

    from vth_pipeline.defs.publicatie import publicatie_manifest, publicatie_rapport
    from vth_pipeline.resources import VthSettings
    from vth_pipeline.runner import failure_message

    d, built = pub
    out = tmp_path / "out"
    shutil.copytree(built.out / str(YEAR), out / str(YEAR))
    before = (out / str(YEAR) / "index.html").read_bytes()

    def run(text: str, assets_name: str):
        assets = assets_with(tmp_path / assets_name, text)
        resources = {
            "duckdb": DuckDBResource(database=str(built.warehouse)),
            "vth": VthSettings(
                raw_dir=str(d.raw),
                out_dir=str(out),
                archive_dir=str(tmp_path / "archief"),
                reference_dir=str(ROOT / "data" / "reference"),
                assets_dir=str(assets),
            ),
        }
        return materialize(
            [publicatie_rapport, publicatie_manifest],
            partition_key=str(YEAR),
            resources=resources,
            instance=DagsterInstance.ephemeral(),
            raise_on_error=False,
        )

    bad = run('Goed.\n\nFout: {{ cijfer("contrles") }}\n', "a")
    assert not bad.success
    message = failure_message(bad)
    assert "\n" not in message
    assert "teksten/2023.md, regel 3" in message and '"contrles"' in message, message
    assert "controles" in message.split("bedoelt u:")[1]
    assert (out / str(YEAR) / "index.html").read_bytes() == before  # nothing published

    good = run('## Provincies\n\nIn totaal {{ cijfer("controles") }} controles.\n', "b")
    assert good.success
    html = (out / str(YEAR) / "index.html").read_text(encoding="utf-8")
    waarde = next(r for r in rows(built, "landelijk.csv") if r["figuur"] == "controles")["waarde"]
    section = html[html.index('<section id="provincies">') : html.index('id="uitkomsten"')]
    assert f"<p>In totaal {dutch(waarde)} controles.</p>" in section


def test_vth_tekst_renders_from_the_warehouse_and_lists_typed_numbers(
    pub, tmp_path, monkeypatch, capsys
):
    from vth_pipeline.cli import main

    _, built = pub
    text = 'Intro met {{ cijfer("controles") }} en 42 met de hand.\n\n## Uitkomsten\n\nNog 3,5%.\n'
    assets = assets_with(tmp_path, text)
    monkeypatch.setenv("VTH_ASSETS_DIR", str(assets))
    out = tmp_path / "out"
    shutil.copytree(built.out / str(YEAR), out / str(YEAR))
    started = time.monotonic()
    code = main(
        ["tekst", "--year", str(YEAR), "--out", str(out), "--warehouse", str(built.warehouse)]
    )
    seconds = time.monotonic() - started
    printed = capsys.readouterr().out
    assert code == 0, printed
    preview = out / f"tekst-{YEAR}.html"
    html = preview.read_text(encoding="utf-8")
    waarde = next(r for r in rows(built, "landelijk.csv") if r["figuur"] == "controles")["waarde"]
    assert f"Intro met {dutch(waarde)} en 42" in html
    assert f'<base href="{YEAR}/">' in html
    # the links of the preview resolve into the year's folder
    for link in re.findall(r'<img class="static" src="([^"]+)"', html)[:3]:
        assert (out / str(YEAR) / link).is_file(), link
    assert re.search(r"regel 1: 42\b", printed) and re.search(r"regel 5: 3,5\b", printed)
    # placeholders are not typed numbers: only the listed values count (the listing's heading
    # names the file, whose temporary path may hold any digits)
    typed = re.findall(r"regel \d+: (\S+)", printed.split("getypte getallen")[1])
    assert typed == ["42", "3,5"] and dutch(waarde) not in typed
    assert seconds < 60, seconds

    (assets / "teksten" / f"{YEAR}.md").write_text('{{ cijfer("x") }}\n', encoding="utf-8")
    assert (
        main(["tekst", "--year", str(YEAR), "--out", str(out), "--warehouse", str(built.warehouse)])
        == 1
    )
    assert "regel 1" in capsys.readouterr().err


def test_sample_text_shows_every_kind_of_placeholder():
    """The example that ships with the sample data uses every placeholder, opens a chapter,
    replaces the key messages, and types no number by hand."""
    from vth_pipeline.publish.texts import CHAPTERS, PLACEHOLDER, _sections, hand_numbers

    text = (ROOT / "assets" / "teksten" / "2024.md").read_text(encoding="utf-8")
    calls = [m.group(1).strip() for m in PLACEHOLDER.finditer(text)]
    assert any(c.startswith("cijfer(") and "partner=" not in c and "jaar=" not in c for c in calls)
    assert any(c.startswith("cijfer(") and "partner=" in c for c in calls)
    assert any(c.startswith("cijfer(") and "jaar=" in c for c in calls)
    assert any(c.startswith("verschil(") for c in calls)
    assert any(c.startswith("geleverd(") for c in calls)
    titles = [s.title for s in _sections(text)[1:]]
    assert "Kernboodschappen" in titles and set(titles) & set(CHAPTERS.values())
    assert _sections(text)[0].lines  # an introduction
    assert hand_numbers(text) == []
    assert (ROOT / "docs" / "teksten.md").is_file()
