"""A release anchored outside the folder, and the figures a correction changed.

`vth release` on a copy of the session's shared build: the register records the sha256 of the
released manifest.json (computed here with hashlib), verify checks the folder against it, and a
second version names the figures it changed. `vth diff` on tables changed here by hand. The
expected changes are written out by hand from the edits the tests make.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.audit_support import vth
from tests.conftest import ROOT, Built, build
from tests.publication_data import REFERENCE, published

YEAR = 2023
REGISTER_HEADER = "jaar,versie,datum,toelichting,manifest_sha256\n"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def pub(tmp_path_factory):
    return published(tmp_path_factory)


@pytest.fixture
def copy(pub, tmp_path) -> tuple[Built, Path, dict[str, str]]:
    """A copy of the shared build (warehouse, publication, archive) and of the assets with an
    empty register, to release without touching the shared one; the env of the CLI."""
    _, built = pub
    out, warehouse, store = tmp_path / "out", tmp_path / "vth.duckdb", tmp_path / "archief"
    shutil.copytree(built.out, out)
    shutil.copyfile(built.warehouse, warehouse)
    shutil.copytree(built.warehouse.parent / "archief", store)
    assets = tmp_path / "assets"
    shutil.copytree(ROOT / "assets", assets)
    (assets / "publicaties.csv").write_text(REGISTER_HEADER, encoding="utf-8")
    env = {
        "VTH_ASSETS_DIR": str(assets),
        "VTH_ARCHIVE_DIR": str(store),
        "VTH_REFERENCE_DIR": str(REFERENCE),
    }
    return Built(built.raw, out, warehouse), assets, env


def release(built: Built, env: dict[str, str], *args: str):
    return vth(
        "release",
        "--year",
        str(YEAR),
        "--out",
        str(built.out),
        "--raw-dir",
        str(built.raw),
        "--warehouse",
        str(built.warehouse),
        *args,
        **env,
    )


def register_rows(assets: Path) -> list[dict[str, str]]:
    with open(assets / "publicaties.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def first_release(copy) -> tuple[Path, str, str]:
    """Version 1 of the year released; (year folder, sha256 of its manifest, CLI output)."""
    built, _, env = copy
    folder = built.out / str(YEAR)
    done = release(built, env, "--datum", "2024-06-03")
    assert done.returncode == 0, done.stdout + done.stderr
    return folder, sha(folder / "manifest.json"), done.stdout


def test_release_records_the_manifest_and_a_correction_names_the_figures_it_changed(copy):
    built, assets, env = copy
    folder, released, stdout = first_release(copy)
    assert register_rows(assets) == [
        {
            "jaar": "2023",
            "versie": "1",
            "datum": "2024-06-03",
            "toelichting": "",
            "manifest_sha256": released,
        }
    ]
    assert released in stdout
    report = (folder / "index.html").read_text(encoding="utf-8")
    assert "Staat van VTH 2023, versie 1, gepubliceerd op 3 juni 2024." in report
    # the released manifest and its files are kept in the archive by content
    store = Path(env["VTH_ARCHIVE_DIR"])
    assert (store / released[:2] / f"{released}.json").read_bytes() == (
        folder / "manifest.json"
    ).read_bytes()
    table = folder / "tabellen" / "landelijk.csv"
    assert (store / sha(table)[:2] / f"{sha(table)}.csv").read_bytes() == table.read_bytes()

    # verify of the released year: the manifest is the one the register names
    from vth_pipeline.release import anchor

    found = anchor(folder, YEAR, assets)
    assert found.ok and found.line.startswith("register: manifest.json is versie 1 van 2023")
    assert released in found.line

    # a correction: one national figure changed in the warehouse, the year published again
    with open(table, encoding="utf-8", newline="") as f:
        was = next(r["waarde"] for r in csv.DictReader(f) if r["figuur"] == "controles")
    with duckdb.connect(str(built.warehouse)) as conn:
        conn.execute(
            "UPDATE staat.landelijk SET waarde = ? WHERE jaar = ? AND figuur = 'controles'",
            [str(int(was) + 5), YEAR],
        )
    build(
        built.out.parent,
        built.raw,
        [YEAR],
        stages=("publicatie",),
        assets_dir=str(assets),
        archive_dir=env["VTH_ARCHIVE_DIR"],
        reference_dir=str(REFERENCE),
    )
    done = vth("diff", "--release", str(YEAR), str(folder), **env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"  landelijk.csv controles: {was} → {int(was) + 5}" in done.stdout.splitlines()

    done = release(built, env, "--datum", "2024-09-16", "--toelichting", "ODH leverde opnieuw.")
    assert done.returncode == 0, done.stdout + done.stderr
    rows = register_rows(assets)
    assert [(r["versie"], r["manifest_sha256"]) for r in rows] == [
        ("1", released),
        ("2", sha(folder / "manifest.json")),
    ]
    with open(assets / "correcties" / "2023-v2.csv", encoding="utf-8", newline="") as f:
        changed = list(csv.DictReader(f))
    assert {
        "tabel": "landelijk.csv",
        "sleutel": "controles",
        "kolom": "waarde",
        "oud": was,
        "nieuw": str(int(was) + 5),
        "soort": "cel",
    } in changed
    report = (folder / "index.html").read_text(encoding="utf-8")
    notice = report[report.index("Correctie:") :].split("</p>")[0]
    assert "versie 2 van 16 september 2024 vervangt de eerdere versie. ODH leverde opnieuw." in (
        notice
    )
    assert "Gewijzigde cijfers ten opzichte van de vorige versie:" in notice
    assert f"landelijk.csv controles: {was} → {int(was) + 5}" in notice
    assert anchor(folder, YEAR, assets).line.startswith("register: manifest.json is versie 2")


def test_verify_fails_on_a_manifest_edited_after_release(copy):
    _, _, env = copy
    folder, released, _ = first_release(copy)
    # the manifest edited afterwards: one delivery's counts, written back as the build writes it
    path = folder / "manifest.json"
    m = json.loads(path.read_text(encoding="utf-8"))
    m["leveringen"][0]["rijen"] = (m["leveringen"][0]["rijen"] or 0) + 1
    path.write_text(json.dumps(m, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    edited = sha(path)
    assert edited != released
    done = vth("verify", str(folder), **env)
    assert done.returncode == 1, done.stdout + done.stderr
    line = next(x for x in done.stdout.splitlines() if x.startswith("  manifest.json: "))
    assert "manifest.json is niet wat is vrijgegeven" in line
    assert edited in line and released in line, line


def test_diff_of_two_folders_names_each_changed_cell_and_writes_csv(pub, tmp_path):
    _, built = pub
    a, b = tmp_path / "a" / str(YEAR), tmp_path / "b" / str(YEAR)
    for target in (a, b):
        shutil.copytree(built.out / str(YEAR) / "tabellen", target / "tabellen")
    done = vth("diff", str(a), str(b), "--csv", str(tmp_path / "geen.csv"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("geen cijfers gewijzigd")
    assert (tmp_path / "geen.csv").read_text(encoding="utf-8") == (
        "tabel,sleutel,kolom,oud,nieuw,soort\n"
    )

    # by hand: one cell of landelijk.csv, one partner's cell of omgevingsdiensten.csv
    def edit(name: str, key: str, column: str, value: str) -> str:
        path = b / "tabellen" / name
        with open(path, encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        at = next(i for i, r in enumerate(rows) if r[0] == key)
        col = rows[0].index(column)
        old, rows[at][col] = rows[at][col], value
        with open(path, "w", encoding="utf-8", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows(rows)
        return old

    old_nl = edit("landelijk.csv", "hercontroles", "waarde", "999999")
    odh = edit("omgevingsdiensten.csv", "DCMR", "controles_per_fte", "1.23")
    done = vth("diff", str(a), str(b), "--csv", str(tmp_path / "verschil.csv"))
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("2 cijfer(s) gewijzigd")
    assert f"  landelijk.csv hercontroles: {old_nl} → 999999" in lines
    odh_line = next(x for x in lines if x.startswith("  omgevingsdiensten.csv DCMR"))
    assert odh_line == f"  omgevingsdiensten.csv DCMR controles_per_fte: {odh} → 1.23", odh_line
    with open(tmp_path / "verschil.csv", encoding="utf-8", newline="") as f:
        table = list(csv.DictReader(f))
    assert [(r["tabel"], r["kolom"], r["oud"], r["nieuw"]) for r in table] == [
        ("landelijk.csv", "waarde", old_nl, "999999"),
        ("omgevingsdiensten.csv", "controles_per_fte", odh, "1.23"),
    ]
    assert table[0]["sleutel"] == "hercontroles" and table[1]["sleutel"] == "DCMR"


def test_diff_against_a_year_never_released_is_an_error(pub, tmp_path):
    _, built = pub
    assets = tmp_path / "assets"
    assets.mkdir()
    (assets / "publicaties.csv").write_text(REGISTER_HEADER, encoding="utf-8")
    done = vth(
        "diff", "--release", str(YEAR), str(built.out / str(YEAR)), VTH_ASSETS_DIR=str(assets)
    )
    assert done.returncode == 2
    assert "2023 staat niet in het publicatieregister" in done.stderr


def test_register_rows_of_before_the_sha256_column_are_read_and_rewritten_sorted(tmp_path):
    from vth_pipeline.publish.register import register_release, releases

    (tmp_path / "publicaties.csv").write_text(
        "jaar,versie,datum,toelichting\n2024,1,2025-06-02,\n2022,1,2023-06-01,eerste\n",
        encoding="utf-8",
    )
    assert releases(tmp_path, 2024)[0]["manifest_sha256"] == ""
    register_release(tmp_path, 2023, dt.date(2024, 6, 3), manifest_sha256="ab" * 32)
    assert (tmp_path / "publicaties.csv").read_text(encoding="utf-8") == (
        REGISTER_HEADER
        + "2022,1,2023-06-01,eerste,\n"
        + f"2023,1,2024-06-03,,{'ab' * 32}\n"
        + "2024,1,2025-06-02,,\n"
    )
