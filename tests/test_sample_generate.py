"""Tests of the sample generator (``vth_pipeline.sample``).

The files are read back with a small reader of our own (csv module + openpyxl), driven by what
the manifest says about encoding, separator, sheet and header row, so these tests also check
that the manifest describes the files correctly.
"""

from __future__ import annotations

import csv
import hashlib
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from tests.sample_reader import Table, cell_text, parse_date
from vth_pipeline.contract.columns import FILE_KINDS
from vth_pipeline.sample import SampleManifest, generate_sample
from vth_pipeline.sample.manifest import KLASSEN
from vth_pipeline.sample.reference import load_reference

YEARS = (2022, 2023)
SCALE = 0.02
KINDS = {"controles", "kengetallen", "uitkomsten", "seveso_inrichtingen", "seveso_inspecties"}
REQUIRED = {name: list(kind.required_columns) for name, kind in FILE_KINDS.items()}


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Path, SampleManifest]:
    out = tmp_path_factory.mktemp("sample") / "raw"
    return out, generate_sample(out, years=YEARS, scale=SCALE, seed=2024)


@pytest.fixture(scope="module")
def tables(sample) -> dict[str, Table]:
    out, m = sample
    return {f.path: Table(out, f) for f in m.files if f.format in ("csv", "xlsx")}


def effective(m: SampleManifest, tables: dict[str, Table], jaar: int, soort: str):
    return [tables[f.path] for f in m.select(jaar=jaar, soort=soort, in_effect=True)]


# --------------------------------------------------------------------------- tests


def test_deterministic(tmp_path, sample):
    out, m = sample
    out2 = tmp_path / "again"
    m2 = generate_sample(out2, years=YEARS, scale=SCALE, seed=2024)
    assert m2.files == m.files and m2.defects == m.defects and m2.missing == m.missing

    def digest(root: Path) -> dict[str, str]:
        return {
            p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*"))
            if p.is_file()
        }

    assert digest(out) == digest(out2)
    # nothing but the deliveries (and the deliberate bad files) lands in out
    assert set(digest(out)) == {f.path for f in m.files}


def test_other_seed_differs(tmp_path, sample):
    out, m = sample
    m2 = generate_sample(tmp_path / "s", years=(2023,), scale=SCALE, seed=7)
    f = m.select(jaar=2023, partner_code="DCMR", soort="controles")[0]
    same = [g for g in m2.files if g.path == f.path]
    assert same and (tmp_path / "s" / f.path).read_bytes() != (out / f.path).read_bytes()


def test_file_layout(sample):
    _, m = sample
    ref = load_reference()
    for f in m.files:
        parts = f.path.split("/")
        assert len(parts) == 3 and parts[0] == str(f.jaar) and parts[1] == f.partner_code
        stem, ext = parts[2].rsplit(".", 1)
        assert ext in ("csv", "xlsx")
        kind = stem.split("_20")[0]
        assert kind == f.soort
        if f.delivery_date:
            assert stem.endswith(f.delivery_date.isoformat()) and f.delivery_date.year > f.jaar
        if f.in_effect:
            assert f.partner_code in ref.by_code and f.soort in KINDS
            assert f.jaar in YEARS


def test_required_deliveries_present(sample, tables):
    _, m = sample
    ref = load_reference()
    missing = {(x.jaar, x.partner_code, x.soort) for x in m.missing}
    delivered = {(f.jaar, f.partner_code, f.soort) for f in m.files}
    for jaar in YEARS:
        expected = set()
        for p in ref.partners:
            if p.soort == "omgevingsdienst":
                expected |= {(jaar, p.code, "controles"), (jaar, p.code, "kengetallen")}
                if p.seveso:
                    expected.add((jaar, p.code, "seveso_inspecties"))
            elif p.soort == "provincie":
                expected |= {(jaar, p.code, "kengetallen"), (jaar, p.code, "seveso_inrichtingen")}
            elif p.soort == "arbeidsinspectie":
                expected.add((jaar, p.code, "seveso_inspecties"))
        for vr in active_register(m, tables, jaar).values():
            expected.add((jaar, vr["veiligheidsregio"].upper(), "seveso_inspecties"))
        assert expected - missing <= delivered
        lacking = {x for x in missing if x[0] == jaar}
        assert lacking <= expected and not lacking & delivered
        ods_missing = [x for x in lacking if x[2] in ("controles", "kengetallen")]
        assert 2 <= len(ods_missing) <= 5
    assert any(x[2] == "seveso_inspecties" for x in missing)


