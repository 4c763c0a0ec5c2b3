"""Deterministic deliveries for the publication tests, and the rows as they were written.

Small (a few hundred rows over three years) but with every case the computation rules name:
half-to-even ties, wholes of 0, missing and rejected deliveries, kengetallen per bevoegd gezag
(alone and beside a partner-wide row), an establishment counted by two omgevingsdiensten, merged
gemeenten, conflicting outcome deliveries, Seveso establishments that start or stop during the
year, joint inspections, integration conflicts (with markup in a delivered id), and a row that
breaks a rule. The tests compute every published figure from these rows themselves.

Only CSV in the plain format is written: reading the other formats is tested elsewhere.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from dataclasses import dataclass, field
from pathlib import Path

from vth_pipeline.contract.columns import FILE_KINDS
from vth_pipeline.contract.publication import KENGETAL_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "data" / "reference"
YEARS = (2021, 2022, 2023)

# The files are written with the contract's columns, in its order.
HEADERS = {name: list(kind.column_names) for name, kind in FILE_KINDS.items()}

# Delivered text with markup: it must reach the report escaped, never as markup.
HOSTILE_JOINT_ID = 'GI<script>alert("x")</script>'
HOSTILE_INSPECTION_ID = "<img src=x onerror=alert(1)>"


def read_reference(name: str) -> list[dict[str, str]]:
    with open(REFERENCE / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@dataclass
class File:
    year: int
    partner: str
    soort: str
    rows: list[dict]
    bad: set[int] = field(default_factory=set)  # indexes of rows that break a rule
    empty: bool = False  # written as an empty file: rejected as a whole

    @property
    def path(self) -> str:
        return f"{self.year}/{self.partner}/{self.soort}.csv"

    @property
    def accepted(self) -> list[dict]:
        return [] if self.empty else [r for i, r in enumerate(self.rows) if i not in self.bad]


@dataclass
class Deliveries:
    raw: Path
    years: tuple[int, ...]
    files: list[File]

    def file(self, year: int, partner: str, soort: str) -> File | None:
        found = [f for f in self.files if (f.year, f.partner, f.soort) == (year, partner, soort)]
        return found[0] if found else None

    def read(self, year: int, soort: str) -> list[File]:
        """Files of a kind that were read (not rejected) in a year."""
        return [f for f in self.files if f.year == year and f.soort == soort and not f.empty]

    def rows(self, year: int, soort: str) -> list[dict]:
        """Accepted rows of a kind in a year, each with its `partner`."""
        return [{**r, "partner": f.partner} for f in self.read(year, soort) for r in f.accepted]


def _write(raw: Path, f: File) -> None:
    path = raw / f.path
    path.parent.mkdir(parents=True, exist_ok=True)
    if f.empty:
        path.write_bytes(b"")
        return
    buf = io.StringIO()
    writer = csv.DictWriter(buf, HEADERS[f.soort], lineterminator="\n")
    writer.writeheader()
    writer.writerows(f.rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


# --- reference helpers ---------------------------------------------------------------------------


def stable_gemeenten() -> dict[str, list[tuple[str, str]]]:
    """Per provincie the (gm_code, vr_code) of gemeenten valid throughout 2021-2023."""
    out: dict[str, list[tuple[str, str]]] = {}
    for r in read_reference("gemeenten"):
        if not r["geldig_van"] and not r["geldig_tot"]:
            out.setdefault(r["provincie_code"], []).append((r["gm_code"], r["vr_code"]))
    return out


def partner_province() -> dict[str, str]:
    return {r["partner_code"]: r["provincie_code"] for r in read_reference("partners")}


# --- controles -----------------------------------------------------------------------------------

CONTROLES_BY_YEAR = {
    2021: ("DCMR", "ODG", "ODNZKG", "OFGV", "OMWB", "RUDD", "ODBN"),
    2022: ("DCMR", "ODG", "ODNZKG", "OFGV", "OMWB", "RUDD", "ODH"),
    2023: ("DCMR", "ODG", "ODNZKG", "OFGV", "OMWB", "RUDD", "ODBN"),
}
AANLEIDING = ("programma", "programma", "programma", "hercontrole", "klacht", "melding", "incident")
TAAKVELD = ("lucht", "geluid", "geur", "bodem", "water", "afval", "asbest", "energie")
INTERVENTIE = (
    "geen",
    "waarschuwing",
    "waarschuwing",
    "waarschuwing",
    "last_onder_dwangsom",
    "last_onder_bestuursdwang",
    "bestuurlijke_boete",
    "intrekking_toestemming",
    "proces_verbaal",
    "bestuurlijke_strafbeschikking",
)


def _date(rng: random.Random, year: int) -> str:
    return (dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))).isoformat()


def _controle(
    rng: random.Random, year: int, partner: str, n: int, bg: str, resultaat: str | None = None
) -> dict:
    resultaat = resultaat or rng.choice(
        ("geen_overtreding", "geen_overtreding", "overtreding", "niet_beoordeeld")
    )
    bad = resultaat == "overtreding"
    return {
        "controle_id": f"{partner}-{year}-{n:04d}",
        "bevoegd_gezag": bg,
        # a small pool, shared between partners: the same id at two partners is two inrichtingen
        "inrichting_id": f"I{rng.randrange(1, 25):03d}",
        "datum": _date(rng, year),
        "soort_controle": rng.choice(("fysiek", "fysiek", "administratief")),
        "aanleiding": rng.choice(AANLEIDING),
        "taakveld": rng.choice(TAAKVELD),
        "resultaat": resultaat,
        "lhs_gevolg": rng.choice("AABBCD") if bad else "",
        "lhs_gedrag": rng.choice("11223334") if bad else "",
        "interventie": rng.choice(INTERVENTIE) if bad else "",
        "seveso": "nee",
        "uren": f"{rng.randrange(1, 40) / 2:g}",
    }


def _bevoegd_gezag(rng: random.Random, home: str, gemeenten: dict) -> str:
    """Mostly a gemeente of the partner's provincie, sometimes elsewhere or the provincie."""
    draw = rng.random()
    if draw < 0.08:
        return home  # the provincie itself as bevoegd gezag
    # never Zeeland (PV29), whose omgevingsdienst does not deliver: a provincie without controles
    pv = home if draw < 0.85 else rng.choice(sorted(set(gemeenten) - {"PV29"}))
    return rng.choice(gemeenten[pv])[0]


