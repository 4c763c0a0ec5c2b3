"""The audit trail: manifest.json, the archive index, `vth verify` and `vth lineage`.

One sample year is built twice into different folders from the same deliveries; the expected
values here come from the files themselves (hashlib, the csv module), not from the pipeline.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, build, needs_shared, shared_file, write
from tests.test_pipeline import accepted_records
from vth_pipeline.sample import generate_sample

YEAR = 2023
CHECKER = ("tools", "check_publication.py")  # in the shared folder


def pinned(package: str) -> str:
    """The version pyproject.toml pins (what the manifest must name as installed)."""
    import tomllib

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found = [
        d.split("==")[1].split()[0] for d in deps["dependencies"] if d.startswith(package + "==")
    ]
    assert len(found) == 1, package
    return found[0]


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    raw = tmp_path_factory.mktemp("audit_raw")
    manifest = generate_sample(raw, years=(YEAR,), scale=0.02, seed=11)
    return raw, manifest


@pytest.fixture(scope="module")
def first(sample, tmp_path_factory):
    raw, _ = sample
    return build(tmp_path_factory.mktemp("audit_a"), raw, [YEAR])


@pytest.fixture(scope="module")
def second(sample, tmp_path_factory):
    raw, _ = sample
    return build(tmp_path_factory.mktemp("audit_b"), raw, [YEAR])


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_two_builds_give_the_same_manifest_bytes(first, second):
    a = (first.out / str(YEAR) / "manifest.json").read_bytes()
    b = (second.out / str(YEAR) / "manifest.json").read_bytes()
    assert first.out != second.out
    assert a == b
    # and every file it lists is the same, byte for byte
    listed = json.loads(a)["uitvoer"]
    assert listed, "the manifest lists the output files"
    for f in listed:
        assert sha(first.out / str(YEAR) / f["pad"]) == sha(second.out / str(YEAR) / f["pad"])


def test_bouwlog_keeps_what_differs_and_is_not_listed(first):
    folder = first.out / str(YEAR)
    log = json.loads((folder / "bouwlog.json").read_text(encoding="utf-8"))
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert log["runs"] and all(r["run_id"] and r["start"] for r in log["runs"])
    assert "staat_van_vth_jaar" in {r["job"] for r in log["runs"]}  # vth build: one run a year
    assert "bouwlog.json" not in {f["pad"] for f in manifest["uitvoer"]}
    assert "run_id" not in (folder / "manifest.json").read_text(encoding="utf-8")


def test_manifest_names_inputs_as_the_files_are(first, sample):
    raw, generated = sample
    folder = first.out / str(YEAR)
    m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert list(m)[:7] == [
        "jaar",
        "vorige_jaren",
        "code",
        "leveringen",
        "referentie",
        "verwachtingen",
        "uitvoer",
    ]
    assert m["jaar"] == YEAR and m["vorige_jaren"] == []
    # every file under raw/<year>/ is named with its true sha256, sorted by path
    on_disk = {
        p.relative_to(raw).as_posix(): sha(p) for p in (raw / str(YEAR)).rglob("*") if p.is_file()
    }
    assert {d["pad"]: d["sha256"] for d in m["leveringen"]} == on_disk
    assert [d["pad"] for d in m["leveringen"]] == sorted(on_disk)
    # a file read in effect: rows read = accepted + quarantined
    for d in m["leveringen"]:
        if d["rijen"] is not None:
            assert d["rijen"] == d["geaccepteerd"] + d["quarantaine"], d
    ref = ROOT / "data" / "reference"
    assert {r["pad"]: r["sha256"] for r in m["referentie"]} == {
        p.name: sha(p) for p in ref.glob("*.csv")
    }
    suites = {s["pad"]: s for s in m["verwachtingen"]}
    assert suites["expectations/stg_controles.json"]["sha256"] == sha(
        ROOT / "expectations" / "stg_controles.json"
    )
    assert suites["expectations/stg_controles.json"]["geslaagd"] > 0
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    assert m["code"]["git_commit"] == commit
    assert m["code"]["pakketten"]["duckdb"] == pinned("duckdb")
    assert list(m["code"]["pakketten"]) == sorted(m["code"]["pakketten"])


@needs_shared(*CHECKER)
def test_the_partners_checker_passes(first):
    checker = shared_file(*CHECKER)
    assert checker.is_file(), f"the partners' checker is required: {checker}"
    done = subprocess.run(
        [sys.executable, str(checker), str(first.out / str(YEAR))], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout


# ----------------------------------------------------------------------- the archive


def test_archive_index_is_append_only_and_names_the_original_path(tmp_path):
    from vth_pipeline.ingest.archive import INDEX, archive_path
    from vth_pipeline.ingest.discovery import Partner, archive, discover

    raw, store = tmp_path / "raw", tmp_path / "archief"
    partners = {"ODA": Partner("ODA", "omgevingsdienst", False)}
    first_file = write(raw / "2023/ODA/controles_2024-03-01.csv", "controle_id\n1\n")
    archive(raw, store, discover(raw, 2023, partners))
    before = (store / INDEX).read_bytes()
    lines = [json.loads(x) for x in before.decode().splitlines()]
    assert [(e["pad"], e["partner_code"], e["soort"], e["leverdatum"]) for e in lines] == [
        ("2023/ODA/controles_2024-03-01.csv", "ODA", "controles", "2024-03-01")
    ]
    assert lines[0]["sha256"] == sha(first_file) and lines[0]["eerst_gezien"]
    assert archive_path(store, sha(first_file), "csv").read_bytes() == first_file.read_bytes()

    # a later delivery and an identical copy under another name: lines are added, none rewritten
    write(raw / "2023/ODA/controles_2024-04-01.csv", "controle_id\n1\n2\n")
    write(raw / "2023/ODA/controles_2024-05-01.csv", "controle_id\n1\n")
    archive(raw, store, discover(raw, 2023, partners))
    archive(raw, store, discover(raw, 2023, partners))  # nothing new: nothing added
    after = (store / INDEX).read_bytes()
    assert after.startswith(before)
    added = [json.loads(x)["pad"] for x in after[len(before) :].decode().splitlines()]
    assert added == ["2023/ODA/controles_2024-04-01.csv", "2023/ODA/controles_2024-05-01.csv"]


def test_reference_files_of_a_build_are_archived_and_indexed(first):
    from vth_pipeline.ingest.archive import archive_path, read_index

    store = first.warehouse.parent / "archief"
    indexed = {(e["pad"], e["sha256"]) for e in read_index(store) if e["soort"] == "referentie"}
    for p in (ROOT / "data" / "reference").glob("*.csv"):
        assert (p.name, sha(p)) in indexed
        assert archive_path(store, sha(p), "csv").read_bytes() == p.read_bytes()


# ----------------------------------------------------------------------- vth verify


def lineage(built, *args: str) -> subprocess.CompletedProcess:
    """`vth lineage` of the test year on the warehouse of `built`."""
    return vth("lineage", "--year", str(YEAR), *args, "--warehouse", str(built.warehouse))


def vth(*args: str, cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "vth_pipeline.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
    )


def copy_publication(built, tmp: Path) -> tuple[Path, Path]:
    """A copy of the year folder and the archive, to spoil without touching the fixture."""
    folder = tmp / "out" / str(YEAR)
    shutil.copytree(built.out / str(YEAR), folder)
    store = tmp / "archief"
    shutil.copytree(built.warehouse.parent / "archief", store)
    return folder, store


def flip_one_byte(path: Path, at: int = -2) -> None:
    data = bytearray(path.read_bytes())
    data[at] = ord("7") if data[at] != ord("7") else ord("8")
    path.write_bytes(bytes(data))


def test_verify_passes_on_a_fresh_build(first):
    done = vth(
        "verify", str(first.out / str(YEAR)), "--archief", str(first.warehouse.parent / "archief")
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.strip().splitlines()
    # first whether the code is the manifest's, then the verdict, last
    assert lines[0].startswith("code: dezelfde als in manifest.json"), lines
    assert lines[-1].startswith("verificatie geslaagd: 2023"), lines


def test_verify_names_an_archived_delivery_whose_bytes_changed(first, tmp_path):
    folder, store = copy_publication(first, tmp_path)
    m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    victim = next(d for d in m["leveringen"] if d["status"] == "in_gebruik")
    archived = (
        store / victim["sha256"][:2] / f"{victim['sha256']}.{victim['pad'].rsplit('.', 1)[1]}"
    )
    flip_one_byte(archived)
    done = vth("verify", str(folder), "--archief", str(store))
    assert done.returncode == 5, done.stdout  # inputs missing or changed
    assert "MISLUKT" in done.stdout
    assert f"{victim['pad']}: invoer in het archief gewijzigd" in done.stdout


def test_verify_reports_a_delivery_changed_under_its_name_and_rebuilt_into_the_same_archive(
    sample, tmp_path
):
    """A delivery altered after a build (same path) and built again into the same archive: the
    index then holds two sha256 for one path. The year built from the new bytes records the
    change (status gewijzigd, vorige_sha256): verify says so and passes (what the year was built
    from is archived and named). When the file changes once more after that build, the index
    holds a content the manifest does not account for: inputs changed (exit 5)."""
    source, generated = sample
    raw, store = tmp_path / "raw", tmp_path / "archief"
    shutil.copytree(source, raw)
    build(tmp_path / "eerst", raw, [YEAR], stages=("leveringen",), archive_dir=str(store))
    victim = next(
        f.path
        for f in generated.select(jaar=YEAR, soort="controles", in_effect=True)
        if f.path.endswith(".csv")
    )
    before = sha(raw / victim)
    lines = (raw / victim).read_bytes().splitlines(keepends=True)
    (raw / victim).write_bytes(b"".join(lines[:-1]))  # the last row taken out
    after = sha(raw / victim)
    assert before != after
    rebuilt = build(tmp_path / "tweede", raw, [YEAR], archive_dir=str(store))
    done = vth("verify", str(rebuilt.out / str(YEAR)), "--archief", str(store))
    assert done.returncode == 0, done.stdout  # the recorded change is what it was built from
    note = next(x for x in done.stdout.splitlines() if x.startswith(f"  let op: {victim}: "))
    assert "twee inhouden onder één pad in het archief" in note, note
    assert f"manifest.json noemt sha256 {after}" in note and f"ook sha256 {before}" in note
    assert "status gewijzigd" in note, note
    # changed once more, seen by a later build into the same archive: not in the manifest
    (raw / victim).write_bytes(b"".join(lines[:-2]))
    build(tmp_path / "derde", raw, [YEAR], stages=("leveringen",), archive_dir=str(store))
    done = vth("verify", str(rebuilt.out / str(YEAR)), "--archief", str(store))
    assert done.returncode == 5, done.stdout  # inputs missing or changed
    assert "invoer ontbreekt of is gewijzigd" in done.stdout
    line = next(x for x in done.stdout.splitlines() if x.startswith(f"  {victim}: "))
    assert f"ook sha256 {sha(raw / victim)}" in line and "niet vermeld in manifest.json" in line


def test_verify_names_a_published_csv_that_was_changed(first, tmp_path):
    folder, store = copy_publication(first, tmp_path)
    flip_one_byte(folder / "tabellen" / "landelijk.csv")
    done = vth("verify", str(folder), "--archief", str(store))
    assert done.returncode == 1, done.stdout
    assert "tabellen/landelijk.csv: gepubliceerd bestand gewijzigd" in done.stdout


def rewrite_listed(folder: Path, pad: str) -> None:
    """Make manifest.json agree with the file at `pad` as it now is."""
    path = folder / "manifest.json"
    m = json.loads(path.read_text(encoding="utf-8"))
    for f in m["uitvoer"]:
        if f["pad"] == pad:
            f["sha256"] = sha(folder / pad)
    path.write_text(json.dumps(m, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def test_verify_names_the_cell_that_differs_even_when_the_manifest_was_made_to_agree(
    first, tmp_path
):
    folder, store = copy_publication(first, tmp_path)
    table = folder / "tabellen" / "landelijk.csv"
    with open(table, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    at = next(i for i, r in enumerate(rows) if r[0] == "controles")
    true_value = rows[at][1]
    rows[at][1] = str(int(true_value) + 1)
    with open(table, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    rewrite_listed(folder, "tabellen/landelijk.csv")
    done = vth("verify", str(folder), "--archief", str(store))
    assert done.returncode == 4, done.stdout  # figures differ
    lines = done.stdout.splitlines()
    assert lines[0].startswith("code: "), lines
    assert "cijfers wijken af" in done.stdout
    cell = f"  tabellen/landelijk.csv controles: {int(true_value) + 1} → {true_value}"
    assert cell in lines, done.stdout
    # the cell comes before any other file
    verdict_at = next(i for i, x in enumerate(lines) if x.startswith("verificatie MISLUKT"))
    assert lines[verdict_at + 1] == cell, lines


def test_verify_tells_figures_from_presentation(tmp_path):
    """compare_outputs and the exit codes, on files made here (no rebuild)."""
    from vth_pipeline.verify import PRESENTATION, Verdict, compare_outputs

    published, rebuilt = tmp_path / "gepubliceerd", tmp_path / "herbouwd"
    body = "figuur,waarde,geleverd\ncontroles,11722,25\nhercontroles,300,25\n"
    write(published / "tabellen/landelijk.csv", body)
    write(rebuilt / "tabellen/landelijk.csv", body.replace("\n", "\r\n"))  # same cells
    write(published / "figuren/kaart.png", b"\x89PNG one")
    write(rebuilt / "figuren/kaart.png", b"\x89PNG two")
    write(published / "index.html", "<p>een</p>")
    write(rebuilt / "index.html", "<p>twee</p>")
    manifest = {
        "uitvoer": [
            {"pad": p, "sha256": sha(published / p)}
            for p in ("figuren/kaart.png", "index.html", "tabellen/landelijk.csv")
        ]
    }
    found = compare_outputs(rebuilt, manifest, None, published)
    assert [(p.pad, p.soort) for p in found] == [
        ("tabellen/landelijk.csv", "presentatie"),
        ("index.html", "presentatie"),
        ("figuren/kaart.png", "presentatie"),  # images last
    ]
    verdict = Verdict(2023, found, rebuilt=True)
    assert verdict.exit_code == PRESENTATION == 3
    assert "alleen presentatie" in verdict.line()

    write(rebuilt / "tabellen/landelijk.csv", body.replace("11722", "11723").replace("300,", "3,"))
    found = compare_outputs(rebuilt, manifest, None, published)
    assert [str(p) for p in found if p.soort == "cijfers"] == [
        "tabellen/landelijk.csv controles: 11722 → 11723",
        "tabellen/landelijk.csv hercontroles: 300 → 3",
    ]
    assert Verdict(2023, found, rebuilt=True).exit_code == 4


def test_verify_says_which_files_of_the_package_changed_since_the_manifests_commit(first):
    from vth_pipeline.verify import code_report

    m = json.loads((first.out / str(YEAR) / "manifest.json").read_text(encoding="utf-8"))
    assert code_report(m)[0].startswith("code: dezelfde als in manifest.json")
    earlier = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "HEAD~3"], capture_output=True, text=True
    ).stdout.strip()
    log = subprocess.run(
        ["git", "-C", str(ROOT), "log", "--name-only", "--format=", "HEAD~3..HEAD"],
        capture_output=True,
        text=True,
    ).stdout.split()
    status = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain"], capture_output=True, text=True
    ).stdout.splitlines()
    touched = set(log) | {x[3:] for x in status}
    assert any(p.startswith("vth_pipeline/") for p in touched), "the package changed"
    m["code"]["git_commit"] = earlier
    m["code"]["pakketten"]["duckdb"] = "0.0.1"
    lines = code_report(m)
    assert lines[0].startswith(f"code: NIET dezelfde als in manifest.json: git_commit {earlier}")
    assert f"  pakketten: duckdb 0.0.1 → {pinned('duckdb')}" in lines
    changed = next(x for x in lines if x.startswith(f"  gewijzigd sinds commit {earlier[:12]}"))
    named = changed.split(": ", 1)[1].split(" en ")[0].split(", ")
    assert named and set(named) <= touched, (named, touched)
    m["code"]["git_commit"] = "0" * 40  # not in this clone
    assert any("kan git hier niet zeggen" in x for x in code_report(m))


# ------------------------------------------- verify with neighbouring years (links in index.html)

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


# ----------------------------------------------------------------------- vth lineage


def published_national(built, figuur: str) -> str:
    with open(built.out / str(YEAR) / "tabellen" / "landelijk.csv", encoding="utf-8") as f:
        return next(r["waarde"] for r in csv.DictReader(f) if r["figuur"] == figuur)


def test_lineage_of_controles_lists_files_whose_rows_add_up(first, sample, tmp_path):
    _, generated = sample
    table = tmp_path / "herkomst.csv"
    done = lineage(first, "--figuur", "controles", "--csv", str(table))
    assert done.returncode == 0, done.stderr
    assert "staat_omgevingsdiensten.sql" in done.stdout and "Aantal controles" in done.stdout
    with open(table, encoding="utf-8") as f:
        listed = list(csv.DictReader(f))
    # independently: the files in effect, their sha256 and accepted rows, from the files
    expected = accepted_records((first, generated), YEAR, "controles")
    files = {
        f.partner_code: f for f in generated.select(jaar=YEAR, soort="controles", in_effect=True)
    }
    assert {r["partner_code"]: r["bestand"] for r in listed} == {
        p: f.path for p, f in files.items()
    }
    for r in listed:
        assert r["sha256"] == sha(Path(generated.out) / r["bestand"])
        assert int(r["rijen"]) == len(expected[r["partner_code"]]), r
        assert r["bestand"] in done.stdout and r["sha256"] in done.stdout
    total = sum(int(r["rijen"]) for r in listed)
    assert total == sum(len(rows) for rows in expected.values())
    assert str(total) == published_national(first, "controles")


def test_lineage_row_ranges_leave_out_the_quarantined_rows(first, sample, tmp_path):
    _, generated = sample
    bad = {(d.path, d.row) for d in generated.defects if d.gevolg == "quarantaine" and d.row}
    table = tmp_path / "herkomst.csv"
    done = lineage(first, "--figuur", "controles", "--csv", str(table))
    assert done.returncode == 0, done.stderr
    with open(table, encoding="utf-8") as f:
        for r in csv.DictReader(f):
            rows = set()
            for part in r["rijbereiken"].split(", "):
                lo, _, hi = part.partition("-")
                rows |= set(range(int(lo), int(hi or lo) + 1))
            assert len(rows) == int(r["rijen"])
            assert not {row for path, row in bad if path == r["bestand"]} & rows
            for path, row in bad:
                if path == r["bestand"]:
                    assert f"rij {row}" in done.stdout or f", {row}" in done.stdout


def test_lineage_of_a_seveso_figure_lists_the_partners_inspection_files(first, sample):
    _, generated = sample
    done = lineage(
        first,
        "--figuur",
        "seveso_geinspecteerd_pct",
    )
    assert done.returncode == 0, done.stderr
    assert "staat_seveso.sql" in done.stdout
    inspections = generated.select(jaar=YEAR, soort="seveso_inspecties", in_effect=True)
    assert len({f.partner_code for f in inspections}) > 1
    for f in inspections:
        assert f"{f.path}  sha256 {sha(Path(generated.out) / f.path)}" in done.stdout, f.path
    assert f"Landelijk: {published_national(first, 'seveso_geinspecteerd_pct')}" in done.stdout


def test_lineage_of_an_unknown_figure_or_partner_is_an_error_with_the_allowed_values(first):
    done = lineage(first, "--figuur", "contoles")
    assert done.returncode == 2 and done.stdout == "", done.stdout
    with open(first.out / str(YEAR) / "tabellen" / "landelijk.csv", encoding="utf-8") as f:
        figures = [r["figuur"] for r in csv.DictReader(f)]
    allowed = ", ".join(figures)
    assert f"onbekend cijfer 'contoles'; toegestaan (landelijk.csv, kolom figuur): {allowed}" in (
        done.stderr
    )
    done = lineage(
        first,
        "--figuur",
        "controles",
        "--partner",
        "ODX",
    )
    assert done.returncode == 2 and done.stdout == "", done.stdout
    with open(ROOT / "data" / "reference" / "partners.csv", encoding="utf-8") as f:
        partners = sorted(r["partner_code"] for r in csv.DictReader(f))
    assert f"onbekende partner 'ODX'; toegestaan: {', '.join(partners)}" in done.stderr


def test_lineage_of_a_partner_whose_file_was_rejected_shows_that_file(first, sample):
    _, generated = sample
    rejected = [
        d
        for d in generated.defects
        if d.row is None
        and d.gevolg == "afgewezen"
        and Path(d.path).name.startswith("controles")
        and d.path.startswith(f"{YEAR}/")
    ]
    assert rejected, "the sample has a rejected controles file"
    for d in rejected:
        partner = d.path.split("/")[1]
        done = lineage(
            first,
            "--figuur",
            "controles",
            "--partner",
            partner,
        )
        assert done.returncode == 0, done.stderr
        section = done.stdout.split("Bijdrage per partner")[1].split("Niet meegeteld")[0]
        assert f"  {partner}: " in section, done.stdout
        line = (
            f"    {d.path}  sha256 {sha(Path(generated.out) / d.path)}  niet gebruikt (afgewezen: "
        )
        assert line in section, section


def test_lineage_lists_every_file_of_the_year_that_was_not_used_with_its_status(first, sample):
    """Rejected and superseded files of the figure's kinds, by the generator's own record."""
    _, generated = sample
    done = lineage(first, "--figuur", "controles")
    assert done.returncode == 0, done.stderr
    section = done.stdout.split("Bestanden van dit jaar die niet zijn gebruikt")[1]
    section = section.split("\n\n")[0]
    with open(ROOT / "data" / "reference" / "partners.csv", encoding="utf-8") as f:
        partners = {r["partner_code"] for r in csv.DictReader(f)}
    unused = [  # a file in the folder of no partner is no delivery (genegeerd), not listed
        f
        for f in generated.select(jaar=YEAR, soort="controles", in_effect=False)
        if f.partner_code in partners
    ]
    assert unused, "the sample has rejected or superseded controles files"
    for f in unused:
        assert re.search(
            rf"^  {re.escape(f.path)} \((afgewezen|vervangen|conflict|identiek): ", section, re.M
        ), (f.path, section)
    shown = re.findall(r"^  (\S+) \(", section, re.M)
    assert len(shown) == len(set(shown))


# ----------------------------------------------------------------------- Dagster versions


def test_every_asset_has_a_code_version_that_follows_its_sql():
    from vth_pipeline.definitions import defs
    from vth_pipeline.defs.side_tables import SIDE_TABLES
    from vth_pipeline.sql import sql_version

    graph = defs.resolve_asset_graph()
    computed = [k for k in graph.get_all_asset_keys() if graph.get(k).is_executable]
    versions = {k.to_user_string(): graph.get(k).code_version for k in computed}
    assert all(versions.values()), [k for k, v in versions.items() if not v]
    # only the side tables are not computed by an asset of their own (defs/side_tables.py)
    external = {k.path[-1] for k in graph.get_all_asset_keys() if not graph.get(k).is_executable}
    assert external == {t.key for t in SIDE_TABLES.values()}
    # SQL assets differ by their SQL; the asset's version moves with it
    assert versions["staat_lhso"] != versions["staat_interventies"]
    assert sql_version("staat_lhso") != sql_version("staat_interventies")


def _leveringen_and_raw(tmp: Path, raw: Path):
    """One real materialisation of the leveringen and raw stages; their events by asset."""
    from dagster import DagsterInstance
    from dagster_duckdb import DuckDBResource

    from vth_pipeline.definitions import make_definitions
    from vth_pipeline.resources import VthSettings
    from vth_pipeline.runner import QUIET

    defs = make_definitions(
        VthSettings(
            raw_dir=str(raw),
            out_dir=str(tmp / "out"),
            archive_dir=str(tmp / "archief"),
            reference_dir=str(ROOT / "data" / "reference"),
        ),
        DuckDBResource(database=str(tmp / "vth.duckdb")),
    )
    instance = DagsterInstance.ephemeral()
    events = {}
    for job, key in (("referentiedata", None), ("stap_leveringen", "2023"), ("stap_raw", "2023")):
        result = defs.resolve_job_def(job).execute_in_process(
            instance=instance, partition_key=key, run_config=QUIET
        )
        for e in result.get_asset_materialization_events():
            events[e.materialization.asset_key.to_user_string()] = e.materialization
    return events


def test_data_versions_follow_the_files_in_effect_and_tables_carry_standard_metadata(tmp_path):
    from tests.conftest import CONTROLES_HEADER

    raw = tmp_path / "raw"
    row = "C1,GM0363,I1,2023-03-01,fysiek,regulier,milieu,geen_overtreding,,,geen,nee,2"
    write(raw / "2023/ODA/controles.csv", f"{CONTROLES_HEADER}\n{row}\n")
    first = _leveringen_and_raw(tmp_path / "a", raw)
    again = _leveringen_and_raw(tmp_path / "b", raw)
    write(raw / "2023/ODA/controles_2024-04-01.csv", f"{CONTROLES_HEADER}\n{row}\n{row[:-1]}3\n")
    later = _leveringen_and_raw(tmp_path / "c", raw)

    def version(events, key):
        return events[key].tags["dagster/data_version"]

    for key in ("meta_leveringen", "raw_controles"):
        assert version(first, key) == version(again, key)  # same files: same version
        assert version(first, key) != version(later, key)  # a new delivery: stale downstream
    # a kind without any file keeps its version when controles change
    assert version(first, "raw_kengetallen") == version(later, "raw_kengetallen")
    meta = later["raw_controles"].metadata
    assert meta["dagster/table_name"].value == "raw.controles"
    # every candidate is read (v1.3: a later delivery without a usable row leaves the earlier
    # one in effect): the new file's 2 rows and the superseded file's 1
    assert meta["dagster/row_count"].value == 3
    names = [c.name for c in meta["dagster/column_schema"].value.columns]
    assert {"bron_bestand", "bron_rij", "controle_id"} <= set(names)


# ----------------------------------------------------------------------- the report's footer


def test_report_names_its_code_and_promises_what_the_publication_shows(first):
    from importlib.metadata import version

    html = (first.out / str(YEAR) / "index.html").read_text(encoding="utf-8")
    footer = html[html.index("<footer>") : html.index("</footer>")]
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    assert f"vth-pipeline {version('vth-pipeline')} (commit {commit[:12]}" in footer
    assert 'href="manifest.json"' in footer and (first.out / str(YEAR) / "manifest.json").is_file()
    assert "vth lineage" in footer and "vth verify" in footer
    assert "Elke rij is herleidbaar" not in footer  # the old promise the files could not keep


# ----------------------------------------------------------------------- the auditor's notebook

NOTEBOOK = ROOT / "notebooks" / "auditor.ipynb"


def run_notebook(monkeypatch, publication: Path, raw: Path, kernel_dir: Path = ROOT, **env):
    """Execute the notebook as an auditor would (nbclient, a real kernel), set by env vars."""
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.setenv("VTH_PUBLICATIE", str(publication))
    monkeypatch.setenv("VTH_RAW_DIR", str(raw))
    monkeypatch.setenv("VTH_REFERENTIE", str(ROOT / "data" / "reference"))
    for name, value in env.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(kernel_dir)}}
    ).execute()
    return "\n".join(
        o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
    )


def test_notebook_uses_no_code_of_the_package():
    import nbformat

    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "import duckdb" in code
    assert "vth_pipeline" not in code and "tests." not in code


def rederived_tables(out: str) -> dict[str, int]:
    """`<tabel> <n> cijfer(s) nagerekend, <n> gelijk` lines of the notebook: table -> n."""
    return {
        t: int(n)
        for t, n, same in re.findall(
            r"^(\S+\.csv) +(\d+) cijfer\(s\) nagerekend, +(\d+)", out, re.M
        )
        if n == same
    }


def test_auditor_notebook_agrees_with_the_publication(first, sample, monkeypatch):
    raw, _ = sample
    out = run_notebook(monkeypatch, first.out / str(YEAR), raw)
    assert "Alle herberekende cijfers zijn gelijk aan de publicatie." in out
    # at least one figure of every published table, each equal (the folder's own list)
    published = {p.name for p in (first.out / str(YEAR) / "tabellen").glob("*.csv")}
    assert len(published) >= 19
    tables = rederived_tables(out)
    assert set(tables) == published and min(tables.values()) >= 1, tables


def test_auditor_notebook_rederives_the_comparison_with_the_previous_year(
    several_raw, two_years, monkeypatch
):
    out_dir, _ = two_years
    out = run_notebook(monkeypatch, out_dir / "2024", several_raw)
    assert "Alle herberekende cijfers zijn gelijk aan de publicatie." in out
    tables = rederived_tables(out)
    # controles of the kern in both years, and the number of partners in it
    assert tables["vergelijking.csv"] == 3 and tables["kerncijfers.csv"] == 2, tables


def open_table(built, name: str):
    return open(built.out / str(YEAR) / "tabellen" / name, encoding="utf-8", newline="")


def row_of(built, name: str, key: str) -> int:
    with open_table(built, name) as f:
        return next(i for i, r in enumerate(csv.reader(f)) if r[0] == key)


def with_one_more(built, tmp: Path, name: str, row: int) -> Path:
    """A copy of the year whose table `name` has 1 added to the first figure of row `row`."""
    folder = tmp / "out" / str(YEAR)
    shutil.copytree(built.out / str(YEAR), folder)
    with open_table(built, name) as f:
        rows = list(csv.reader(f))
    rows[row][1] = str(int(rows[row][1]) + 1)
    with open(folder / "tabellen" / name, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    return folder


def test_auditor_notebook_fails_when_a_cell_of_another_table_is_wrong(
    first, sample, monkeypatch, tmp_path
):
    from nbclient.exceptions import CellExecutionError

    raw, _ = sample
    folder = with_one_more(first, tmp_path, "omgevingsdiensten.csv", 1)  # a partner's controles
    with pytest.raises(CellExecutionError, match="wijkt af van de gepubliceerde tabellen"):
        run_notebook(monkeypatch, folder, raw)


def test_auditor_notebook_runs_as_the_readme_says_from_the_repository_root(
    first, sample, monkeypatch
):
    """`jupyter execute notebooks/auditor.ipynb` runs the kernel in notebooks/; the relative
    paths of the README (and the default reference folder) are taken from the repository root."""
    raw, _ = sample
    out = run_notebook(
        monkeypatch,
        Path(os.path.relpath(first.out / str(YEAR), ROOT)),
        Path(os.path.relpath(raw, ROOT)),
        kernel_dir=NOTEBOOK.parent,
        VTH_REFERENTIE=None,  # the default, data/reference
    )
    assert "Alle herberekende cijfers zijn gelijk aan de publicatie." in out


def test_auditor_notebook_fails_when_a_published_figure_is_wrong(
    first, sample, monkeypatch, tmp_path
):
    from nbclient.exceptions import CellExecutionError

    raw, _ = sample
    folder = with_one_more(
        first, tmp_path, "landelijk.csv", row_of(first, "landelijk.csv", "controles")
    )
    with pytest.raises(CellExecutionError, match="wijkt af van landelijk.csv"):
        run_notebook(monkeypatch, folder, raw)


def test_verify_names_an_input_missing_from_the_archive(first, tmp_path):
    folder, store = copy_publication(first, tmp_path)
    m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    victim = next(d for d in m["leveringen"] if d["soort"] == "kengetallen")
    ext = victim["pad"].rsplit(".", 1)[1]
    (store / victim["sha256"][:2] / f"{victim['sha256']}.{ext}").unlink()
    done = vth("verify", str(folder), "--archief", str(store))
    assert done.returncode == 5, done.stdout
    assert f"{victim['pad']}: invoer ontbreekt in het archief" in done.stdout


def test_verify_reads_the_archive_from_vth_archive_dir(first, tmp_path):
    """As docs/deploy.md sets it in production: VTH_ARCHIVE_DIR, no --archief."""
    folder, store = copy_publication(first, tmp_path)
    m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    victim = next(d for d in m["leveringen"] if d["soort"] == "controles")
    archived = store / victim["sha256"][:2] / f"{victim['sha256']}.{victim['pad'].rsplit('.')[-1]}"
    archived.unlink()
    done = vth("verify", str(folder), VTH_ARCHIVE_DIR=str(store))
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 5, done.stdout + done.stderr
    # the archive it looked in is the one the variable names
    assert f"{victim['pad']}: invoer ontbreekt in het archief ({archived})" in done.stdout


def test_verify_names_a_different_code_version(first):
    from vth_pipeline.verify import code_difference

    m = json.loads((first.out / str(YEAR) / "manifest.json").read_text(encoding="utf-8"))
    assert code_difference(m) is None  # the code that built it is the code running
    m["code"]["git_commit"] = "0" * 40
    m["code"]["pakketten"]["duckdb"] = "0.0.1"
    note = code_difference(m)
    assert note.startswith("andere codeversie") and "git_commit" in note and "duckdb" in note
