"""The publication register: `vth release` records a version, the report names it, and a
correction says what it replaced. Expected texts are written out by hand."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from tests.conftest import ROOT
from tests.publication_data import published
from vth_pipeline.publish.register import (
    RegisterError,
    dutch_date,
    publication_info,
    register_release,
)


def test_dutch_dates():
    assert dutch_date("2026-12-03") == "3 december 2026"
    assert dutch_date("2025-01-31") == "31 januari 2025"
    assert dutch_date("2024-05-09") == "9 mei 2024"


def test_versions_follow_each_other_and_a_correction_says_why(tmp_path):
    (tmp_path / "publicaties.csv").write_text("jaar,versie,datum,toelichting\n", encoding="utf-8")
    assert publication_info(tmp_path, 2024) == {"versie": None, "datum": None, "correcties": []}

    register_release(tmp_path, 2024, dt.date(2025, 6, 2))
    register_release(tmp_path, 2023, dt.date(2025, 6, 2), "eerste versie")
    with pytest.raises(RegisterError, match="correctie: geef met --toelichting"):
        register_release(tmp_path, 2024, dt.date(2025, 9, 1))
    with pytest.raises(RegisterError, match="ligt voor versie 1 van 2024"):
        register_release(tmp_path, 2024, dt.date(2025, 5, 1), "te vroeg")
    row = register_release(tmp_path, 2024, dt.date(2025, 9, 1), "RUD Zeeland  leverde\nopnieuw.")
    assert row == {
        "jaar": "2024",
        "versie": "2",
        "datum": "2025-09-01",
        "toelichting": "RUD Zeeland leverde opnieuw.",
        "manifest_sha256": "",
    }
    # refused releases left nothing behind; the file is sorted by year and version
    assert (tmp_path / "publicaties.csv").read_text(encoding="utf-8") == (
        "jaar,versie,datum,toelichting,manifest_sha256\n"
        "2023,1,2025-06-02,eerste versie,\n"
        "2024,1,2025-06-02,,\n"
        "2024,2,2025-09-01,RUD Zeeland leverde opnieuw.,\n"
    )
    info = publication_info(tmp_path, 2024)
    assert (info["versie"], info["datum"]) == ("2", "1 september 2025")
    assert [(c["versie"], c["datum"], c["toelichting"]) for c in info["correcties"]] == [
        ("2", "1 september 2025", "RUD Zeeland leverde opnieuw.")
    ]


def test_a_register_without_file_or_header_is_started(tmp_path):
    register_release(tmp_path, 2022, dt.date(2024, 1, 15))
    assert (tmp_path / "publicaties.csv").read_text(encoding="utf-8") == (
        "jaar,versie,datum,toelichting,manifest_sha256\n2022,1,2024-01-15,,\n"
    )


def test_vth_release_needs_a_built_year(tmp_path, monkeypatch, capsys):
    """Refusals before anything is rebuilt (a real release: tests/test_release.py)."""
    from vth_pipeline import cli

    assets = tmp_path / "assets"
    assets.mkdir()
    monkeypatch.setenv("VTH_ASSETS_DIR", str(assets))  # the folder the build reads too
    out = tmp_path / "publicatie"
    assert cli.main(["release", "--year", "2024", "--out", str(out)]) == 2
    assert "bouw 2024 eerst" in capsys.readouterr().err
    (out / "2024").mkdir(parents=True)
    (out / "2024" / "manifest.json").write_text("{}", encoding="utf-8")
    args = ["release", "--year", "2024", "--out", str(out), "--datum", "2025-13-01"]
    assert cli.main(args) == 2  # not a date
    assert "month must be in 1..12" in capsys.readouterr().err
    register_release(assets, 2024, dt.date(2025, 6, 2))
    assert cli.main([*args[:-1], "2025-09-01"]) == 2  # a second version without a reason
    assert "--toelichting" in capsys.readouterr().err
    assert (assets / "publicaties.csv").read_text(encoding="utf-8").count("\n") == 2


@pytest.fixture(scope="module")
def pub(tmp_path_factory):
    return published(tmp_path_factory)


def test_the_report_names_its_release_and_corrections(pub, tmp_path):
    from vth_pipeline.publish.charts import build_charts, load_theme
    from vth_pipeline.publish.data import load_publication_data
    from vth_pipeline.publish.report import render_report
    from vth_pipeline.warehouse import connect

    _, built = pub
    with connect(str(built.warehouse), read_only=True) as conn:
        data = load_publication_data(conn, 2023)
    charts = build_charts(data, load_theme(ROOT / "assets"))
    folder = built.out / "2023"

    assets = tmp_path / "assets"
    shutil.copytree(ROOT / "assets", assets)
    (assets / "publicaties.csv").write_text("jaar,versie,datum,toelichting\n", encoding="utf-8")
    concept = render_report(data, charts, assets, folder)
    assert "Staat van VTH 2023, concept (nog niet vastgesteld)." in concept
    assert "Correctie:" not in concept

    register_release(assets, 2023, dt.date(2024, 6, 3))
    first = render_report(data, charts, assets, folder)
    assert "Staat van VTH 2023, versie 1, gepubliceerd op 3 juni 2024." in first
    assert "concept" not in first and "Correctie:" not in first

    register_release(assets, 2023, dt.date(2024, 9, 16), "Omgevingsdienst X leverde opnieuw.")
    second = render_report(data, charts, assets, folder)
    assert "Staat van VTH 2023, versie 2, gepubliceerd op 16 september 2024." in second
    assert (
        "Correctie: versie 2 van 16 september 2024 vervangt de eerdere versie. "
        "Omgevingsdienst X leverde opnieuw." in second
    )
    # the release of another year does not touch this one
    register_release(assets, 2022, dt.date(2024, 10, 1))
    assert render_report(data, charts, assets, folder) == second