def test_files_parse_as_described(sample, tables):
    out, m = sample
    rejected = {d.path for d in m.defects if d.gevolg == "afgewezen" and d.row is None}
    too_many = {(d.path, d.row) for d in m.defects if d.klasse == "te_veel_velden"}
    for f in m.files:
        if f.format not in ("csv", "xlsx"):
            continue
        t = tables[f.path]
        assert len(t.rows) == f.rows, f.path
        if f.soort in REQUIRED and f.path not in rejected:
            assert set(REQUIRED[f.soort]) <= set(t.header), f.path
        for r, values in t.rows.items():
            if f.format == "csv" and (f.path, r) not in too_many:
                assert len(values) == len(t.header), (f.path, r)
    # every format variation occurs in every year, for controles too
    for jaar in YEARS:
        profiles = {f.profile for f in m.select(jaar=jaar) if f.profile}
        assert len(profiles) == 10
        encodings = {(f.encoding, f.separator) for f in m.select(jaar=jaar, soort="controles")}
        assert {("utf-8", ","), ("utf-8-sig", ";"), ("cp1252", ";"), (None, None)} <= encodings


def test_format_details(sample, tables):
    out, m = sample
    files = [f for f in m.files if f.format in ("csv", "xlsx")]
    # Windows-1252 files with characters that are not valid UTF-8
    cp = [f for f in files if f.encoding == "cp1252" and f.soort == "controles"]
    assert cp
    for f in cp:
        with pytest.raises(UnicodeDecodeError):
            (out / f.path).read_bytes().decode("utf-8")
    # headers in other case with spaces; shuffled columns; extra column
    headers = [t.raw_header for t in tables.values()]
    assert any(h != h.strip() for hs in headers for h in map(str, hs))
    assert any(t.header[0] != REQUIRED.get(t.info.soort, [""])[0] for t in tables.values())
    assert any("opmerking" in t.header for t in tables.values())
    # quoted fields with separator and line break
    text = "".join(
        (out / f.path).read_bytes().decode(f.encoding)
        for f in files
        if f.format == "csv" and f.profile == "csv_extra_kolom_quotes"
    )
    assert '"Eerste bezoek: geen toegang\nTweede bezoek: wel toegang"' in text
    assert '"Opslag gecontroleerd; lekbakken in orde, afvoer ok"' in text
    # XLSX: typed dates and numbers, text that looks like a formula, empty rows above header
    typed = [
        t
        for t in tables.values()
        if t.info.profile == "xlsx_tabblad_soort" and t.info.soort == "controles"
    ]
    assert typed
    wb = openpyxl.load_workbook(out / typed[0].info.path)
    assert wb.sheetnames[-1] == "controles" and len(wb.sheetnames) == 2
    ws = wb["controles"]
    datum_col = typed[0].header.index("datum") + 1
    assert isinstance(ws.cell(2, datum_col).value, datetime)
    assert ws.cell(2, datum_col).number_format != "General"
    formulas = [
        c
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith(("=", "-"))
    ]
    assert formulas and all(c.data_type == "s" for c in formulas)
    padded = [t for t in tables.values() if t.info.profile == "xlsx_lege_rijen"]
    assert padded and {t.info.header_row for t in padded} == {2, 3}
    for t in padded:
        ws = openpyxl.load_workbook(out / t.info.path)[t.info.sheet]
        assert ws.max_row == t.info.header_row + t.info.rows + 1  # an empty trailing row
        assert ws.max_column == len(t.header) + 1  # and an empty trailing column
    single = [f for f in files if f.profile == "xlsx_een_blad_tekst"]
    assert single and all(f.sheet not in KINDS for f in single)
    # booleans and codes in several notations
    seveso = Counter()
    codes = Counter()
    for t in tables.values():
        if t.info.soort == "controles" and "seveso" in t.header:
            seveso.update(v for v in t.column("seveso") if v)
            codes.update(t.column("resultaat"))
    assert len(set(seveso)) >= 6 and {"ja", "nee", "J", "N", "0"} <= set(seveso)
    assert "OVERTREDING" in codes or "Overtreding" in codes


