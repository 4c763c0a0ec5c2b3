"""What stops a year (rekenregels.md v1.2, "Checks and what they stop").

One partner's inconsistent deliveries do not: the year is published, that partner's figure is
empty with the reason, it leaves the national figure, and the finding is listed. A broken
invariant does: that year is not published, the others are.
"""

from __future__ import annotations

import csv

import duckdb
from dagster_duckdb import DuckDBResource

from tests.conftest import CONTROLES_HEADER, ROOT, build, write
from vth_pipeline.cli import main
from vth_pipeline.resources import VthSettings
from vth_pipeline.runner import Runner


def deliver(raw, year: int, in_beheer: int) -> None:
    """20 controles at 7 distinct inrichtingen (I0..I6) and 2 fte."""
    rows = "".join(
        f"C{i},GM0518,I{i % 7},{year}-03-0{1 + i % 9},fysiek,programma,lucht,"
        "geen_overtreding,,,,,\n"
        for i in range(20)
    )
    write(raw / str(year) / "ODH" / "controles.csv", CONTROLES_HEADER + "\n" + rows)
    write(
        raw / str(year) / "ODH" / "kengetallen.csv",
        f"indicator,waarde\ninrichtingen_in_beheer,{in_beheer}\nfte_toezicht_handhaving,2\n",
    )


def table(out, year: int, name: str) -> list[dict[str, str]]:
    with open(out / str(year) / "tabellen" / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


REASON = (
    "controledichtheid leeg: kengetal inrichtingen_in_beheer (3) is kleiner dan het aantal "
    "gecontroleerde inrichtingen (7)"
)


def test_a_partner_inconsistency_publishes_the_year_with_that_figure_empty(tmp_path, capsys):
    raw = tmp_path / "raw"
    deliver(raw, 2022, in_beheer=50)
    deliver(raw, 2023, in_beheer=3)  # 7 inrichtingen inspected: 3 in beheer contradicts that
    out = tmp_path / "out"
    code = main(
        [
            "build",
            "--raw-dir",
            str(raw),
            "--out",
            str(out),
            "--warehouse",
            str(tmp_path / "w.duckdb"),
        ]
    )
    assert code == 0, capsys.readouterr().err
    od = {y: table(out, y, "omgevingsdiensten.csv")[0] for y in (2022, 2023)}
    assert od[2022]["controledichtheid_pct"] == "14.0"  # 7 / 50
    assert od[2022]["opmerking"] == ""
    assert od[2023]["controledichtheid_pct"] == ""
    assert od[2023]["opmerking"] == REASON
    assert od[2023]["controles_per_fte"] == "10.00"  # 20 / 2: the other figures stand
    nl = {r["figuur"]: r for r in table(out, 2023, "landelijk.csv")}
    assert (nl["controledichtheid_pct"]["waarde"], nl["controledichtheid_pct"]["geleverd"]) == (
        "",
        "0",
    )
    assert (nl["controles_per_fte"]["waarde"], nl["controles_per_fte"]["geleverd"]) == (
        "10.00",
        "1",
    )
    quality = {(r["partner_code"], r["soort"]): r for r in table(out, 2023, "datakwaliteit.csv")}
    assert quality[("ODH", "kengetallen")]["bevindingen"] == REASON
    assert quality[("ODH", "controles")]["bevindingen"] == ""
    checks = [
        (r["toets"], r["ernst"], r["uitkomst"])
        for r in table(out, 2023, "validatie.csv")
        if r["toets"] == "afstemming_inrichtingen"
    ]
    assert checks == [("afstemming_inrichtingen", "WARN", "waarschuwing")]
    assert (out / "2023" / "index.html").is_file()


def test_a_broken_invariant_stops_only_its_year(tmp_path):
    raw = tmp_path / "raw"
    deliver(raw, 2022, in_beheer=50)
    deliver(raw, 2023, in_beheer=50)
    built = build(tmp_path, raw, [2022, 2023], stages=("leveringen", "raw", "stg", "int"))
    with duckdb.connect(str(built.warehouse)) as conn:  # a code no contract allows, past staging
        conn.execute(
            "UPDATE stg.controles SET resultaat = 'overtreding', lhs_gevolg = 'B', "
            "lhs_gedrag = '2', interventie = 'ruimtevaart' WHERE jaar = 2023 AND controle_id = 'C0'"
        )
    runner = Runner(
        VthSettings(
            raw_dir=str(raw),
            out_dir=str(built.out),
            archive_dir=str(tmp_path / "archief"),
            reference_dir=str(ROOT / "data" / "reference"),
            assets_dir=str(ROOT / "assets"),
        ),
        DuckDBResource(database=str(built.warehouse)),
    )
    results = runner.build([2022, 2023], stages=("staat", "publicatie"))
    failed = [(r.job, r.year) for r in results if not r.success]
    assert failed == [("stap_staat", 2023)]
    error = next(r.error for r in results if not r.success)
    assert "[ERROR] staat_interventies / codelijsten: `interventie`" in error
    assert (built.out / "2022" / "index.html").is_file()
    assert not (built.out / "2023").exists()
    overview = (built.out / "index.html").read_text(encoding="utf-8")
    assert "2022/index.html" in overview and "2023/index.html" not in overview
