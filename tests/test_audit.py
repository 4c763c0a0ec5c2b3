"""The audit trail: manifest.json, the archive index, `vth verify` and `vth lineage`.

One sample year is built twice into different folders from the same deliveries; the expected
values here come from the files themselves (hashlib, the csv module), not from the pipeline.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, build, write
from vth_pipeline.sample import generate_sample

YEAR = 2023
CHECKER = ROOT.parent / "shared" / "tools" / "check_publication.py"


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
    assert {"stap_leveringen", "stap_publicatie"} <= {r["job"] for r in log["runs"]}
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
    assert m["code"]["pakketten"]["duckdb"] == "1.5.6"
    assert list(m["code"]["pakketten"]) == sorted(m["code"]["pakketten"])


def test_the_partners_checker_passes(first):
    assert CHECKER.is_file(), f"the partners' checker is required: {CHECKER}"
    done = subprocess.run(
        [sys.executable, str(CHECKER), str(first.out / str(YEAR))], capture_output=True, text=True
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
