"""A blocking expectation stops the publication of its year only; `vth build` says why."""

from __future__ import annotations

from tests.conftest import CONTROLES_HEADER, write
from vth_pipeline.cli import main


def deliver(raw, year: int, in_beheer: int) -> None:
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


def test_blocking_failure_stops_that_year_and_the_others_build(tmp_path, capsys):
    raw = tmp_path / "raw"
    deliver(raw, 2022, in_beheer=50)
    deliver(raw, 2023, in_beheer=3)  # 7 inrichtingen inspected: density would exceed 100 %
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
    captured = capsys.readouterr()
    assert code == 1
    assert "afstemming_inrichtingen" in captured.err
    assert "niet gebouwd: 2023" in captured.err
    assert (out / "2022" / "index.html").is_file()
    assert (out / "2022" / "tabellen" / "landelijk.csv").is_file()
    assert not (out / "2023").exists()
    overview = (out / "index.html").read_text(encoding="utf-8")
    assert "2022/index.html" in overview and "2023/index.html" not in overview