def test_defects_are_where_the_manifest_says(sample, tables):
    out, m = sample
    assert m.defects
    for d in m.defects:
        path = out / d.path
        assert path.is_file(), d
        if d.row is None:
            check_file_defect(out, m, tables, d)
            continue
        t = tables[d.path]
        values = t.rows[d.row]
        if d.column is None:
            assert d.klasse == "te_veel_velden" and len(values) > len(t.header)
            continue
        cell = values[t.header.index(d.column)]
        assert cell_text(cell) == d.value, d
    # the row-level classes of the brief occur at least once (years 2022-2023 here)
    classes = {d.klasse for d in m.defects}
    assert {
        "datum_ongeldig",
        "datum_buiten_jaar",
        "code_onbekend",
        "verplicht_leeg",
        "lhs_niet_leeg_zonder_overtreding",
        "overtreding_zonder_lhs",
        "dubbel_id",
        "gemeente_niet_geldig_op_datum",
        "uren_buiten_bereik",
        "geen_geheel_getal",
        "waarde_negatief",
        "decimaalkomma_bij_komma_scheiding",
        "te_veel_velden",
        "indicator_niet_voor_partner",
        "inrichting_niet_in_register",
        "dubbel_id_landelijk",
        "integratieconflict",
        "conflict_uitkomst",
        "kengetal_verschil",
        "bestand_onleesbaar",
        "kolom_ontbreekt",
        "bestand_leeg",
        "onbekende_partner",
        "onbekende_soort",
        "jaar_te_vroeg",
        "identiek_bestand",
        "vervangen_bestand",
        "concurrerende_levering",
    } <= classes


def test_defect_classes_documented(sample):
    _, m = sample
    for d in m.defects:
        assert KLASSEN[d.klasse] == d.gevolg, d


def check_file_defect(out: Path, m: SampleManifest, tables, d) -> None:
    data = (out / d.path).read_bytes()
    info = next(f for f in m.files if f.path == d.path)
    assert not info.in_effect
    if d.klasse == "bestand_leeg":
        assert data == b""
    elif d.klasse == "bestand_onleesbaar":
        with pytest.raises(Exception):  # noqa: B017 - any failure to open will do
            openpyxl.load_workbook(out / d.path)
    elif d.klasse == "kolom_ontbreekt":
        assert d.column not in tables[d.path].header
    elif d.klasse == "identiek_bestand":
        twins = [
            f
            for f in m.files
            if f.path != d.path
            and f.jaar == info.jaar
            and f.partner_code == info.partner_code
            and f.soort == info.soort
        ]
        twin = next(f for f in twins if (out / f.path).read_bytes() == data)
        assert twin.in_effect and twin.delivery_date < info.delivery_date
    elif d.klasse == "vervangen_bestand":
        later = [
            f
            for f in m.files
            if f.in_effect
            and f.jaar == info.jaar
            and f.partner_code == info.partner_code
            and f.soort == info.soort
        ]
        assert len(later) == 1 and later[0].delivery_date is not None
        assert info.delivery_date is None or info.delivery_date < later[0].delivery_date
    elif d.klasse == "concurrerende_levering":
        same = m.select(jaar=info.jaar, partner_code=info.partner_code, soort=info.soort)
        assert len(same) == 2 and {f.delivery_date for f in same} == {info.delivery_date}
        assert not any(f.in_effect for f in same)
    elif d.klasse == "onbekende_partner":
        assert info.partner_code not in load_reference().by_code
    elif d.klasse == "onbekende_soort":
        assert info.soort not in KINDS
    elif d.klasse == "jaar_te_vroeg":
        assert info.jaar < 2021
    else:
        raise AssertionError(f"unexpected file-level class {d.klasse}")


