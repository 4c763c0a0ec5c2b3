"""The whole graph on generated deliveries, checked against figures computed independently.

The expected figures are computed here from the generated files themselves (read back with the
csv module and openpyxl), leaving out exactly the rows the generator says it spoiled: no code
of the pipeline is used to compute them.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from collections import defaultdict
from fractions import Fraction
from pathlib import Path

import pytest

from tests.conftest import ROOT, build, needs_shared, shared_file
from tests.sample_reader import Table
from vth_pipeline.check import check_files
from vth_pipeline.contract.columns import FILE_KINDS
from vth_pipeline.sample import generate_sample
from vth_pipeline.sample.manifest import KLASSEN

YEARS = (2022, 2023)
PCT_COLUMNS = {
    "naleving_eerste_controle_pct",
    "hercontrole_opgelost_pct",
    "strafrechtelijk_pct",
    "controledichtheid_pct",
    "vergunningen_binnen_termijn_pct",
    "handhavingsbesluiten_in_stand_pct",
}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pipeline")
    manifest = generate_sample(tmp / "raw", years=YEARS, scale=0.02, seed=7)
    built = build(tmp, tmp / "raw", YEARS)
    return built, manifest


def published(built, year: int, name: str) -> list[dict[str, str]]:
    with open(built.out / str(year) / "tabellen" / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def pct(part: int | Fraction, whole: int | Fraction | None) -> str:
    """100 * part / whole, half to even on the exact value, one decimal; '' when undefined."""
    if whole in (None, 0) or part is None:
        return ""
    q = round(Fraction(part) * 1000 / Fraction(whole))
    return f"{q // 10}.{q % 10}"


def ratio2(num: int | Fraction, den: Fraction | None) -> str:
    if den in (None, 0):
        return ""
    q = round(Fraction(num) * 100 / Fraction(den))
    return f"{q // 100}.{q % 100:02d}"


def number(text: str) -> Fraction:
    return Fraction(text.replace(",", "."))


def accepted_records(built_manifest, year: int, soort: str) -> dict[str, list[dict]]:
    """Per partner the rows of its file in effect, without the rows the generator spoiled."""
    _, m = built_manifest
    out: dict[str, list[dict]] = {}
    for f in m.select(jaar=year, soort=soort, in_effect=True):
        bad = {d.row for d in m.defects if d.path == f.path and d.gevolg == "quarantaine"}
        table = Table(Path(m.out), f)
        out[f.partner_code] = [
            r for row_no, r in zip(table.rows, table.records(), strict=True) if row_no not in bad
        ]
    return out


def expected_od(run, year: int) -> dict[str, dict[str, str]]:
    controles = accepted_records(run, year, "controles")
    kengetallen = kengetallen_per_partner(run, year)
    result = {}
    for partner, rows in controles.items():
        res = [r["resultaat"].lower() for r in rows]
        aanl = [r["aanleiding"].lower() for r in rows]
        judged = [x in ("geen_overtreding", "overtreding") for x in res]
        first = [j and a != "hercontrole" for j, a in zip(judged, aanl, strict=True)]
        her = [a == "hercontrole" for a in aanl]
        over = [x == "overtreding" for x in res]
        straf = [
            o and r["interventie"].lower() in ("proces_verbaal", "bestuurlijke_strafbeschikking")
            for o, r in zip(over, rows, strict=True)
        ]
        k = kengetallen.get(partner, {})
        inrichtingen = len({r["inrichting_id"] for r in rows})
        result[partner] = {
            "controles": str(len(rows)),
            "controles_fysiek": str(sum(r["soort_controle"].lower() == "fysiek" for r in rows)),
            "controles_beoordeeld": str(sum(judged)),
            "controles_met_overtreding": str(sum(over)),
            "naleving_eerste_controle_pct": pct(
                sum(f and x == "geen_overtreding" for f, x in zip(first, res, strict=True)),
                sum(first),
            ),
            "hercontroles": str(sum(her)),
            "hercontrole_opgelost_pct": pct(
                sum(h and x == "geen_overtreding" for h, x in zip(her, res, strict=True)),
                sum(h and j for h, j in zip(her, judged, strict=True)),
            ),
            "ernstige_overtredingen": str(
                sum(
                    o and r["lhs_gevolg"].upper() in ("C", "D")
                    for o, r in zip(over, rows, strict=True)
                )
            ),
            "strafrechtelijk_pct": pct(sum(straf), sum(over)),
            "inrichtingen_gecontroleerd": str(inrichtingen),
            "controledichtheid_pct": pct(inrichtingen, k.get("inrichtingen_in_beheer")),
            "controles_per_fte": ratio2(len(rows), k.get("fte_toezicht_handhaving")),
            "vergunningen_binnen_termijn_pct": pct(
                k.get("vergunningbesluiten_binnen_termijn"), k.get("vergunningbesluiten")
            ),
            "handhavingsbesluiten_in_stand_pct": pct(
                k.get("handhavingsbesluiten_in_stand"), k.get("handhavingsbesluiten_getoetst")
            ),
        }
    return result


def kengetallen_per_partner(run, year: int) -> dict[str, dict[str, Fraction]]:
    """The partner-wide row when there is one, else the sum over the bevoegd gezag rows."""
    out: dict[str, dict[str, Fraction]] = {}
    for partner, rows in accepted_records(run, year, "kengetallen").items():
        wide: dict[str, Fraction] = {}
        summed: dict[str, Fraction] = defaultdict(Fraction)
        for r in rows:
            value = number(r["waarde"])
            if r.get("bevoegd_gezag", ""):
                summed[r["indicator"].lower()] += value
            else:
                wide[r["indicator"].lower()] = value
        out[partner] = {**summed, **wide}
    return out


@pytest.mark.parametrize("year", YEARS)
def test_omgevingsdiensten_match_an_independent_computation(run, year):
    built, _ = run
    got = {r["partner_code"]: r for r in published(built, year, "omgevingsdiensten.csv")}
    want = expected_od(run, year)
    assert set(got) == set(want)
    for partner, figures in want.items():
        row = {k: got[partner][k] for k in figures}
        assert row == figures, partner


@pytest.mark.parametrize("year", YEARS)
def test_landelijk_matches_an_independent_computation(run, year):
    built, _ = run
    od = expected_od(run, year)
    kg = kengetallen_per_partner(run, year)
    got = {r["figuur"]: r for r in published(built, year, "landelijk.csv")}
    n_od = 28

    def total(col: str, partners=None) -> int:
        return sum(int(od[p][col]) for p in (partners or od))

    controles = accepted_records(run, year, "controles")

    def count(pred) -> int:
        return sum(pred(r) for rows in controles.values() for r in rows)

    judged = ("geen_overtreding", "overtreding")
    want = {
        "controles": (str(total("controles")), len(od)),
        "controles_met_overtreding": (str(total("controles_met_overtreding")), len(od)),
        "naleving_eerste_controle_pct": (
            pct(
                count(
                    lambda r: (
                        r["resultaat"].lower() == "geen_overtreding"
                        and r["aanleiding"].lower() != "hercontrole"
                    )
                ),
                count(
                    lambda r: (
                        r["resultaat"].lower() in judged
                        and r["aanleiding"].lower() != "hercontrole"
                    )
                ),
            ),
            len(od),
        ),
        "inrichtingen_gecontroleerd": (str(total("inrichtingen_gecontroleerd")), len(od)),
    }
    with_beheer = [p for p in od if "inrichtingen_in_beheer" in kg.get(p, {})]
    want["controledichtheid_pct"] = (
        pct(
            total("inrichtingen_gecontroleerd", with_beheer),
            sum(kg[p]["inrichtingen_in_beheer"] for p in with_beheer),
        ),
        len(with_beheer),
    )
    both = [
        p
        for p, k in kg.items()
        if {"vergunningbesluiten", "vergunningbesluiten_binnen_termijn"} <= set(k)
        and p in od  # v1.2: only the omgevingsdiensten of the table (controles read)
    ]
    want["vergunningen_binnen_termijn_pct"] = (
        pct(
            sum(kg[p]["vergunningbesluiten_binnen_termijn"] for p in both),
            sum(kg[p]["vergunningbesluiten"] for p in both),
        ),
        len(both),
    )
    for figuur, (value, geleverd) in want.items():
        assert got[figuur]["waarde"] == value, figuur
        assert (int(got[figuur]["geleverd"]), int(got[figuur]["verwacht"])) == (geleverd, n_od)


@pytest.mark.parametrize("year", YEARS)
def test_every_file_conserves_its_rows(run, year):
    built, m = run
    rows = published(built, year, "datakwaliteit.csv")
    read = [r for r in rows if r["rijen"]]
    assert read, "no file was read"
    for r in read:
        assert int(r["rijen"]) == int(r["geaccepteerd"]) + int(r["quarantaine"]), r
    written = {f.path: f.rows for f in m.select(jaar=year, in_effect=True)}
    for r in read:
        assert int(r["rijen"]) == written[r["bestand"]], r["bestand"]


@pytest.mark.parametrize("year", YEARS)
def test_publication_has_the_contracted_shape(run, year):
    built, _ = run
    folder = built.out / str(year)
    with open(ROOT / "docs" / "spec" / "output_columns.csv", encoding="utf-8") as f:
        for spec in csv.DictReader(f):
            with open(folder / "tabellen" / spec["bestand"], encoding="utf-8") as t:
                assert spec["kolom"] in next(csv.reader(t)), spec
    assert (folder / "index.html").is_file() and (folder / "tabellen" / "tabellen.xlsx").is_file()


@needs_shared("tools", "check_publication.py")
@pytest.mark.parametrize("year", YEARS)
def test_the_partners_checker_passes_on_the_publication(run, year):
    built, _ = run
    folder = built.out / str(year)
    tool = shared_file("tools", "check_publication.py")
    # The partners' own checker: skipped, with the reason, on a clone without ../shared; its
    # absence fails in CI (VTH_REQUIRE_SHARED=1).
    assert tool.is_file(), f"{tool} ontbreekt: de publicatie kan niet worden gecontroleerd"
    done = subprocess.run([sys.executable, str(tool), str(folder)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout


QUARANTINE_CLASSES = sorted(k for k, v in KLASSEN.items() if v == "quarantaine")
FILE_STATUS = {
    "bestand_onleesbaar": "afgewezen",
    "kolom_ontbreekt": "afgewezen",
    "bestand_leeg": "afgewezen",
    "concurrerende_levering": "conflict",
    "onbekende_partner": "genegeerd",
    "onbekende_soort": "genegeerd",
    "identiek_bestand": "identiek",
    "vervangen_bestand": "vervangen",
}


@pytest.mark.parametrize("klasse", QUARANTINE_CLASSES)
def test_each_bad_row_class_is_quarantined_where_it_was_made(run, klasse):
    built, m = run
    defects = [
        d
        for d in m.defects_of(klasse)
        if d.path.split("/")[0].isdigit() and int(d.path.split("/")[0]) in YEARS
    ]
    assert defects, f"the sample has no {klasse}"
    for d in defects:
        found = built.sql(
            "SELECT regel FROM stg.quarantaine WHERE bron_bestand = ? AND bron_rij = ?",
            [d.path, d.row],
        )
        assert expected_rule(d) in {r[0] for r in found}, (d, found)


# The rule each spoiled row must get (contract/rules.py ids `<soort>.<kolom>.<check>`).
RULE_OF_CLASS = {
    "datum_ongeldig": "{soort}.datum.type",
    "datum_buiten_jaar": "{soort}.datum.datum_in_jaar",
    "code_onbekend": "{soort}.{kolom}.type",
    "verplicht_leeg": "{soort}.{kolom}.verplicht",
    "lhs_niet_leeg_zonder_overtreding": "controles.{kolom}.leeg_tenzij",
    "overtreding_zonder_lhs": "controles.{kolom}.verplicht_bij",
    "dubbel_id": "{soort}.{kolom}.uniek",
    "gemeente_niet_geldig_op_datum": "controles.bevoegd_gezag.geldig_op_datum",
    "uren_buiten_bereik": "controles.uren.maximum",
    "geen_geheel_getal": "{soort}.waarde.eenheid",
    "waarde_negatief": "{soort}.waarde.minimum",
    "decimaalkomma_bij_komma_scheiding": "{soort}.{kolom}.type",
    "te_veel_velden": "{soort}.rij.te_veel_velden",
    "indicator_niet_voor_partner": "kengetallen.indicator.voor_partner",
    "inrichting_niet_in_register": "seveso_inspecties.inrichting_id.in_register",
    "dubbel_id_landelijk": "seveso_inrichtingen.inrichting_id.landelijk_uniek",
}


def expected_rule(d) -> str:
    soort = d.path.split("/")[-1].split(".")[0].split("_20")[0]  # <soort>[_<datum>].<ext>
    return RULE_OF_CLASS[d.klasse].format(soort=soort, kolom=d.column)


def test_every_quarantine_class_has_its_rule():
    assert set(RULE_OF_CLASS) == set(QUARANTINE_CLASSES)


@pytest.mark.parametrize("klasse", sorted(FILE_STATUS))
def test_each_bad_file_class_is_recorded_with_a_reason(run, klasse):
    built, m = run
    defects = [d for d in m.defects_of(klasse) if int(d.path.split("/")[0]) in YEARS]
    if not defects:
        pytest.fail(f"the sample of {YEARS} has no {klasse}")
    for d in defects:
        final, reden = built.sql(
            "SELECT status, reden FROM staat.leveringen WHERE pad = ?", [d.path]
        )[0]
        assert final == FILE_STATUS[klasse], d
        assert reden, d


def test_integration_conflicts_and_outcome_conflicts_are_reported(run):
    built, m = run
    for d in m.defects_of("integratieconflict"):
        year = int(d.path.split("/")[0])
        assert (
            built.sql(
                "SELECT count(*) FROM staat.seveso_conflicten WHERE jaar = ? AND bron_bestand = ? "
                "AND bron_rij = ?",
                [year, d.path, d.row],
            )[0][0]
            == 1
        ), d
    conflicts = built.sql("SELECT count(*) FROM staat.uitkomsten WHERE opmerking LIKE 'conflict%'")
    assert conflicts[0][0] == 1 if m.defects_of("conflict_uitkomst") else conflicts[0][0] == 0


def test_kengetal_differences_are_reported(run):
    built, m = run
    defects = [d for d in m.defects_of("kengetal_verschil") if int(d.path.split("/")[0]) in YEARS]
    assert defects, "the sample has no kengetal difference"
    for d in defects:
        year, partner = int(d.path.split("/")[0]), d.path.split("/")[1]
        rows = built.sql(
            "SELECT verschil FROM staat.kengetallen_verschillen "
            "WHERE jaar = ? AND partner_code = ?",
            [year, partner],
        )
        assert rows and all(r[0] != 0 for r in rows), d


def checked_rows(built) -> list[dict[str, str]]:
    """The rows of the data quality table of the last year for files that were read."""
    return [
        r
        for r in published(built, YEARS[-1], "datakwaliteit.csv")
        if r["status"] in ("ingelezen", "afgewezen")
    ]


def test_vth_check_agrees_with_the_data_quality_table(run):
    """The partner self-check on every file the pipeline used in a year gives its verdict."""
    built, m = run
    rows = checked_rows(built)
    verdicts = check_files([Path(m.out) / r["bestand"] for r in rows], raw_dir=Path(m.out))
    assert_agree(rows, verdicts)


def test_vth_check_of_one_file_stages_its_kind_and_what_its_rules_read(run):
    """A check of one file stages its own kind and the kinds its rules read, not every kind:
    one file of each kind, each checked on its own beside the raw folder, still gets the
    pipeline's verdict (the inspections are judged against the register delivered beside
    them)."""
    built, m = run
    rows = checked_rows(built)
    first_of_kind = {}
    for r in rows:
        first_of_kind.setdefault(r["soort"], r)
    assert set(first_of_kind) == set(FILE_KINDS), first_of_kind
    for r in first_of_kind.values():
        verdict = check_files([Path(m.out) / r["bestand"]], raw_dir=Path(m.out))
        assert_agree([r], verdict)


def assert_agree(rows: list[dict[str, str]], verdicts) -> None:
    for r, v in zip(rows, verdicts, strict=True):
        if r["status"] == "afgewezen":
            assert v.status == "afgewezen" and v.reden == r["reden"], r["bestand"]
        else:
            assert (v.rijen, v.geaccepteerd, v.quarantaine) == (
                int(r["rijen"]),
                int(r["geaccepteerd"]),
                int(r["quarantaine"]),
            ), r["bestand"]
            assert v.ok == (r["quarantaine"] == "0")
