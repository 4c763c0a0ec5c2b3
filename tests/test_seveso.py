"""Integrated Seveso figures on record-level data whose national figures are known by construction.

The 2021 data reproduce the figures published for 2021 (408 active establishments, 451
integrated inspections, 388 establishments inspected, 154 of them without violations), with the
partner rows split over the Seveso-omgevingsdiensten (CSV with `;`), the NLA (XLSX) and the
veiligheidsregio's (CSV in Windows-1252), plus every complication the contract names.

Every test reads `stg`, `int`, `staat` or `meta.inlezing` tables only: the deliveries are built
by the model harness (`tests.model_harness.build_models`), which `tests/test_models.py` holds
to the real build.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
import xlsxwriter

from tests.conftest import ROOT, write
from tests.model_harness import build_models
from vth_pipeline.contract.columns import FILE_KINDS
from vth_pipeline.defs.models import SEVESO_NOT_FIGURES
from vth_pipeline.sample.seveso import SEVESO_OD

REGION_OD = SEVESO_OD  # which Seveso-omgevingsdienst supervises a provincie's establishments
INSP_HEADER = list(FILE_KINDS["seveso_inspecties"].column_names)
REG_HEADER = list(FILE_KINDS["seveso_inrichtingen"].column_names)


def gemeenten_2021() -> dict[str, list[tuple[str, str]]]:
    """Per provincie the (gm_code, vr_code) of gemeenten valid for the whole of 2021-2023."""
    out: dict[str, list[tuple[str, str]]] = {}
    with open(ROOT / "data" / "reference" / "gemeenten.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if not r["geldig_van"] and not r["geldig_tot"]:
                out.setdefault(r["provincie_code"], []).append((r["gm_code"], r["vr_code"]))
    return out


def register(year: int) -> list[dict]:
    """408 active establishments, one stopping in June and one starting in March."""
    gm = gemeenten_2021()
    provs = sorted(gm)
    rows = []
    for i in range(1, 411):
        pv = provs[i % len(provs)]
        code, vr = gm[pv][i % len(gm[pv])]
        rows.append(
            {
                "inrichting_id": f"S{i:04d}",
                "naam": f"Bedrijf {i} – Chemie",
                "drempel": "hoog" if i <= 170 else "laag",
                "gemeente": code,
                "omgevingsdienst": REGION_OD[pv],
                "veiligheidsregio": vr,
                "actief_vanaf": "2000-01-01",
                "actief_tot": "",
                "provincie": pv,
            }
        )
    rows[408]["actief_tot"] = f"{year}-06-30"  # S0409 stopped in June
    rows[409]["actief_vanaf"] = f"{year}-03-01"  # S0410 started in March
    return rows


def inspections_2021(reg: list[dict]) -> tuple[list[dict], dict]:
    """Partner rows for 451 integrated inspections at 388 establishments, 154 without violations.

    Returns the rows (with `partner`) and the expected figures computed while building.
    """
    by_id = {r["inrichting_id"]: r for r in reg}
    targets = [f"S{i:04d}" for i in range(1, 389)] + [f"S{i:04d}" for i in range(1, 64)]
    rows: list[dict] = []
    expected = {"nla": 0, "vr": 0, "onaangekondigd": 0, "cat": [0, 0, 0], "alleen_cat3": set()}
    for k, inr in enumerate(targets, start=1):
        est = by_id[inr]
        number = int(inr[1:])
        partners = [est["omgevingsdienst"]]
        if k % 7 != 0:  # every seventh inspection is by the omgevingsdienst alone
            if k % 3 != 0:
                partners.append("NLA")
            if k % 5 != 0:
                partners.append(est["veiligheidsregio"])
        joint = f"GI-2021-{k:04d}" if len(partners) > 1 else ""
        clean = number <= 154
        only3 = not clean and number % 4 == 0
        for j, partner in enumerate(partners):
            c1 = c2 = c3 = 0
            if not clean and j == 0:
                c3 = 1 + k % 2
                if not only3:
                    c2 = 1
                    c1 = 1 if k % 50 == 0 else 0
            for c, v in enumerate((c1, c2, c3)):
                expected["cat"][c] += v
            rows.append(
                {
                    "partner": partner,
                    "inspectie_id": f"{partner}-{k:04d}",
                    "inrichting_id": inr,
                    "datum": f"2021-{1 + k % 12:02d}-{1 + k % 27:02d}",
                    "gezamenlijke_inspectie_id": joint,
                    "type": "onaangekondigd"
                    if (k % 4 == 0 and j == len(partners) - 1)
                    else "regulier",
                    "overtredingen_cat1": c1,
                    "overtredingen_cat2": c2,
                    "overtredingen_cat3": c3,
                    "handhaving": ("waarschuwing" if c1 + c2 + c3 else "geen")
                    if k % 40
                    else "last_onder_dwangsom",
                }
            )
        expected["nla"] += "NLA" in partners
        expected["vr"] += any(p.startswith("VR") for p in partners)
        expected["onaangekondigd"] += k % 4 == 0
        if only3:
            expected["alleen_cat3"].add(inr)
    # Left out of the figures: an inspection at the establishment that stopped in June, and a
    # conflict (same joint id, different dates) at an active establishment.
    stop = by_id["S0409"]
    rows.append(
        {
            **rows[0],
            "partner": stop["omgevingsdienst"],
            "inspectie_id": "STOP-1",
            "inrichting_id": "S0409",
            "gezamenlijke_inspectie_id": "",
            "datum": "2021-03-01",
        }
    )
    conflict = by_id["S0400"]
    for partner, day in ((conflict["omgevingsdienst"], "2021-05-01"), ("NLA", "2021-05-02")):
        rows.append(
            {
                **rows[0],
                "partner": partner,
                "inspectie_id": f"CONF-{partner}",
                "inrichting_id": "S0400",
                "gezamenlijke_inspectie_id": "GI-CONFLICT",
                "datum": day,
            }
        )
    # The same joint inspection delivered twice by the NLA: both rows quarantined.
    rows.append(
        {
            **rows[0],
            "partner": "NLA",
            "inspectie_id": "NLA-DUP",
            "inrichting_id": "S0399",
            "gezamenlijke_inspectie_id": "GI-DUP",
        }
    )
    rows.append({**rows[-1]})
    return rows, expected


def write_csv(path: Path, header: list[str], rows: list[dict], sep: str, encoding: str) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\r\n")
    w.writerow(header)
    for r in rows:
        w.writerow([r[h] for h in header])
    write(path, buf.getvalue(), encoding=encoding)


def write_xlsx(path: Path, header: list[str], rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("seveso_inspecties")
    datefmt = wb.add_format({"num_format": "dd-mm-yyyy"})
    ws.write_row(0, 0, header)
    for i, r in enumerate(rows, start=1):
        for j, h in enumerate(header):
            v = r[h]
            if h == "datum":
                ws.write_datetime(i, j, dt.datetime.fromisoformat(v), datefmt)
            elif isinstance(v, int):
                ws.write_number(i, j, v)
            elif v:
                ws.write_string(i, j, v)
    wb.close()


def deliver(raw: Path, year: int, reg: list[dict], rows: list[dict]) -> None:
    for pv in sorted({r["provincie"] for r in reg}):
        write_csv(
            raw / str(year) / pv / "seveso_inrichtingen.csv",
            REG_HEADER,
            [r for r in reg if r["provincie"] == pv],
            ",",
            "utf-8",
        )
    for partner in sorted({r["partner"] for r in rows}):
        mine = [r for r in rows if r["partner"] == partner]
        folder = raw / str(year) / partner
        if partner == "NLA":
            write_xlsx(folder / "seveso_inspecties.xlsx", INSP_HEADER, mine)
        elif partner.startswith("VR"):
            write_csv(folder / "seveso_inspecties.csv", INSP_HEADER, mine, ";", "cp1252")
        else:
            write_csv(folder / "seveso_inspecties.csv", INSP_HEADER, mine, ";", "utf-8")


@pytest.fixture(scope="module")
def built_2021(tmp_path_factory):
    raw = tmp_path_factory.mktemp("seveso") / "raw"
    reg = register(2021)
    rows, expected = inspections_2021(reg)
    deliver(raw, 2021, reg, rows)
    return build_models(raw, [2021]), expected


def figures(built, scope: str = "NL", year: int = 2021) -> dict:
    cols = [r[0] for r in built.sql("DESCRIBE staat.seveso")]
    row = built.sql("SELECT * FROM staat.seveso WHERE jaar = ? AND scope = ?", [year, scope])[0]
    return dict(zip(cols, row, strict=True))


def test_published_2021_figures_are_reproduced(built_2021):
    built, expected = built_2021
    f = figures(built)
    assert f["inrichtingen_actief"] == 408
    assert f["inspecties"] == 451
    assert f["inrichtingen_geinspecteerd"] == 388
    assert float(f["inrichtingen_zonder_overtreding_pct"]) == 39.7  # 154 / 388
    assert float(f["inrichtingen_met_overtreding_pct"]) == 60.3  # 234 / 388
    assert float(f["geinspecteerd_pct"]) == 95.1  # 388 / 408
    assert [f["overtredingen_cat1"], f["overtredingen_cat2"], f["overtredingen_cat3"]] == expected[
        "cat"
    ]
    assert f["overtredingen_totaal"] == sum(expected["cat"])
    assert float(f["deelname_arbeidsinspectie_pct"]) == round(100 * expected["nla"] / 451, 1)
    assert float(f["deelname_veiligheidsregio_pct"]) == round(100 * expected["vr"] / 451, 1)
    assert float(f["onaangekondigd_pct"]) == round(100 * expected["onaangekondigd"] / 451, 1)
    assert float(f["inrichtingen_alleen_cat3_pct"]) == round(
        100 * len(expected["alleen_cat3"]) / 388, 1
    )
    assert float(f["hoogdrempel_jaarlijks_pct"]) == 100.0  # all 170 hoog inspected
    assert f["laagdrempel_driejaarlijks_pct"] is None  # 2019 and 2020 are not available
    handhaving = sum(v for k, v in f.items() if k.startswith("handhaving_"))
    assert handhaving == 451


def test_scopes_add_up_to_national(built_2021):
    built, _ = built_2021
    nl = figures(built)
    per_drempel = [figures(built, s) for s in ("hoog", "laag")]
    per_od = [figures(built, s) for s in ("ODG", "ODRN", "ODNZKG", "DCMR", "OMWB", "RUDZL")]
    for parts in (per_drempel, per_od):
        for key in (
            "inrichtingen_actief",
            "inspecties",
            "inrichtingen_geinspecteerd",
            "overtredingen_totaal",
        ):
            assert sum(p[key] for p in parts) == nl[key]
    assert [r[0] for r in built.sql("SELECT scope FROM staat.seveso ORDER BY volgorde, scope")] == [
        "NL",
        "hoog",
        "laag",
        "DCMR",
        "ODG",
        "ODNZKG",
        "ODRN",
        "OMWB",
        "RUDZL",
    ]


def test_conflict_is_reported_and_left_out(built_2021):
    built, _ = built_2021
    od = next(r["omgevingsdienst"] for r in register(2021) if r["inrichting_id"] == "S0400")
    rows = built.sql("SELECT partner_code, datum::VARCHAR FROM staat.seveso_conflicten")
    assert sorted(rows) == sorted([("NLA", "2021-05-02"), (od, "2021-05-01")])
    reasons = dict(built.sql("SELECT reden, inspecties FROM staat.seveso_integratie"))
    assert reasons == {"integratieconflict": 1, "inrichting niet het hele jaar actief": 1}


def test_duplicate_joint_row_of_one_partner_is_quarantined(built_2021):
    built, _ = built_2021
    rows = built.sql(
        "SELECT partner_code, regel FROM stg.quarantaine WHERE soort = 'seveso_inspecties'"
    )
    assert rows == [("NLA", "seveso_inspecties.inspectie_id.uniek")] * 2


def test_landelijk_has_seveso_rows(built_2021):
    built, _ = built_2021
    rows = dict(
        built.sql(
            "SELECT figuur, waarde FROM staat.landelijk "
            "WHERE jaar = 2021 AND figuur LIKE 'seveso_%'"
        )
    )
    assert rows["seveso_inspecties"] == "451"
    assert rows["seveso_inrichtingen_actief"] == "408"


def test_joint_inspection_delivered_by_only_some_partners(tmp_path):
    """A joint id that only the omgevingsdienst delivered is one inspection without NLA/VR."""
    raw = tmp_path / "raw"
    reg = register(2021)[:3]
    est = reg[0]
    rows = [
        {
            "partner": est["omgevingsdienst"],
            "inspectie_id": "A1",
            "inrichting_id": "S0001",
            "datum": "2021-04-01",
            "gezamenlijke_inspectie_id": "GI-1",
            "type": "regulier",
            "overtredingen_cat1": 0,
            "overtredingen_cat2": 1,
            "overtredingen_cat3": 2,
            "handhaving": "waarschuwing",
        },
        {
            "partner": "NLA",
            "inspectie_id": "N1",
            "inrichting_id": "S0001",
            "datum": "2021-04-01",
            "gezamenlijke_inspectie_id": "GI-1",
            "type": "onaangekondigd",
            "overtredingen_cat1": 1,
            "overtredingen_cat2": 0,
            "overtredingen_cat3": 0,
            "handhaving": "proces_verbaal",
        },
        {
            "partner": est["omgevingsdienst"],
            "inspectie_id": "A2",
            "inrichting_id": "S0002",
            "datum": "2021-05-01",
            "gezamenlijke_inspectie_id": "GI-2",
            "type": "regulier",
            "overtredingen_cat1": 0,
            "overtredingen_cat2": 0,
            "overtredingen_cat3": 0,
            "handhaving": "geen",
        },
    ]
    deliver(raw, 2021, reg, rows)
    built = build_models(raw, [2021])
    got = built.sql(
        "SELECT inspectie_sleutel, partners, deelname_arbeidsinspectie, deelname_veiligheidsregio,"
        " onaangekondigd, overtredingen_cat1, overtredingen_cat2, overtredingen_cat3, handhaving"
        " FROM int.seveso_inspecties ORDER BY 1"
    )
    od = est["omgevingsdienst"]
    assert got == [
        (
            "G:GI-1",
            f"NLA,{od}" if od > "NLA" else f"{od},NLA",
            True,
            False,
            True,
            1,
            1,
            2,
            "proces_verbaal",
        ),
        ("G:GI-2", od, False, False, False, 0, 0, 0, "geen"),
    ]


def test_three_year_window_and_missing_year(tmp_path):
    """Lower-tier coverage over three years reads the two previous partitions."""
    raw = tmp_path / "raw"
    reg = [r for r in register(2021) if r["drempel"] == "laag"][:4]
    od = reg[0]["omgevingsdienst"]

    def row(year: int, inr: str) -> dict:
        return {
            "partner": od,
            "inspectie_id": f"{inr}-{year}",
            "inrichting_id": inr,
            "datum": f"{year}-06-01",
            "gezamenlijke_inspectie_id": "",
            "type": "regulier",
            "overtredingen_cat1": 0,
            "overtredingen_cat2": 0,
            "overtredingen_cat3": 0,
            "handhaving": "geen",
        }

    ids = [r["inrichting_id"] for r in reg]
    plan = {2021: [ids[0]], 2022: [ids[1]], 2023: [ids[2]]}  # ids[3] never inspected
    for year, inspected in plan.items():
        deliver(raw, year, [r | {"actief_tot": ""} for r in reg], [row(year, i) for i in inspected])
    built = build_models(raw, [2021, 2022, 2023])
    pct = built.sql(
        "SELECT jaar, laagdrempel_driejaarlijks_pct FROM staat.seveso "
        "WHERE scope = 'laag' ORDER BY jaar"
    )
    assert [(y, None if p is None else float(p)) for y, p in pct] == [
        (2021, None),
        (2022, None),
        (2023, 75.0),
    ]
    # Without an inspections delivery in 2022 the window is incomplete: empty, not a guess.
    for f in (raw / "2022" / od).iterdir():
        f.unlink()
    built = build_models(raw, [2021, 2022, 2023])
    pct = built.sql(
        "SELECT laagdrempel_driejaarlijks_pct FROM staat.seveso "
        "WHERE scope = 'laag' AND jaar = 2023"
    )
    assert pct == [(None,)]


def inspection(partner: str, inr: str, year: int, n: int = 1, cat3: int = 0) -> dict:
    return {
        "partner": partner,
        "inspectie_id": f"{partner}-{inr}-{year}-{n}",
        "inrichting_id": inr,
        "datum": f"{year}-06-0{n}",
        "gezamenlijke_inspectie_id": "",
        "type": "regulier",
        "overtredingen_cat1": 0,
        "overtredingen_cat2": 0,
        "overtredingen_cat3": cat3,
        "handhaving": "waarschuwing" if cat3 else "geen",
    }


def small_register(year: int) -> list[dict]:
    """Two hoog (S0001, S0002) and two laag (S0171, S0172) establishments, active all year."""
    reg = register(year)
    return [r for r in reg if r["inrichting_id"] in ("S0001", "S0002", "S0171", "S0172")]


def figure_values(built, year: int) -> dict:
    """Every figure of scope NL except `inrichtingen_actief`."""
    f = figures(built, year=year)
    return {k: v for k, v in f.items() if k not in SEVESO_NOT_FIGURES}


def test_register_without_inspections_leaves_every_figure_but_the_active_count_empty(tmp_path):
    raw = tmp_path / "raw"
    deliver(raw, 2021, small_register(2021), [])  # no seveso_inspecties file at all
    built = build_models(raw, [2021])
    got = figure_values(built, 2021)
    assert got.pop("inrichtingen_actief") == 4
    assert got and set(got.values()) == {None}, got  # 0.0 or 0 would be a false figure
    for scope in ("hoog", "laag", "ODG"):
        f = figures(built, scope, 2021)
        assert f["geinspecteerd_pct"] is None and f["hoogdrempel_jaarlijks_pct"] is None
    national = dict(
        built.sql("SELECT figuur, waarde FROM staat.landelijk WHERE figuur LIKE 'seveso_%'")
    )
    assert national.pop("seveso_inrichtingen_actief") == "4"
    assert set(national.values()) == {None}


def test_inspections_without_register_leave_every_figure_empty(tmp_path):
    raw = tmp_path / "raw"
    reg = small_register(2021)
    od = reg[0]["omgevingsdienst"]
    rows = [inspection(od, "S0001", 2021, cat3=2), inspection(od, "S0171", 2021)]
    deliver(raw, 2021, [], rows)  # the inspections file is read, its rows find no register
    built = build_models(raw, [2021])
    assert built.sql("SELECT resultaat FROM meta.inlezing WHERE soort = 'seveso_inspecties'") == [
        ("ingelezen",)
    ]
    got = figure_values(built, 2021)
    assert got and set(got.values()) == {None}, got


def test_three_year_window_needs_this_year_available(tmp_path):
    """2021 and 2022 inspected both laag establishments; 2023 has a register only."""
    raw = tmp_path / "raw"
    reg = small_register(2021)
    od = reg[2]["omgevingsdienst"]
    deliver(raw, 2021, reg, [inspection(od, "S0171", 2021)])
    deliver(raw, 2022, reg, [inspection(od, "S0172", 2022)])
    deliver(raw, 2023, reg, [])
    built = build_models(raw, [2021, 2022, 2023])
    laag = dict(
        built.sql(
            "SELECT jaar, laagdrempel_driejaarlijks_pct FROM staat.seveso WHERE scope = 'laag'"
        )
    )
    assert laag == {2021: None, 2022: None, 2023: None}  # not 100.0: 2023 is not available
    assert figures(built, "laag", 2023)["inrichtingen_actief"] == 2