def test_one_in_effect_delivery_per_triple(sample):
    _, m = sample
    per = Counter((f.jaar, f.partner_code, f.soort) for f in m.files if f.in_effect)
    assert per and max(per.values()) == 1


def active_register(m, tables, jaar) -> dict[str, dict[str, str]]:
    seen: dict[str, list[dict[str, str]]] = defaultdict(list)
    for t in effective(m, tables, jaar, "seveso_inrichtingen"):
        for rec in t.records():
            seen[rec["inrichting_id"]].append(rec)
    out = {}
    for key, recs in seen.items():
        if len(recs) > 1:
            continue  # in two registers: quarantined in both
        rec = recs[0]
        vanaf, tot = parse_date(rec["actief_vanaf"]), parse_date(rec.get("actief_tot", ""))
        if vanaf <= date(jaar, 1, 1) and (tot is None or tot >= date(jaar, 12, 31)):
            out[key] = rec
    return out


def test_seveso_magnitudes(sample, tables):
    _, m = sample
    for jaar in YEARS:
        active = active_register(m, tables, jaar)
        assert 395 <= len(active) <= 420
        drempel = Counter(r["drempel"].lower() for r in active.values())
        assert 0.33 <= drempel["hoog"] / len(active) <= 0.47
        rows = [rec for t in effective(m, tables, jaar, "seveso_inspecties") for rec in t.records()]
        groups: dict[str, list[dict]] = defaultdict(list)
        for i, rec in enumerate(rows):
            groups[rec["gezamenlijke_inspectie_id"] or f"solo-{i}"].append(rec)
        assert 440 <= len(groups) <= 520
        sizes = Counter(len(g) for g in groups.values())
        assert sizes[1] and sizes[2] and sizes[3]
        # violations per inspected active establishment (whole year, all partners)
        viol: dict[str, int] = defaultdict(int)
        for rec in rows:
            if rec["inrichting_id"] in active:
                viol[rec["inrichting_id"]] += sum(
                    int(float(rec[f"overtredingen_cat{c}"].replace(",", "."))) for c in (1, 2, 3)
                )
        share = sum(v > 0 for v in viol.values()) / len(viol)
        assert 0.55 <= share <= 0.67
        hoog = [k for k, r in active.items() if r["drempel"].lower() == "hoog"]
        assert all(k in viol for k in hoog)
        laag = [k for k, r in active.items() if r["drempel"].lower() == "laag"]
        # as published: about 95 % of the active establishments inspected in a year (2020: 94 %,
        # 2021: 388 of 408), the lower tier mostly yearly too
        assert 0.85 < sum(k in viol for k in laag) / len(laag) < 0.99
        assert 0.88 <= sum(k in viol for k in active) / len(active) <= 0.99
        nla = sum(any(r["inspectie_id"].startswith("NLA") for r in g) for g in groups.values())
        assert 0.5 <= nla / len(groups) <= 0.8


def test_controles_plausible(sample, tables):
    _, m = sample
    for jaar in YEARS:
        recs = [r for t in effective(m, tables, jaar, "controles") for r in t.records()]
        n = len(recs)
        low = Counter(r["soort_controle"].lower() for r in recs)
        assert 0.70 <= low["fysiek"] / n <= 0.80
        res = Counter(r["resultaat"].lower() for r in recs)
        assert 0.57 <= res["geen_overtreding"] / n <= 0.67
        assert 0.24 <= res["overtreding"] / n <= 0.32
        aanl = Counter(r["aanleiding"].lower() for r in recs)
        assert 0.06 <= aanl["hercontrole"] / n <= 0.14
        over = [r for r in recs if r["resultaat"].lower() == "overtreding"]
        filled = sum(bool(r["lhs_gevolg"] and r["lhs_gedrag"] and r["interventie"]) for r in over)
        assert filled >= len(over) - 2
        geen = [r for r in recs if r["resultaat"].lower() != "overtreding"]
        assert sum(bool(r["lhs_gevolg"] or r["interventie"]) for r in geen) <= 2
        per_inr = Counter((r["controle_id"][:3], r["inrichting_id"]) for r in recs)
        assert max(per_inr.values()) <= 3 or sum(v > 3 for v in per_inr.values()) <= 3