def _tie_controles(year: int) -> list[dict]:
    """ODBN: figures whose exact value ends in 5 at the rounding digit (half-to-even).

    16 assessed first inspections of which 1 without violation: 6.25 % -> 6.2; 8 assessed
    re-inspections of which 3 solved: 37.5 % (exact); 25 controles / 8 fte = 3.125 -> 3.12.
    """
    rows = []
    for n in range(25):
        first = n < 16
        resultaat = (
            ("geen_overtreding" if n == 0 else "overtreding")
            if first
            else ("niet_beoordeeld" if n == 24 else "geen_overtreding" if n < 19 else "overtreding")
        )
        bad = resultaat == "overtreding"
        rows.append(
            {
                "controle_id": f"ODBN-{year}-{n:04d}",
                "bevoegd_gezag": "GM0796" if n % 3 else "PV30",
                "inrichting_id": f"I{n % 9:03d}",
                "datum": f"{year}-{1 + n % 12:02d}-{1 + n:02d}",
                "soort_controle": "fysiek",
                "aanleiding": "programma" if first else "hercontrole",
                "taakveld": "lucht",
                "resultaat": resultaat,
                "lhs_gevolg": "ABCD"[n % 4] if bad else "",
                "lhs_gedrag": "1234"[n % 4] if bad else "",
                "interventie": ("proces_verbaal" if n % 5 == 0 else "waarschuwing") if bad else "",
                "seveso": "nee",
                "uren": "2",
            }
        )
    return rows


