"""Models run on a few hand-made rows (`tests/model_harness.py`), answers worked out by hand
from rekenregels.md."""

from __future__ import annotations

from tests.model_harness import run_model


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