def test_kengetallen_consistent(sample, tables):
    _, m = sample
    for jaar in YEARS:
        for t in effective(m, tables, jaar, "kengetallen"):
            if t.info.partner_code.startswith("PV"):
                continue
            vals: dict[str, float] = defaultdict(float)
            wide = {r["indicator"].lower() for r in t.records() if not r["bevoegd_gezag"]}
            for r in t.records():
                if (not r["bevoegd_gezag"]) or r["indicator"].lower() not in wide:
                    vals[r["indicator"].lower()] += float(r["waarde"].replace(",", "."))
            if not vals or min(vals.values()) < 0:
                continue
            assert vals["vergunningbesluiten_binnen_termijn"] <= vals["vergunningbesluiten"]
            assert vals["handhavingsbesluiten_in_stand"] <= vals["handhavingsbesluiten_getoetst"]
            c = m.select(
                jaar=jaar, partner_code=t.info.partner_code, soort="controles", in_effect=True
            )
            if c:
                inr = set(tables[c[0].path].column("inrichting_id"))
                assert 1.4 * len(inr) <= vals["inrichtingen_in_beheer"] <= 4.5 * len(inr)
                per_fte = c[0].rows / vals["fte_toezicht_handhaving"]
                assert 140 <= per_fte <= 420


def _gemeenten_today() -> tuple[dict[str, str], dict[str, str]]:
    """From gemeenten.csv itself: each code's successor of today, and today's codes' VR."""
    path = Path(__file__).resolve().parents[1] / "data" / "reference" / "gemeenten.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    opvolger = {r["gm_code"]: r["opvolger"] for r in rows}
    today = {}
    for code in opvolger:
        final = code
        while opvolger[final]:
            final = opvolger[final]
        today[code] = final
    vr = {r["gm_code"]: r["vr_code"] for r in rows if not r["geldig_tot"]}
    return today, vr


def test_werkgebieden_follow_the_veiligheidsregios(sample, tables):
    """Read from the controles files: a gemeente's controles come from one omgevingsdienst, and
    omgevingsdiensten and veiligheidsregio's are congruent (no werkgebied crosses a region's
    boundary): each region is served by one omgevingsdienst, or shared by omgevingsdiensten that
    serve no other region; an omgevingsdienst serving several regions serves them whole."""
    _, m = sample
    today, vr_of = _gemeenten_today()
    for jaar in YEARS:
        per_gm: dict[str, Counter] = defaultdict(Counter)
        for t in effective(m, tables, jaar, "controles"):
            for code in t.column("bevoegd_gezag"):
                if code.upper().startswith("GM"):
                    per_gm[today[code.upper()]][t.info.partner_code] += 1
        assert len(per_gm) >= 300  # nearly every gemeente has controles
        served_by: dict[str, str] = {}
        for gm, counts in per_gm.items():
            od, n = counts.most_common(1)[0]
            assert n >= 0.95 * sum(counts.values()), (jaar, gm, counts)
            served_by[gm] = od
        ods_of_vr: dict[str, set[str]] = defaultdict(set)
        vrs_of_od: dict[str, set[str]] = defaultdict(set)
        for gm, od in served_by.items():
            ods_of_vr[vr_of[gm]].add(od)
            vrs_of_od[od].add(vr_of[gm])
        assert len(ods_of_vr) >= 22  # all but those whose only controles are missing
        for vr, ods in ods_of_vr.items():
            if len(ods) > 1:  # a shared region: its omgevingsdiensten serve no other region
                assert all(vrs_of_od[od] == {vr} for od in ods), (jaar, vr, ods)
        single = [vr for vr, ods in ods_of_vr.items() if len(ods) == 1]
        assert len(single) >= len(ods_of_vr) - 5, (jaar, sorted(ods_of_vr.items()))