def controles_files(year: int) -> list[File]:
    gemeenten = stable_gemeenten()
    home = partner_province()
    files = []
    for partner in CONTROLES_BY_YEAR[year]:
        rng = random.Random(f"controles-{year}-{partner}")
        if partner == "ODBN":
            files.append(File(year, partner, "controles", _tie_controles(year)))
            continue
        if partner == "ODH" and year == 2023:
            files.append(File(year, partner, "controles", [], empty=True))
            continue
        n = rng.randrange(30, 60)
        only = "niet_beoordeeld" if (partner, year) == ("RUDD", 2022) else None
        rows = [
            _controle(rng, year, partner, i, _bevoegd_gezag(rng, home[partner], gemeenten), only)
            for i in range(n)
        ]
        bad: set[int] = set()
        if partner == "ODG":  # one row breaks a rule (an unknown result): quarantined
            rows.append({**rows[0], "controle_id": f"ODG-{year}-9999", "resultaat": "onbekend"})
            bad.add(len(rows) - 1)
        files.append(File(year, partner, "controles", rows, bad))
    return files


# --- kengetallen ---------------------------------------------------------------------------------

OD_KENGETALLEN = KENGETAL_COLUMNS  # the kengetallen the figures divide by


def _od_values(rng: random.Random) -> dict[str, str]:
    besluiten = rng.randrange(40, 200)
    getoetst = rng.randrange(1, 12)
    return {
        "inrichtingen_in_beheer": str(rng.randrange(60, 400)),
        "fte_toezicht_handhaving": f"{rng.randrange(8, 80) / 2:g}",
        "vergunningbesluiten": str(besluiten),
        "vergunningbesluiten_binnen_termijn": str(rng.randrange(besluiten // 2, besluiten + 1)),
        "handhavingsbesluiten_getoetst": str(getoetst),
        "handhavingsbesluiten_in_stand": str(rng.randrange(0, getoetst + 1)),
    }


def kengetallen_files(year: int) -> list[File]:
    files = []
    ods = [p for p in CONTROLES_BY_YEAR[year] if not (p == "ODH" and year == 2022)] + ["ODV"]
    for partner in ods:
        rng = random.Random(f"kengetallen-{year}-{partner}")
        values = _od_values(rng)
        if partner == "DCMR" and year == 2022:
            values |= {
                "fte_toezicht_handhaving": "0",
                "handhavingsbesluiten_getoetst": "0",
                "handhavingsbesluiten_in_stand": "0",
            }
        if partner == "ODBN":
            values["fte_toezicht_handhaving"] = "8"
        if partner == "RUDD":  # delivers only two indicators
            values = {k: values[k] for k in ("inrichtingen_in_beheer", "fte_toezicht_handhaving")}
        if partner == "ODNZKG":  # per bevoegd gezag only: summed to the partner
            rows = [
                {"indicator": k, "bevoegd_gezag": bg, "waarde": v}
                for k, v in values.items()
                for bg, v in (("GM0363", v), ("GM0479", str(int(float(v) * 2) // 2 + 3)))
            ]
        else:
            rows = [{"indicator": k, "bevoegd_gezag": "", "waarde": v} for k, v in values.items()]
        if partner == "OMWB":  # both: the partner-wide row counts
            rows += [
                {"indicator": "inrichtingen_in_beheer", "bevoegd_gezag": "GM0855", "waarde": "999"},
                {"indicator": "inrichtingen_in_beheer", "bevoegd_gezag": "GM0758", "waarde": "7"},
            ]
        files.append(File(year, partner, "kengetallen", rows))
    for partner, indicators in (
        (
            "PV20",
            (
                "handhavingsoverleg_bijeenkomsten",
                "uitvoeringsprogramma_vastgesteld",
                "vth_jaarverslag_vastgesteld",
            ),
        ),
        (
            "PV28",
            (
                "handhavingsoverleg_bijeenkomsten",
                "uitvoeringsprogramma_vastgesteld",
                "vth_jaarverslag_vastgesteld",
            ),
        ),
        ("PV27", ("handhavingsoverleg_bijeenkomsten",)),
    ):
        rng = random.Random(f"kengetallen-{year}-{partner}")
        rows = [
            {
                "indicator": k,
                "bevoegd_gezag": "",
                "waarde": str(
                    rng.randrange(2, 9) if k.endswith("bijeenkomsten") else rng.randrange(2)
                ),
            }
            for k in indicators
        ]
        files.append(File(year, partner, "kengetallen", rows))
    return files


# --- uitkomsten ----------------------------------------------------------------------------------


def uitkomsten_files(year: int) -> list[File]:
    rng = random.Random(f"uitkomsten-{year}")
    odg = [
        {"indicator": "klachten_geur", "gebied": g, "waarde": str(rng.randrange(10, 90))}
        for g in ("GM0014", "GM0037", "GM0047", "GM0765", "GM1952")
        if not (g == "GM0047" and year == 2022)  # not delivered one year: no comparison
    ]
    odg += [
        {"indicator": "emissie_nox", "gebied": g, "waarde": f"{rng.randrange(10, 400) / 4:g}"}
        for g in ("GM0014", "GM0037")
    ]
    odg += [
        {"indicator": "milieu_incidenten", "gebied": g, "waarde": str(rng.randrange(1, 30))}
        for g in ("GM0014", "GM0037")
    ]
    # previous year 0: no change in percent
    odg.append(
        {
            "indicator": "bodemsaneringen_afgerond",
            "gebied": "GM0014",
            "waarde": "0" if year == 2021 else str(rng.randrange(1, 9)),
        }
    )
    # the NL row counts nationally, beside the sum over the gemeenten
    pv20 = [{"indicator": "milieu_incidenten", "gebied": "NL", "waarde": str(900 + year % 100)}]
    geluid = {
        2021: ("GM0363", "GM0457", "GM0398", "GM0501", "GM0530", "GM0614", "GM0518"),
        2022: ("GM0363", "GM0457", "GM1980", "GM0501", "GM0530", "GM0614", "GM0518"),
        2023: ("GM0363", "GM1980", "GM1992", "GM0518"),
    }[year]
    pv27 = [
        {"indicator": "klachten_geluid", "gebied": g, "waarde": str(rng.randrange(50, 500))}
        for g in geluid
        if g[:6] in ("GM0363", "GM0457", "GM0398", "GM1980")
    ] + [
        {"indicator": "klachten_geluid", "gebied": "PV27", "waarde": str(rng.randrange(900, 2000))}
    ]
    pv28 = [
        {"indicator": "klachten_geluid", "gebied": g, "waarde": str(rng.randrange(50, 500))}
        for g in geluid
        if g in ("GM0501", "GM0530", "GM0614", "GM1992", "GM0518")
    ]
    files = [
        File(year, "ODG", "uitkomsten", odg),
        File(year, "PV20", "uitkomsten", pv20),
        File(year, "PV27", "uitkomsten", pv27),
        File(year, "PV28", "uitkomsten", pv28),
    ]
    if year >= 2022:  # the same gebied from two partners: a conflict, never a sum
        files.append(
            File(
                year,
                "ODH",
                "uitkomsten",
                [{"indicator": "klachten_geluid", "gebied": "GM0518", "waarde": "77"}],
            )
        )
    return files


# --- Seveso --------------------------------------------------------------------------------------

# (id, drempel, provincie, omgevingsdienst, gemeente index, actief_vanaf, actief_tot)
ESTABLISHMENTS = (
    ("S01", "hoog", "PV20", "ODG", 0, "2000-01-01", ""),
    ("S02", "hoog", "PV20", "ODG", 1, "2010-05-01", ""),
    ("S03", "hoog", "PV20", "ODG", 2, "2000-01-01", ""),
    ("S04", "laag", "PV20", "ODG", 0, "2000-01-01", ""),
    ("S05", "laag", "PV20", "ODG", 1, "2000-01-01", ""),
    ("S06", "laag", "PV20", "ODG", 2, "2000-01-01", ""),
    ("S11", "hoog", "PV28", "DCMR", 0, "2000-01-01", ""),
    ("S12", "hoog", "PV28", "DCMR", 3, "2000-01-01", ""),
    ("S13", "hoog", "PV28", "DCMR", 5, "2000-01-01", ""),
    ("S14", "hoog", "PV28", "DCMR", 7, "2000-01-01", ""),
    ("S15", "laag", "PV28", "DCMR", 0, "2000-01-01", ""),
    ("S16", "laag", "PV28", "DCMR", 3, "2000-01-01", ""),
    ("S17", "laag", "PV28", "DCMR", 5, "2000-01-01", "2022-05-31"),  # stops during 2022
    ("S18", "hoog", "PV28", "DCMR", 7, "2022-06-01", ""),  # starts during 2022
    ("S21", "hoog", "PV30", "OMWB", 0, "2000-01-01", ""),
    ("S22", "laag", "PV30", "OMWB", 1, "2000-01-01", ""),
    ("S23", "laag", "PV30", "OMWB", 2, "2000-01-01", ""),
    ("S24", "laag", "PV30", "OMWB", 3, "2000-01-01", ""),
    ("S25", "laag", "PV30", "OMWB", 4, "2021-03-01", ""),  # starts during 2021
)
# Lower-tier establishments inspected per year (upper-tier ones every year).
LAAG_INSPECTED = {
    2021: ("S04", "S15", "S22", "S25"),  # S25: counts for 2023's window, not for 2021
    2022: ("S05", "S17", "S23"),
    2023: ("S16", "S22"),
}
HANDHAVING = (
    "geen",
    "geen",
    "geen",
    "waarschuwing",
    "waarschuwing",
    "last_onder_dwangsom",
    "bestuurlijke_boete",
    "proces_verbaal",
    "stillegging",
)


def register_rows(year: int) -> dict[str, list[dict]]:
    """The register of each delivering provincie; S18 appears once it has started."""
    gemeenten = stable_gemeenten()
    out: dict[str, list[dict]] = {}
    for sid, drempel, pv, od, g, vanaf, tot in ESTABLISHMENTS:
        if vanaf[:4] > str(year):
            continue
        gm, vr = gemeenten[pv][g]
        out.setdefault(pv, []).append(
            {
                "inrichting_id": sid,
                "naam": f"Chemie {sid} & Zonen <BV>",
                "drempel": drempel,
                "gemeente": gm,
                "omgevingsdienst": od,
                "veiligheidsregio": vr,
                "actief_vanaf": vanaf,
                "actief_tot": tot,
            }
        )
    return out


def _inspection_rows(year: int) -> dict[str, list[dict]]:
    """Partner rows per partner: joint inspections of OD, NLA and VR, and single ones."""
    rng = random.Random(f"seveso-{year}")
    est = {e[0]: e for e in ESTABLISHMENTS}
    regs = {r["inrichting_id"]: r for rows in register_rows(year).values() for r in rows}
    targets = [e[0] for e in ESTABLISHMENTS if e[1] == "hoog" and e[0] in regs]
    targets += list(LAAG_INSPECTED[year]) + ["S11", "S01"]  # two upper-tier ones twice
    rows: dict[str, list[dict]] = {}

    def add(partner: str, k: int, sid: str, datum: str, joint: str, **over) -> None:
        cat = [rng.choice((0, 0, 0, 1, 2)) for _ in range(3)]
        cat[0] = 1 if rng.random() < 0.1 else 0
        row = {
            "inspectie_id": f"{partner}-{year}-{k:03d}-{len(rows.get(partner, []))}",
            "inrichting_id": sid,
            "datum": datum,
            "gezamenlijke_inspectie_id": joint,
            "type": "onaangekondigd" if rng.random() < 0.2 else "regulier",
            "overtredingen_cat1": cat[0],
            "overtredingen_cat2": cat[1],
            "overtredingen_cat3": cat[2],
            "handhaving": rng.choice(HANDHAVING) if sum(cat) else "geen",
        }
        rows.setdefault(partner, []).append(row | over)

    for k, sid in enumerate(targets):
        od, vr = est[sid][3], regs[sid]["veiligheidsregio"]
        datum = f"{year}-{1 + k % 12:02d}-{1 + k % 28:02d}"
        partners = [od] + (["NLA"] if k % 3 else []) + ([vr] if k % 4 else [])
        if year == 2022 and vr == "VR01":
            partners = [p for p in partners if p != vr]  # VR01 does not deliver in 2022
        joint = f"GI-{year}-{k:03d}" if len(partners) > 1 or k % 5 == 0 else ""
        for p in partners:
            add(p, k, sid, datum, joint)
    # NLA alone, without a joint id: an inspection of its own
    add("NLA", 90, "S03", f"{year}-11-11", "")
    if year >= 2022:  # S18 is not active the whole of 2022 (started in June): left out in 2022
        add("DCMR", 91, "S18", f"{year}-10-10", f"GI-{year}-S18")
    if year == 2022:  # integration conflict on the establishment; markup in delivered ids
        add("DCMR", 92, "S11", "2022-09-09", HOSTILE_JOINT_ID)
        add("VR15", 92, "S12", "2022-09-09", HOSTILE_JOINT_ID, inspectie_id=HOSTILE_INSPECTION_ID)
    if year == 2023:  # integration conflict on the date
        add("OMWB", 93, "S21", "2023-04-04", "GI-2023-DATUM")
        add("NLA", 93, "S21", "2023-04-05", "GI-2023-DATUM")
    return rows


def seveso_files(year: int) -> list[File]:
    files = [
        File(year, pv, "seveso_inrichtingen", rows) for pv, rows in register_rows(year).items()
    ]
    files += [
        File(year, p, "seveso_inspecties", rows) for p, rows in _inspection_rows(year).items()
    ]
    return files


def generate(raw: Path, years: tuple[int, ...] = YEARS) -> Deliveries:
    """Write the deliveries of `years` under `raw` and return what was written."""
    files = []
    for year in years:
        files += controles_files(year)
        files += kengetallen_files(year)
        files += uitkomsten_files(year)
        files += seveso_files(year)
    for f in files:
        _write(raw, f)
    return Deliveries(raw, tuple(years), files)


# --- one build shared by the publication tests ---------------------------------------------------

_BUILDS: dict[str, tuple] = {}


def run_overview(built) -> None:
    """The overview page of all years (the CLI's last step; `build` runs the yearly stages)."""
    from dagster import DagsterInstance
    from dagster_duckdb import DuckDBResource

    from vth_pipeline.definitions import make_definitions
    from vth_pipeline.resources import VthSettings

    defs = make_definitions(
        VthSettings(
            raw_dir=str(built.raw),
            out_dir=str(built.out),
            archive_dir=str(built.warehouse.parent / "archief"),
            reference_dir=str(REFERENCE),
            assets_dir=str(ROOT / "assets"),
        ),
        DuckDBResource(database=str(built.warehouse)),
    )
    job = defs.resolve_job_def("overzicht")
    assert job.execute_in_process(instance=DagsterInstance.ephemeral()).success


def published(tmp_path_factory):
    """(deliveries, built): the generated years built once per test session, with overview."""
    if "main" not in _BUILDS:
        from tests.conftest import build

        tmp = tmp_path_factory.mktemp("publicatie")
        deliveries = generate(tmp / "raw")
        built = build(tmp, tmp / "raw", deliveries.years)
        run_overview(built)
        _BUILDS["main"] = (deliveries, built)
    return _BUILDS["main"]
