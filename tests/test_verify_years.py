"""`vth verify` and the auditor's notebook on a build of several years: the earlier years a year
reads are named in its manifest and rebuilt; a year built alone is the same year.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.audit_support import (
    rederived_tables,
    run_notebook,
    sha,
    vth,
)
from vth_pipeline.sample import generate_sample

SEVERAL = (2022, 2023, 2024)


@pytest.fixture(scope="module")
def several_raw(tmp_path_factory):
    raw = tmp_path_factory.mktemp("audit_several_raw")
    generate_sample(raw, years=SEVERAL, scale=0.02, seed=7)
    return raw


def cli_build(raw: Path, tmp: Path, *years: int) -> tuple[Path, Path]:
    """`vth build` as in production: the archive where VTH_ARCHIVE_DIR says (docs/deploy.md)."""
    out, warehouse, store = tmp / "out", tmp / "vth.duckdb", tmp / "archief"
    args = ["build", "--raw-dir", str(raw), "--out", str(out), "--warehouse", str(warehouse)]
    done = vth(*args, *(a for y in years for a in ("--year", str(y))), VTH_ARCHIVE_DIR=str(store))
    assert done.returncode == 0, done.stdout + done.stderr
    assert store.is_dir()
    return out, store


def links_of(html: str) -> dict[str, int]:
    names = {"prev": "vorig", "next": "volgend"}
    return {
        names[rel]: int(year)
        for rel, year in re.findall(r'<a rel="(prev|next)" href="\.\./(\d{4})/index\.html"', html)
    }


@pytest.fixture(scope="module")
def two_years(several_raw, tmp_path_factory):
    """`vth build --year 2023 --year 2024` with 2022 to 2024 delivered (2022 built unpublished)."""
    return cli_build(several_raw, tmp_path_factory.mktemp("audit_two"), 2023, 2024)


@pytest.mark.parametrize("year", [2023, 2024])
def test_verify_passes_on_each_year_of_a_build_of_several(several_raw, two_years, year):
    out, store = two_years
    folder = out / str(year)
    # by hand: the sample delivered 2022, 2023 and 2024; the report links the years beside it
    expected = {k: y for k, y in (("vorig", year - 1), ("volgend", year + 1)) if y in SEVERAL}
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert links_of(html) == expected
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["buren"] == expected
    # the earlier years' deliveries are named here: 2022 has no manifest of its own
    assert not (out / "2022").exists()
    earlier = [p for p in SEVERAL if p < year]
    on_disk = {
        p.relative_to(several_raw).as_posix(): sha(p)
        for y in earlier
        for p in (several_raw / str(y)).rglob("*")
        if p.is_file()
    }
    assert {d["pad"]: d["sha256"] for d in manifest["leveringen_vorige_jaren"]} == on_disk
    done = vth("verify", str(folder), "--archief", str(store))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1].startswith(f"verificatie geslaagd: {year}"), done.stdout


def test_verify_passes_on_one_year_built_alone(several_raw, two_years, tmp_path):
    out, store = cli_build(several_raw, tmp_path, 2023)
    assert not (out / "2022").exists() and not (out / "2024").exists()
    folder = out / "2023"
    # the same report as in the build of two years: the links do not depend on what was built
    assert sha(folder / "index.html") == sha(two_years[0] / "2023" / "index.html")
    # the archive named by VTH_ARCHIVE_DIR, as in production (docs/deploy.md), not --archief
    done = vth("verify", str(folder), VTH_ARCHIVE_DIR=str(store))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1].startswith("verificatie geslaagd: 2023"), done.stdout


def test_auditor_notebook_rederives_the_comparison_with_the_previous_year(
    several_raw, two_years, monkeypatch
):
    out_dir, _ = two_years
    out = run_notebook(monkeypatch, out_dir / "2024", several_raw)
    assert "Alle herberekende cijfers zijn gelijk aan de publicatie." in out
    tables = rederived_tables(out)
    # controles of the kern in both years, and the number of partners in it
    assert tables["vergelijking.csv"] == 3 and tables["kerncijfers.csv"] == 2, tables
