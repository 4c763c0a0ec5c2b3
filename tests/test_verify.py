"""`vth verify`: a published year rebuilt from the archive, and every way it can differ.

The sample year of `tests/audit_support.py` (built once per test process) is copied and spoiled
by hand; the expected lines come from the files, not from the pipeline.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

from tests.audit_support import (
    YEAR,
    copy_publication,
    flip_one_byte,
    pinned,
    sha,
    vth,
)
from tests.conftest import ROOT, build, write


def test_verify_passes_on_a_fresh_build(audit_year):
    done = vth(
        "verify",
        str(audit_year.out / str(YEAR)),
        "--archief",
        str(audit_year.warehouse.parent / "archief"),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.strip().splitlines()
    # first whether the code is the manifest's, then the verdict, last
    assert lines[0].startswith("code: dezelfde als in manifest.json"), lines
    assert lines[-1].startswith("verificatie geslaagd: 2023"), lines


def test_verify_names_an_archived_delivery_whose_bytes_changed(audit_year, tmp_path):
    folder, store = copy_publication(audit_year, tmp_path)
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
    audit_sample, tmp_path
):
    """A delivery altered after a build (same path) and built again into the same archive: the
    index then holds two sha256 for one path. The year built from the new bytes records the
    change (status gewijzigd, vorige_sha256): verify says so and passes (what the year was built
    from is archived and named). When the file changes once more after that build, the index
    holds a content the manifest does not account for: inputs changed (exit 5)."""
    source, generated = audit_sample
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


def test_verify_names_a_published_csv_that_was_changed(audit_year, tmp_path):
    folder, store = copy_publication(audit_year, tmp_path)
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
    audit_year, tmp_path
):
    folder, store = copy_publication(audit_year, tmp_path)
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


def last_package_change() -> str:
    """The newest commit that changed the package (the commits after it may touch only tests
    or docs)."""
    return subprocess.run(
        ["git", "-C", str(ROOT), "log", "-1", "--format=%H", "--", "vth_pipeline"],
        capture_output=True,
        text=True,
    ).stdout.strip()


def test_verify_says_which_files_of_the_package_changed_since_the_manifests_commit(audit_year):
    from vth_pipeline.verify import code_report

    m = json.loads((audit_year.out / str(YEAR) / "manifest.json").read_text(encoding="utf-8"))
    assert code_report(m)[0].startswith("code: dezelfde als in manifest.json")
    earlier = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", f"{last_package_change()}~1"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    log = subprocess.run(
        ["git", "-C", str(ROOT), "log", "--name-only", "--format=", f"{earlier}..HEAD"],
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


def test_verify_names_an_input_missing_from_the_archive(audit_year, tmp_path):
    folder, store = copy_publication(audit_year, tmp_path)
    m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    victim = next(d for d in m["leveringen"] if d["soort"] == "kengetallen")
    ext = victim["pad"].rsplit(".", 1)[1]
    (store / victim["sha256"][:2] / f"{victim['sha256']}.{ext}").unlink()
    done = vth("verify", str(folder), "--archief", str(store))
    assert done.returncode == 5, done.stdout
    assert f"{victim['pad']}: invoer ontbreekt in het archief" in done.stdout


def test_verify_reads_the_archive_from_vth_archive_dir(audit_year, tmp_path):
    """As docs/deploy.md sets it in production: VTH_ARCHIVE_DIR, no --archief."""
    folder, store = copy_publication(audit_year, tmp_path)
    m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    victim = next(d for d in m["leveringen"] if d["soort"] == "controles")
    archived = store / victim["sha256"][:2] / f"{victim['sha256']}.{victim['pad'].rsplit('.')[-1]}"
    archived.unlink()
    done = vth("verify", str(folder), VTH_ARCHIVE_DIR=str(store))
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 5, done.stdout + done.stderr
    # the archive it looked in is the one the variable names
    assert f"{victim['pad']}: invoer ontbreekt in het archief ({archived})" in done.stdout


def test_verify_names_a_different_code_version(audit_year):
    from vth_pipeline.verify import code_difference

    m = json.loads((audit_year.out / str(YEAR) / "manifest.json").read_text(encoding="utf-8"))
    assert code_difference(m) is None  # the code that built it is the code running
    m["code"]["git_commit"] = "0" * 40
    m["code"]["pakketten"]["duckdb"] = "0.0.1"
    note = code_difference(m)
    assert note.startswith("andere codeversie") and "git_commit" in note and "duckdb" in note


def test_verify_with_an_archive_folder_that_is_not_there_says_so_in_one_line(audit_year, tmp_path):
    """A wrong --archief: one line naming the folder and how many inputs it lacks, exit 5 (it
    was a traceback: the empty index was returned as one value where two were read)."""
    folder, _ = copy_publication(audit_year, tmp_path)
    m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    inputs = len([d for d in m["leveringen"] if d["sha256"]]) + len(m["referentie"])
    done = vth("verify", str(folder), "--archief", str(tmp_path / "elders"))
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 5, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == (
        f"  {tmp_path / 'elders'}: het archief bestaat niet, dus ontbreken alle {inputs} "
        "invoerbestanden; geef de map van het archief met --archief of VTH_ARCHIVE_DIR"
    ), done.stdout
