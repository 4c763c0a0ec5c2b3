"""The audit trail: manifest.json, the archive index, `vth lineage` and the auditor's notebook.

One sample year is built twice into different folders from the same deliveries; the expected
values here come from the files themselves (hashlib, the csv module), not from the pipeline.
`vth verify` is tested in test_verify.py and test_verify_years.py.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.audit_support import (
    CHECKER,
    NOTEBOOK,
    YEAR,
    pinned,
    rederived_tables,
    run_notebook,
    sha,
    vth,
)
from tests.conftest import ROOT, build, needs_shared, shared_file, write
from tests.test_pipeline import accepted_records


@pytest.fixture(scope="module")
def second(audit_sample, tmp_path_factory):
    """A second build of the sample year into another folder: for byte-identical outputs."""
    raw, _ = audit_sample
    return build(tmp_path_factory.mktemp("audit_b"), raw, [YEAR])


def test_two_builds_give_the_same_manifest_bytes(audit_year, second):
    a = (audit_year.out / str(YEAR) / "manifest.json").read_bytes()
    b = (second.out / str(YEAR) / "manifest.json").read_bytes()
    assert audit_year.out != second.out
    assert a == b
    # and every file it lists is the same, byte for byte
    listed = json.loads(a)["uitvoer"]
    assert listed, "the manifest lists the output files"
    for f in listed:
        assert sha(audit_year.out / str(YEAR) / f["pad"]) == sha(second.out / str(YEAR) / f["pad"])


def test_bouwlog_keeps_what_differs_and_is_not_listed(audit_year):
    folder = audit_year.out / str(YEAR)
    log = json.loads((folder / "bouwlog.json").read_text(encoding="utf-8"))
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert log["runs"] and all(r["run_id"] and r["start"] for r in log["runs"])
    assert "staat_van_vth_jaar" in {r["job"] for r in log["runs"]}  # vth build: one run a year
    assert "bouwlog.json" not in {f["pad"] for f in manifest["uitvoer"]}
    assert "run_id" not in (folder / "manifest.json").read_text(encoding="utf-8")


def test_manifest_names_inputs_as_the_files_are(audit_year, audit_sample):
    raw, generated = audit_sample
    folder = audit_year.out / str(YEAR)
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
def test_the_partners_checker_passes(audit_year):
    checker = shared_file(*CHECKER)
    assert checker.is_file(), f"the partners' checker is required: {checker}"
    done = subprocess.run(
        [sys.executable, str(checker), str(audit_year.out / str(YEAR))],
        capture_output=True,
        text=True,
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


def test_reference_files_of_a_build_are_archived_and_indexed(audit_year):
    from vth_pipeline.ingest.archive import archive_path, read_index

    store = audit_year.warehouse.parent / "archief"
    indexed = {(e["pad"], e["sha256"]) for e in read_index(store) if e["soort"] == "referentie"}
    for p in (ROOT / "data" / "reference").glob("*.csv"):
        assert (p.name, sha(p)) in indexed
        assert archive_path(store, sha(p), "csv").read_bytes() == p.read_bytes()


# ----------------------------------------------------------------------- vth lineage


def lineage(built, *args: str) -> subprocess.CompletedProcess:
    """`vth lineage` of the test year on the warehouse of `built`."""
    return vth("lineage", "--year", str(YEAR), *args, "--warehouse", str(built.warehouse))


def published_national(built, figuur: str) -> str:
    with open(built.out / str(YEAR) / "tabellen" / "landelijk.csv", encoding="utf-8") as f:
        return next(r["waarde"] for r in csv.DictReader(f) if r["figuur"] == figuur)


def test_lineage_of_controles_lists_files_whose_rows_add_up(audit_year, audit_sample, tmp_path):
    _, generated = audit_sample
    table = tmp_path / "herkomst.csv"
    done = lineage(audit_year, "--figuur", "controles", "--csv", str(table))
    assert done.returncode == 0, done.stderr
    assert "staat_omgevingsdiensten.sql" in done.stdout and "Aantal controles" in done.stdout
    with open(table, encoding="utf-8") as f:
        listed = list(csv.DictReader(f))
    # independently: the files in effect, their sha256 and accepted rows, from the files
    expected = accepted_records((audit_year, generated), YEAR, "controles")
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
    assert str(total) == published_national(audit_year, "controles")


def test_lineage_row_ranges_leave_out_the_quarantined_rows(audit_year, audit_sample, tmp_path):
    _, generated = audit_sample
    bad = {(d.path, d.row) for d in generated.defects if d.gevolg == "quarantaine" and d.row}
    table = tmp_path / "herkomst.csv"
    done = lineage(audit_year, "--figuur", "controles", "--csv", str(table))
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


def test_lineage_of_a_seveso_figure_lists_the_partners_inspection_files(audit_year, audit_sample):
    _, generated = audit_sample
    done = lineage(
        audit_year,
        "--figuur",
        "seveso_geinspecteerd_pct",
    )
    assert done.returncode == 0, done.stderr
    assert "staat_seveso.sql" in done.stdout
    inspections = generated.select(jaar=YEAR, soort="seveso_inspecties", in_effect=True)
    assert len({f.partner_code for f in inspections}) > 1
    for f in inspections:
        assert f"{f.path}  sha256 {sha(Path(generated.out) / f.path)}" in done.stdout, f.path
    assert f"Landelijk: {published_national(audit_year, 'seveso_geinspecteerd_pct')}" in done.stdout


def test_lineage_of_an_unknown_figure_or_partner_is_an_error_with_the_allowed_values(audit_year):
    done = lineage(audit_year, "--figuur", "contoles")
    assert done.returncode == 2 and done.stdout == "", done.stdout
    with open(audit_year.out / str(YEAR) / "tabellen" / "landelijk.csv", encoding="utf-8") as f:
        figures = [r["figuur"] for r in csv.DictReader(f)]
    allowed = ", ".join(figures)
    assert f"onbekend cijfer 'contoles'; toegestaan (landelijk.csv, kolom figuur): {allowed}" in (
        done.stderr
    )
    done = lineage(
        audit_year,
        "--figuur",
        "controles",
        "--partner",
        "ODX",
    )
    assert done.returncode == 2 and done.stdout == "", done.stdout
    with open(ROOT / "data" / "reference" / "partners.csv", encoding="utf-8") as f:
        partners = sorted(r["partner_code"] for r in csv.DictReader(f))
    assert f"onbekende partner 'ODX'; toegestaan: {', '.join(partners)}" in done.stderr


def test_lineage_of_a_partner_whose_file_was_rejected_shows_that_file(audit_year, audit_sample):
    _, generated = audit_sample
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
            audit_year,
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


def test_lineage_lists_every_file_of_the_year_that_was_not_used_with_its_status(
    audit_year, audit_sample
):
    """Rejected and superseded files of the figure's kinds, by the generator's own record."""
    _, generated = audit_sample
    done = lineage(audit_year, "--figuur", "controles")
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


def test_report_names_its_code_and_promises_what_the_publication_shows(audit_year):
    from importlib.metadata import version

    html = (audit_year.out / str(YEAR) / "index.html").read_text(encoding="utf-8")
    footer = html[html.index("<footer>") : html.index("</footer>")]
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    assert f"vth-pipeline {version('vth-pipeline')} (commit {commit[:12]}" in footer
    assert (
        'href="manifest.json"' in footer
        and (audit_year.out / str(YEAR) / "manifest.json").is_file()
    )
    assert "vth lineage" in footer and "vth verify" in footer
    assert "Elke rij is herleidbaar" not in footer  # the old promise the files could not keep


def test_notebook_uses_no_code_of_the_package():
    import nbformat

    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "import duckdb" in code
    assert "vth_pipeline" not in code and "tests." not in code


def test_auditor_notebook_agrees_with_the_publication(audit_year, audit_sample, monkeypatch):
    raw, _ = audit_sample
    out = run_notebook(monkeypatch, audit_year.out / str(YEAR), raw)
    assert "Alle herberekende cijfers zijn gelijk aan de publicatie." in out
    # at least one figure of every published table, each equal (the folder's own list)
    published = {p.name for p in (audit_year.out / str(YEAR) / "tabellen").glob("*.csv")}
    assert len(published) >= 19
    tables = rederived_tables(out)
    assert set(tables) == published and min(tables.values()) >= 1, tables


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
    audit_year, audit_sample, monkeypatch, tmp_path
):
    from nbclient.exceptions import CellExecutionError

    raw, _ = audit_sample
    folder = with_one_more(
        audit_year, tmp_path, "omgevingsdiensten.csv", 1
    )  # a partner's controles
    with pytest.raises(CellExecutionError, match="wijkt af van de gepubliceerde tabellen"):
        run_notebook(monkeypatch, folder, raw)


def test_auditor_notebook_runs_as_the_readme_says_from_the_repository_root(
    audit_year, audit_sample, monkeypatch
):
    """`jupyter execute notebooks/auditor.ipynb` runs the kernel in notebooks/; the relative
    paths of the README (and the default reference folder) are taken from the repository root."""
    raw, _ = audit_sample
    out = run_notebook(
        monkeypatch,
        Path(os.path.relpath(audit_year.out / str(YEAR), ROOT)),
        Path(os.path.relpath(raw, ROOT)),
        kernel_dir=NOTEBOOK.parent,
        VTH_REFERENTIE=None,  # the default, data/reference
    )
    assert "Alle herberekende cijfers zijn gelijk aan de publicatie." in out


def test_auditor_notebook_fails_when_a_published_figure_is_wrong(
    audit_year, audit_sample, monkeypatch, tmp_path
):
    from nbclient.exceptions import CellExecutionError

    raw, _ = audit_sample
    folder = with_one_more(
        audit_year, tmp_path, "landelijk.csv", row_of(audit_year, "landelijk.csv", "controles")
    )
    with pytest.raises(CellExecutionError, match="wijkt af van landelijk.csv"):
        run_notebook(monkeypatch, folder, raw)