def test_controles_volume_at_scale(tmp_path):
    m = generate_sample(tmp_path / "s", years=(2023,), scale=0.1)
    rows = sum(f.rows for f in m.select(jaar=2023, soort="controles", in_effect=True))
    lacking = len([x for x in m.missing if x.soort == "controles"])
    assert lacking <= 3
    assert 0.85 * 25_000 <= rows <= 1.15 * 25_000


def test_rejects_early_years(tmp_path):
    with pytest.raises(ValueError):
        generate_sample(tmp_path, years=(2020, 2021))


# --------------------------------------------------------------------------- an independent check
# A small re-implementation of the row rules of the contract: every rule break it finds in the
# deliveries in effect must be a listed defect, and every listed quarantine defect must be found.

CODE_COLUMNS = {
    "controles": {
        "soort_controle": "soort_controle",
        "aanleiding": "aanleiding",
        "taakveld": "taakveld",
        "resultaat": "resultaat",
        "lhs_gevolg": "lhs_gevolg",
        "lhs_gedrag": "lhs_gedrag",
        "interventie": "interventie",
    },
    "seveso_inrichtingen": {"drempel": "seveso_drempel"},
    "seveso_inspecties": {"type": "seveso_inspectietype", "handhaving": "seveso_handhaving"},
}
DATE_COLUMNS = {
    "controles": ["datum"],
    "seveso_inrichtingen": ["actief_vanaf", "actief_tot"],
    "seveso_inspecties": ["datum"],
}


def _date_of(value) -> date | None | str:
    """A date, None for empty, or 'bad'."""
    if isinstance(value, datetime):
        return value.date()
    text = cell_text(value).strip()
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError:
        return "bad"


def _number_of(value, sep: str | None) -> float | str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    text = cell_text(value).strip()
    if not text:
        return None
    if "," in text and sep != ";":
        return "komma"
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return "bad"


