"""Models run on a few hand-made rows (`tests/model_harness.py`), answers worked out by hand
from rekenregels.md; and the harness's build from delivery files held to the real build."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import build
from tests.model_harness import build_models, run_model
from tests.test_rekenregels_v13 import (
    deliver_first_table,
    deliver_quarantined_joint,
    deliver_seveso_years,
)
from vth_pipeline.validation.results import VALIDATIE, VALIDATIE_VERWACHTINGEN


def controle(partner: str, resultaat: str, interventie: str | None = None, jaar: int = 2023):
    return {
        "jaar": jaar,
        "partner_code": partner,
        "resultaat": resultaat,
        "interventie": interventie,
    }


def test_interventies_counts_violations_per_omgevingsdienst_and_nationally():
    """rekenregels.md, interventies.csv: non-zero counts of the interventie after a violation,
    per omgevingsdienst and nationally as partner NL. By hand: ODH two waarschuwingen and one
    bestuurlijke strafbeschikking milieu (BS); RUDU one waarschuwing; controles without a
    violation and another year's violation do not count. NL: waarschuwing 3, BS 1."""
    rows = [
        controle("ODH", "overtreding", "waarschuwing"),
        controle("ODH", "overtreding", "waarschuwing"),
        controle("ODH", "overtreding", "bestuurlijke_strafbeschikking"),
        controle("ODH", "geen_overtreding"),
        controle("RUDU", "overtreding", "waarschuwing"),
        controle("RUDU", "overtreding", "waarschuwing", jaar=2022),
    ]
    got = run_model("staat_interventies", {"stg.controles": rows}, 2023)
    assert [(r["partner_code"], r["interventie"], r["aantal"]) for r in got] == [
        ("ODH", "bestuurlijke_strafbeschikking", 1),
        ("ODH", "waarschuwing", 2),
        ("RUDU", "waarschuwing", 1),
        ("NL", "bestuurlijke_strafbeschikking", 1),
        ("NL", "waarschuwing", 3),
    ]
    assert {r["jaar"] for r in got} == {2023}


def test_a_year_without_violations_has_no_interventie_rows():
    """Non-zero counts only: controles without a violation give no row at all."""
    rows = [controle("ODH", "geen_overtreding"), controle("RUDU", "geen_overtreding")]
    assert run_model("staat_interventies", {"stg.controles": rows}, 2023) == []


def test_lhso_counts_each_cell_of_the_matrix_with_violations():
    """rekenregels.md, lhso.csv: non-zero counts per (lhs_gevolg, lhs_gedrag) of violations, per
    omgevingsdienst and NL. By hand: ODH B2 twice, C3 once; RUDU B2 once. NL: B2 3, C3 1."""

    def row(partner: str, gevolg: str | None, gedrag: str | None, resultaat="overtreding"):
        return {
            "jaar": 2023,
            "partner_code": partner,
            "resultaat": resultaat,
            "lhs_gevolg": gevolg,
            "lhs_gedrag": gedrag,
        }

    rows = [
        row("ODH", "B", "2"),
        row("ODH", "B", "2"),
        row("ODH", "C", "3"),
        row("ODH", None, None, resultaat="geen_overtreding"),
        row("RUDU", "B", "2"),
    ]
    got = run_model("staat_lhso", {"stg.controles": rows}, 2023)
    assert sorted(
        (r["partner_code"], r["lhs_gevolg"], r["lhs_gedrag"], r["aantal"]) for r in got
    ) == [
        ("NL", "B", "2", 3),
        ("NL", "C", "3", 1),
        ("ODH", "B", "2", 2),
        ("ODH", "C", "3", 1),
        ("RUDU", "B", "2", 1),
    ]


# ------------------------------------------------ the harness's build against the real build

COMPARED_SCHEMAS = ("stg", "int", "staat")
# Written by the expectation suites (GX), which the harness leaves out: nothing else reads them
# but the publication.
CHECK_TABLES = {VALIDATIE, VALIDATIE_VERWACHTINGEN}


def contents(built) -> dict[str, tuple[list[tuple], list[tuple]]]:
    """Per table of the compared schemas: its columns (name, type) and every row, sorted."""
    tables = built.sql(
        "SELECT table_schema || '.' || table_name FROM information_schema.tables "
        "WHERE table_schema IN ? AND table_type = 'BASE TABLE'",
        [list(COMPARED_SCHEMAS)],
    )
    return {
        t: (
            [r[:2] for r in built.sql(f"DESCRIBE {t}")],
            built.sql(f"SELECT * FROM {t} ORDER BY ALL"),
        )
        for (t,) in tables
    }


def test_the_harness_builds_what_the_real_build_builds(tmp_path: Path):
    """The deliveries of test_rekenregels_v13 (controles and kengetallen of one partner, the
    Seveso register and inspections over four years, rows quarantined, a partner missing in
    the last year): every `stg`, `int` and `staat` table of the harness equals the real
    build's, column for column and row for row. This is what lets a test of a model read the
    harness's build instead of paying for the asset graph."""
    raw = tmp_path / "raw"
    years = [
        *deliver_quarantined_joint(raw),
        *deliver_first_table(raw),
        *deliver_seveso_years(raw),
    ]
    real = contents(
        build(tmp_path, raw, years, stages=("leveringen", "raw", "stg", "int", "staat"))
    )
    harness = contents(build_models(raw, years))
    assert set(real) - set(harness) == CHECK_TABLES
    assert set(harness) <= set(real)
    for table in sorted(harness):
        assert harness[table] == real[table], table
    assert real["stg.quarantaine"][1], "the set quarantines rows, so staging's findings compare"
