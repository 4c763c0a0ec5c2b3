"""A later delivery that is rejected or has no usable row never removes the earlier one (v1.3).

Expected values are worked out by hand from aanlevering.md ("Where files land") on deliveries
written here: which file stays in effect, what each record of a file says, and the figures.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.conftest import CONTROLES_HEADER, build, write

YEAR = 2023
GOOD = "C{n},GM0518,I{n},2023-03-05,fysiek,programma,lucht,geen_overtreding,,,,,1.5"
BAD_DATE = "C{n},GM0518,I{n},2023-13-45,fysiek,programma,lucht,geen_overtreding,,,,,1.5"


def controles(n: int, row: str = GOOD) -> str:
    return CONTROLES_HEADER + "\n" + "".join(row.format(n=i) + "\n" for i in range(n))


@pytest.fixture(scope="module")
def year(tmp_path_factory) -> tuple[Path, Path]:
    """One year with every kind of useless re-delivery, built to the publication."""
    tmp = tmp_path_factory.mktemp("superseding")
    raw = tmp / "raw"
    y = raw / str(YEAR)
    # ODH: 2 good rows, then a re-delivery of only a header
    write(y / "ODH/controles_2024-02-01.csv", controles(2))
    write(y / "ODH/controles_2024-03-01.csv", CONTROLES_HEADER + "\n")
    # ODZOB: 3 good rows, then 4 rows whose dates cannot be read (all quarantined)
    write(y / "ODZOB/controles_2024-02-01.csv", controles(3))
    write(y / "ODZOB/controles_2024-03-01.csv", controles(4, BAD_DATE))
    # ODMH: 1 good row, then a file that is no workbook, then (older still) nothing
    write(y / "ODMH/controles_2024-02-01.csv", controles(1))
    write(y / "ODMH/controles_2024-03-01.xlsx", b"geen werkmap")
    # ODRU: only a file whose rows are all quarantined: nothing in effect
    write(y / "ODRU/controles_2024-02-01.csv", controles(2, BAD_DATE))
    # ODWH: a header-only file, then (later) a good one: the later one simply holds
    write(y / "ODWH/controles_2024-02-01.csv", CONTROLES_HEADER + "\n")
    write(y / "ODWH/controles_2024-03-01.csv", controles(5))
    built = build(tmp, raw, [YEAR])
    return built, built.out / str(YEAR)


def table(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / "tabellen" / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


EXPECTED_STATUS = {
    "2023/ODH/controles_2024-02-01.csv": "in_gebruik",
    "2023/ODH/controles_2024-03-01.csv": "afgewezen",
    "2023/ODZOB/controles_2024-02-01.csv": "in_gebruik",
    "2023/ODZOB/controles_2024-03-01.csv": "afgewezen",
    "2023/ODMH/controles_2024-02-01.csv": "in_gebruik",
    "2023/ODMH/controles_2024-03-01.xlsx": "afgewezen",
    "2023/ODRU/controles_2024-02-01.csv": "afgewezen",
    "2023/ODWH/controles_2024-02-01.csv": "vervangen",
    "2023/ODWH/controles_2024-03-01.csv": "in_gebruik",
}


def test_the_earlier_delivery_stays_in_effect(year):
    _, folder = year
    got = {r["pad"]: r["status"] for r in table(folder, "leveringen.csv")}
    assert got == EXPECTED_STATUS
    controles = {r["partner_code"]: r["controles"] for r in table(folder, "omgevingsdiensten.csv")}
    # ODRU has no usable controles file: not a delivering omgevingsdienst this year
    assert controles == {"ODH": "2", "ODZOB": "3", "ODMH": "1", "ODWH": "5"}
    national = {r["figuur"]: r for r in table(folder, "landelijk.csv")}
    assert national["controles"]["waarde"] == str(2 + 3 + 1 + 5)


def test_three_records_of_a_file_agree(year):
    _, folder = year
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    in_manifest = {d["pad"]: d["status"] for d in manifest["leveringen"]}
    assert in_manifest == EXPECTED_STATUS
    quality = {(r["partner_code"], r["soort"]): r for r in table(folder, "datakwaliteit.csv")}
    assert quality["ODH", "controles"]["geleverd"] == "ja"
    assert quality["ODH", "controles"]["rijen"] == "2"
    assert quality["ODZOB", "controles"]["geaccepteerd"] == "3"
    assert quality["ODRU", "controles"]["geleverd"] == "nee"


def test_reasons_say_why_and_which_file_stayed(year):
    built, folder = year
    reasons = dict(
        built.sql(f"SELECT pad, reden FROM staat.leveringen WHERE jaar = {YEAR} ORDER BY pad")
    )
    header_only = reasons["2023/ODH/controles_2024-03-01.csv"]
    assert header_only.startswith("geen bruikbare rij")
    assert "2023/ODH/controles_2024-02-01.csv blijft van kracht" in header_only
    quarantined = reasons["2023/ODZOB/controles_2024-03-01.csv"]
    assert "geen bruikbare rij: alle 4 rijen in quarantaine" in quarantined
    assert "2023/ODZOB/controles_2024-02-01.csv blijft van kracht" in quarantined
    assert (
        "2023/ODMH/controles_2024-02-01.csv blijft van kracht"
        in (reasons["2023/ODMH/controles_2024-03-01.xlsx"])
    )
    assert "blijft van kracht" not in reasons["2023/ODRU/controles_2024-02-01.csv"]
    # the file in effect names the later delivery it stands in for
    assert "2023/ODH/controles_2024-03-01.csv" in reasons["2023/ODH/controles_2024-02-01.csv"]
    quality = {(r["partner_code"], r["soort"]): r for r in table(folder, "datakwaliteit.csv")}
    assert "blijft van kracht" in quality["ODZOB", "controles"]["reden"]


def test_findings_of_an_unusable_file_stay_for_the_partner(year):
    built, _ = year
    # 4 rows with an unreadable date: one finding each, and rows read = accepted + quarantined
    assert built.sql(
        "SELECT count(DISTINCT bron_rij) FROM stg.quarantaine "
        "WHERE bron_bestand = '2023/ODZOB/controles_2024-03-01.csv'"
    ) == [(4,)]
    assert built.sql(
        "SELECT count(*) FROM stg.controles WHERE bron_bestand LIKE '2023/ODZOB/%'"
    ) == [(3,)]


def test_vth_check_rejects_a_file_without_usable_row(tmp_path, capsys, monkeypatch):
    from vth_pipeline.cli import main

    monkeypatch.chdir(tmp_path)
    bad = write(tmp_path / "controles.csv", controles(2, BAD_DATE))
    header = write(tmp_path / "kop/controles.csv", CONTROLES_HEADER + "\n")
    for path in (bad, header):
        code = main(
            ["check", str(path), "--partner", "ODH", "--year", str(YEAR), "--soort", "controles"]
        )
        out = capsys.readouterr().out
        assert code != 0, out
        assert "AFGEWEZEN" in out and "geen bruikbare rij" in out, out


def test_bytes_changed_under_one_name_are_used_and_traced(tmp_path):
    """aanlevering.md v1.3: the newest bytes are used; both sha256 in the archive index, status
    `gewijzigd` with the previous sha256 in the manifest, a line in datakwaliteit.csv."""
    import hashlib

    from vth_pipeline.ingest.archive import read_index

    raw = tmp_path / "raw"
    path = write(raw / f"{YEAR}/ODH/controles_2024-02-01.csv", controles(2))
    first_sha = hashlib.sha256(path.read_bytes()).hexdigest()
    build(tmp_path, raw, [YEAR])
    path.write_text(controles(3), encoding="utf-8")  # same name and date, other bytes
    second_sha = hashlib.sha256(path.read_bytes()).hexdigest()
    built = build(tmp_path, raw, [YEAR])  # same warehouse and archive
    folder = built.out / str(YEAR)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    (entry,) = [d for d in manifest["leveringen"] if d["pad"].startswith(f"{YEAR}/ODH/")]
    assert (entry["status"], entry["sha256"], entry["vorige_sha256"]) == (
        "gewijzigd",
        second_sha,
        first_sha,
    )
    assert entry["geaccepteerd"] == 3  # the newest bytes count
    shas = {e["sha256"] for e in read_index(tmp_path / "archief") if e["pad"] == entry["pad"]}
    assert shas == {first_sha, second_sha}
    quality = {(r["partner_code"], r["soort"]): r for r in table(folder, "datakwaliteit.csv")}
    assert first_sha in quality["ODH", "controles"]["reden"]
    assert quality["ODH", "controles"]["geleverd"] == "ja"
    national = {r["figuur"]: r["waarde"] for r in table(folder, "landelijk.csv")}
    assert national["controles"] == "3"
    # a rebuild of the same bytes says the same: the manifest does not depend on the run
    before = (folder / "manifest.json").read_bytes()
    again = build(tmp_path, raw, [YEAR])
    assert (again.out / str(YEAR) / "manifest.json").read_bytes() == before
    # and an auditor's rebuild from the archive finds the same change
    from vth_pipeline.verify import verify

    verdict = verify(folder, tmp_path / "archief")
    assert verdict.problems == [] and verdict.rebuilt, verdict.problems
    # the same relative path in another raw folder is another delivery, not a change
    other = tmp_path / "elders"
    write(other / f"{YEAR}/ODH/controles_2024-02-01.csv", controles(2))
    elsewhere = build(
        tmp_path / "elders-bouw", other, [YEAR], archive_dir=str(tmp_path / "archief")
    )
    statuses = dict(elsewhere.sql(f"SELECT pad, status FROM staat.leveringen WHERE jaar = {YEAR}"))
    assert statuses == {entry["pad"]: "in_gebruik"}