def find_rule_breaks(m: SampleManifest, tables: dict[str, Table], jaar: int) -> set[tuple]:
    ref = load_reference()
    codes = {k: {c.lower() for c in v} for k, v in ref.codes.items()}
    found: set[tuple] = set()
    y0, y1 = date(jaar, 1, 1), date(jaar, 12, 31)

    def valid_gm(code: str, day: date | None) -> bool:
        g = ref.gemeenten.get(code)
        if g is None:
            return False
        return g.valid_on(day) if day else g.valid_in_year(jaar)

    def area_ok(code: str, day: date | None) -> bool:
        code = code.upper()
        return code in ref.provincies if code.startswith("PV") else valid_gm(code, day)

    accepted_register: set[str] = set()
    register_rows: dict[str, list[tuple]] = defaultdict(list)
    order = ["seveso_inrichtingen", "controles", "kengetallen", "uitkomsten", "seveso_inspecties"]
    for soort in order:
        for t in effective(m, tables, jaar, soort):
            f = t.info
            ids: dict[str, list[int]] = defaultdict(list)
            for r, values in t.rows.items():
                if len(values) > len(t.header):
                    found.add((f.path, r, "te_veel_velden"))
                    continue
                row = dict(zip(t.header, values, strict=False))
                txt = {k: cell_text(v).strip() for k, v in row.items()}
                hits = set()
                for col in REQUIRED[soort]:
                    if not txt.get(col):
                        hits.add("verplicht_leeg")
                for col, lijst in CODE_COLUMNS.get(soort, {}).items():
                    if txt.get(col) and txt[col].lower() not in codes[lijst]:
                        hits.add("code_onbekend")
                dates = {}
                for col in DATE_COLUMNS.get(soort, []):
                    d = _date_of(row.get(col))
                    if d == "bad":
                        hits.add("datum_ongeldig")
                        d = None
                    elif d and col == "datum" and not y0 <= d <= y1:
                        hits.add("datum_buiten_jaar")
                    dates[col] = d
                if soort == "controles":
                    ids[txt["controle_id"]].append(r)
                    over = txt["resultaat"].lower() == "overtreding"
                    lhs = [txt.get(c) for c in ("lhs_gevolg", "lhs_gedrag", "interventie")]
                    if over and not all(lhs):
                        hits.add("overtreding_zonder_lhs")
                    if not over and any(lhs):
                        hits.add("lhs_niet_leeg_zonder_overtreding")
                    if dates["datum"] and not area_ok(txt["bevoegd_gezag"], dates["datum"]):
                        hits.add("gemeente_niet_geldig_op_datum")
                    uren = _number_of(row.get("uren"), f.separator)
                    if uren == "komma":
                        hits.add("decimaalkomma_bij_komma_scheiding")
                    elif isinstance(uren, float) and not 0 <= uren < 1000:
                        hits.add("uren_buiten_bereik")
                    sev = txt.get("seveso", "").lower()
                    assert sev in {"", "ja", "nee", "j", "n", "true", "false", "1", "0"}, sev
                elif soort in ("kengetallen", "uitkomsten"):
                    ind = txt["indicator"].lower()
                    area = txt.get("bevoegd_gezag" if soort == "kengetallen" else "gebied", "")
                    ids[f"{ind}|{area.upper()}"].append(r)
                    info = next((i for i in ref.indicatoren if i.code == ind), None)
                    kind = "kengetal" if soort == "kengetallen" else "uitkomst"
                    by = "omgevingsdienst" if f.partner_code[:2] not in ("PV",) else "provincie"
                    if info is None or info.soort != kind:
                        hits.add("code_onbekend")
                    elif kind == "kengetal" and info.geleverd_door != by:
                        hits.add("indicator_niet_voor_partner")
                    if area and area.upper() != "NL" and not area_ok(area, None):
                        hits.add("gemeente_niet_geldig_op_datum")
                    w = _number_of(row.get("waarde"), f.separator)
                    if w == "komma":
                        hits.add("decimaalkomma_bij_komma_scheiding")
                    elif isinstance(w, float):
                        if w < 0:
                            hits.add("waarde_negatief")
                        elif info and info.eenheid == "aantal" and not w.is_integer():
                            hits.add("geen_geheel_getal")
                        elif info and info.eenheid == "ja_nee" and w not in (0.0, 1.0):
                            hits.add("ja_nee_ongeldig")
                elif soort == "seveso_inrichtingen":
                    if txt["gemeente"] and not valid_gm(txt["gemeente"].upper(), None):
                        hits.add("gemeente_niet_geldig_op_datum")
                    assert ref.by_code[txt["omgevingsdienst"].upper()].seveso
                    assert txt["veiligheidsregio"].upper() in ref.veiligheidsregios
                    register_rows[txt["inrichting_id"]].append((f.path, r, bool(hits)))
                elif soort == "seveso_inspecties":
                    ids[txt["inspectie_id"]].append(r)
                    for c in (1, 2, 3):
                        n = _number_of(row.get(f"overtredingen_cat{c}"), f.separator)
                        assert isinstance(n, float) and n >= 0 and n.is_integer(), (f.path, r)
                    if txt["inrichting_id"] not in accepted_register:
                        hits.add("inrichting_niet_in_register")
                found |= {(f.path, r, h) for h in hits}
            for rows in ids.values():
                if len(rows) > 1:
                    found |= {(f.path, r, "dubbel_id") for r in rows}
        if soort == "seveso_inrichtingen":
            for key, rows in register_rows.items():
                if len(rows) > 1:
                    found |= {(p, r, "dubbel_id_landelijk") for p, r, _ in rows}
                elif not rows[0][2]:
                    accepted_register.add(key)
    return found


def test_no_unlisted_rule_breaks(sample, tables):
    _, m = sample
    for jaar in YEARS:
        found = find_rule_breaks(m, tables, jaar)
        listed = {
            (d.path, d.row, d.klasse)
            for d in m.defects
            if d.gevolg == "quarantaine" and d.path.startswith(f"{jaar}/")
        }
        assert found == listed
