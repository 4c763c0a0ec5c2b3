"""The Seveso register (stable across years) and the integrated Seveso inspections of a year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from vth_pipeline.contract.columns import FILE_KINDS

from .controles import to_dates, to_weekday
from .reference import Reference

# establishments per provincie, before those that stop (about 4 a year) are taken out
PV_COUNTS = {
    "PV20": 30,
    "PV21": 10,
    "PV22": 12,
    "PV23": 18,
    "PV24": 5,
    "PV25": 35,
    "PV26": 10,
    "PV27": 46,
    "PV28": 116,
    "PV29": 35,
    "PV30": 56,
    "PV31": 41,
}
# which Seveso-omgevingsdienst supervises the establishments of a provincie
SEVESO_OD = {
    "PV20": "ODG",
    "PV21": "ODG",
    "PV22": "ODG",
    "PV23": "ODRN",
    "PV25": "ODRN",
    "PV24": "ODNZKG",
    "PV26": "ODNZKG",
    "PV27": "ODNZKG",
    "PV28": "DCMR",
    "PV29": "OMWB",
    "PV30": "OMWB",
    "PV31": "RUDZL",
}
# industrial gemeenten get more establishments (others weight 1)
HUBS = {
    "GM0599": 30,
    "GM1709": 14,
    "GM0715": 12,
    "GM1883": 12,
    "GM1979": 10,
    "GM0363": 8,
    "GM0453": 6,
    "GM0654": 5,
    "GM0718": 5,
    "GM0505": 5,
    "GM0606": 4,
    "GM0622": 4,
    "GM0748": 4,
    "GM0268": 4,
    "GM0614": 3,
    "GM0457": 2,
    "GM0642": 3,
    "GM0375": 3,
    "GM0479": 3,
    "GM0983": 3,
    "GM0080": 3,
    "GM0114": 3,
    "GM0164": 3,
    "GM0995": 3,
    "GM0400": 3,
}
HORIZON = range(2021, 2041)  # lifecycle events are drawn for these years, whatever is generated
STARTS_PER_YEAR = 4
STOPS_PER_YEAR = 4

_STEMS = [
    "Chemie",
    "Tankopslag",
    "Gasopslag",
    "Kunstmest",
    "Terminal",
    "Opslag en Distributie",
    "Coatings",
    "Polymeren",
    "Industriegassen",
    "Pharma",
    "Energie",
    "Waterstof",
    "Logistiek",
    "Bestrijdingsmiddelen",
    "Vuurwerkopslag",
]
_FIRMS = ["Noordzee", "Delta", "Rijn", "Maas", "Zuidwest", "Polder", "Haven", "Kanaal", "Kempen"]

INSPECTIETYPE = (
    ["regulier", "onaangekondigd", "hercontrole", "thematisch", "incident"],
    [0.62, 0.18, 0.08, 0.10, 0.02],
)
HANDHAVING_LICHT = (
    [
        "waarschuwing",
        "last_onder_dwangsom",
        "last_onder_bestuursdwang",
        "bestuurlijke_boete",
        "proces_verbaal",
        "stillegging",
    ],
    [0.80, 0.10, 0.03, 0.03, 0.03, 0.01],
)
HANDHAVING_ZWAAR = (
    ["last_onder_dwangsom", "proces_verbaal", "stillegging", "last_onder_bestuursdwang"],
    [0.4, 0.3, 0.2, 0.1],
)


@dataclass
class Register:
    """All establishments that ever appear, with their lifecycle."""

    ids: np.ndarray
    naam: np.ndarray
    drempel: np.ndarray
    pv: np.ndarray
    base_gm: np.ndarray
    vanaf: np.ndarray  # datetime64[D]
    tot: np.ndarray  # datetime64[D], NaT = still active


def _name(rng: np.random.Generator, place: str, pv_naam: str) -> str:
    stem = _STEMS[rng.integers(len(_STEMS))]
    form = rng.integers(6)
    if form == 0:
        return f"{place} {stem} B.V."
    if form == 1:
        return f"{_FIRMS[rng.integers(len(_FIRMS))]} {stem} {place}"
    if form == 2:
        return f"{pv_naam} {stem} – {place}"
    if form == 3:
        return f"{stem} {place} N.V."
    if form == 4:
        return f"{_FIRMS[rng.integers(len(_FIRMS))]}-{stem} Holding B.V., vestiging {place}"
    return f"{pv_naam} {stem} B.V."


def build_register(ref: Reference, rng: np.random.Generator) -> Register:
    base_codes = ref.base_codes()
    by_pv: dict[str, list[str]] = {}
    for c in base_codes:
        by_pv.setdefault(ref.gemeenten[c].provincie_code, []).append(c)
    pvs, gms = [], []
    for pv, n in PV_COUNTS.items():
        codes = by_pv[pv]
        w = np.asarray([HUBS.get(c, 1.0) for c in codes], dtype=float)
        pvs += [pv] * n
        gms += list(np.asarray(codes, dtype=object)[rng.choice(len(codes), n, p=w / w.sum())])
    n_base = len(pvs)
    vanaf = np.datetime64("1995-01-01") + rng.integers(0, 9131, n_base).astype("timedelta64[D]")
    tot = np.full(n_base, np.datetime64("NaT"), dtype="datetime64[D]")
    # stops: four base establishments a year, one of them on 31 December (still active that year)
    stoppers = rng.choice(n_base, STOPS_PER_YEAR * len(HORIZON), replace=False)
    for i, jaar in enumerate(HORIZON):
        days = [f"{jaar}-06-30", f"{jaar}-03-31", f"{jaar}-09-15", f"{jaar}-12-31"]
        for j, d in enumerate(days[:STOPS_PER_YEAR]):
            tot[stoppers[i * STOPS_PER_YEAR + j]] = np.datetime64(d)
    # starts: four new establishments a year, one of them on 1 January (active that year)
    weights = np.asarray(list(PV_COUNTS.values()), dtype=float)
    for jaar in HORIZON:
        for d in [f"{jaar}-01-01", f"{jaar}-04-01", f"{jaar}-07-01", f"{jaar}-10-15"]:
            pv = list(PV_COUNTS)[rng.choice(len(PV_COUNTS), p=weights / weights.sum())]
            codes = by_pv[pv]
            w = np.asarray([HUBS.get(c, 1.0) for c in codes], dtype=float)
            pvs.append(pv)
            gms.append(codes[rng.choice(len(codes), p=w / w.sum())])
            vanaf = np.append(vanaf, np.datetime64(d))
            tot = np.append(tot, np.datetime64("NaT"))
    n = len(pvs)
    drempel = np.where(rng.random(n) < 0.40, "hoog", "laag").astype(object)
    perm = rng.permutation(n)
    ids = np.empty(n, dtype=object)
    ids[perm] = [f"S{i + 1:04d}" for i in range(n)]
    names = np.asarray(
        [
            _name(rng, ref.gemeenten[g].naam, ref.provincies[p])
            for g, p in zip(gms, pvs, strict=True)
        ],
        dtype=object,
    )
    return Register(
        ids,
        names,
        drempel,
        np.asarray(pvs, dtype=object),
        np.asarray(gms, dtype=object),
        vanaf,
        tot,
    )


def register_of_year(ref: Reference, reg: Register, jaar: int) -> pl.DataFrame:
    """The establishments in the registers of ``jaar`` (all provincies), with helper columns."""
    y0, y1 = np.datetime64(f"{jaar}-01-01"), np.datetime64(f"{jaar}-12-31")
    has_tot = ~np.isnat(reg.tot)
    in_reg = (reg.vanaf <= y1) & (~has_tot | (reg.tot >= y0))
    active = (reg.vanaf <= y0) & (~has_tot | (reg.tot >= y1))
    idx = np.flatnonzero(in_reg)
    gm, vr = [], []
    for i in idx:
        # Noord-Holland keeps its register on 1 January, the others on 31 December
        peil = date(jaar, 1, 1) if reg.pv[i] == "PV27" else date(jaar, 12, 31)
        code = ref.code_on(reg.base_gm[i], peil)
        gm.append(code)
        vr.append(ref.gemeenten[code].vr_code)
    df = pl.DataFrame(
        {
            "inrichting_id": pl.Series(reg.ids[idx].tolist(), dtype=pl.Utf8),
            "naam": pl.Series(reg.naam[idx].tolist(), dtype=pl.Utf8),
            "drempel": pl.Series(reg.drempel[idx].tolist(), dtype=pl.Utf8),
            "gemeente": pl.Series(gm, dtype=pl.Utf8),
            "omgevingsdienst": pl.Series([SEVESO_OD[p] for p in reg.pv[idx]], dtype=pl.Utf8),
            "veiligheidsregio": pl.Series(vr, dtype=pl.Utf8),
            "actief_vanaf": pl.Series(reg.vanaf[idx]).cast(pl.Date),
            "actief_tot": pl.Series(reg.tot[idx]).cast(pl.Date),
            "_pv": pl.Series(reg.pv[idx].tolist(), dtype=pl.Utf8),
            "_actief": pl.Series(active[idx]),
            "_num": pl.Series(idx),
        }
    )
    return df.sort("inrichting_id")


def inspections_of_year(
    rng: np.random.Generator, reg_year: pl.DataFrame, jaar: int
) -> pl.DataFrame:
    """Partner rows of the Seveso inspections of ``jaar`` (columns of the contract + helpers).

    Helper columns: ``_partner`` (delivering partner), ``_insp`` (number of the integrated
    inspection), ``_key`` (a unique row key), ``_npartners`` (partners taking part).
    """
    ndays = int((np.datetime64(f"{jaar + 1}-01-01") - np.datetime64(f"{jaar}-01-01")).astype(int))
    y0 = np.datetime64(f"{jaar}-01-01")
    active = reg_year["_actief"].to_numpy()
    hoog = reg_year["drempel"].to_numpy() == "hoog"
    num = reg_year["_num"].to_numpy()
    n_est = reg_year.height
    n_insp = np.zeros(n_est, dtype=np.int64)
    ha = active & hoog
    # As published (2017-2022): ~95 % of active establishments inspected in a year, ~1.2
    # integrated inspections per inspected establishment; upper tier at least yearly, lower tier
    # mostly yearly too, with its three-yearly cycle as the floor.
    n_insp[ha] = rng.choice([1, 2, 3], ha.sum(), p=[0.72, 0.25, 0.03])
    la = active & ~hoog
    on_cycle = (num + jaar) % 3 == 0
    inspected = rng.random(n_est) < np.where(on_cycle, 0.99, 0.90)
    n_insp[la] = (inspected & la)[la] * (1 + (rng.random(la.sum()) < 0.10))
    part = ~active
    n_insp[part] = rng.random(part.sum()) < 0.5
    est = np.repeat(np.arange(n_est), n_insp)
    k = len(est)
    # dates inside the establishment's period of the year
    vanaf = (reg_year["actief_vanaf"].to_numpy().astype("datetime64[D]") - y0).astype(int)
    tot_col = reg_year["actief_tot"].to_numpy().astype("datetime64[D]")
    tot = np.where(np.isnat(tot_col), ndays - 1, (tot_col - y0).astype(int))
    lo = np.clip(vanaf, 0, ndays - 1)[est]
    hi = np.clip(tot, 0, ndays - 1)[est] + 1
    day = lo + (rng.random(k) * (hi - lo)).astype(int)
    day = to_weekday(np.clip(day, lo, hi - 1), jaar, lo, hi)
    # who takes part: the Seveso-omgevingsdienst, NLA, the veiligheidsregio
    joint = rng.random(k) < 0.92
    od = np.ones(k, bool)
    nla = rng.random(k) < 0.74
    vr = rng.random(k) < 0.97
    vr |= ~nla & ~vr
    solo_who = rng.choice(3, k, p=[0.7, 0.2, 0.1])
    od = np.where(joint, od, solo_who == 0)
    nla = np.where(joint, nla, solo_who == 1)
    vr = np.where(joint, vr, solo_who == 2)
    takes = np.stack([od, nla, vr], axis=1)  # (k, 3)
    # violations of the inspection, then who established them
    violated = rng.random(k) < 0.53
    nviol = np.where(violated, 1 + rng.poisson(2.2, k), 0)
    vi = np.repeat(np.arange(k), nviol)
    cat = rng.choice(3, len(vi), p=[0.008, 0.27, 0.722])
    w = takes[vi] * np.asarray([0.6, 0.3, 0.1])
    cum = np.cumsum(w / w.sum(axis=1, keepdims=True), axis=1)
    who = (rng.random(len(vi))[:, None] > cum).sum(axis=1)
    who = np.minimum(who, 2)
    counts = np.zeros((k, 3, 3), dtype=np.int64)  # inspection, partner, category
    np.add.at(counts, (vi, who, cat), 1)
    base_type = np.asarray(INSPECTIETYPE[0], dtype=object)[rng.choice(5, k, p=INSPECTIETYPE[1])]
    # order inspections by date and number the joint ones
    order = np.lexsort((rng.random(k), day))
    est, day, takes, counts, base_type = (
        est[order],
        day[order],
        takes[order],
        counts[order],
        base_type[order],
    )
    joint = takes.sum(axis=1) >= 2
    gi = np.full(k, None, dtype=object)
    gi[joint] = [f"GI-{jaar}-{i + 1:04d}" for i in range(int(joint.sum()))]
    # one row per (inspection, partner)
    ins_i, par_i = np.nonzero(takes)
    n = len(ins_i)
    ids = reg_year["inrichting_id"].to_numpy()
    od_code = reg_year["omgevingsdienst"].to_numpy()
    vr_code = reg_year["veiligheidsregio"].to_numpy()
    partner = np.where(
        par_i == 0, od_code[est[ins_i]], np.where(par_i == 1, "NLA", vr_code[est[ins_i]])
    ).astype(object)
    rtype = np.where(
        rng.random(n) < 0.85,
        base_type[ins_i],
        np.asarray(INSPECTIETYPE[0], dtype=object)[rng.choice(5, n, p=INSPECTIETYPE[1])],
    )
    c = counts[ins_i, par_i]  # (n, 3)
    hh_licht = np.asarray(HANDHAVING_LICHT[0], dtype=object)[
        rng.choice(len(HANDHAVING_LICHT[0]), n, p=HANDHAVING_LICHT[1])
    ]
    hh_zwaar = np.asarray(HANDHAVING_ZWAAR[0], dtype=object)[
        rng.choice(len(HANDHAVING_ZWAAR[0]), n, p=HANDHAVING_ZWAAR[1])
    ]
    handhaving = np.where(c.sum(axis=1) == 0, "geen", np.where(c[:, 0] > 0, hh_zwaar, hh_licht))
    df = pl.DataFrame(
        {
            "_partner": pl.Series(partner.tolist(), dtype=pl.Utf8),
            "inrichting_id": pl.Series(ids[est[ins_i]].tolist(), dtype=pl.Utf8),
            "datum": pl.Series(to_dates(jaar, day[ins_i])).cast(pl.Date),
            "gezamenlijke_inspectie_id": pl.Series(gi[ins_i].tolist(), dtype=pl.Utf8),
            "type": pl.Series(rtype.tolist(), dtype=pl.Utf8),
            "overtredingen_cat1": pl.Series(c[:, 0]),
            "overtredingen_cat2": pl.Series(c[:, 1]),
            "overtredingen_cat3": pl.Series(c[:, 2]),
            "handhaving": pl.Series(handhaving.astype(object).tolist(), dtype=pl.Utf8),
            "_insp": pl.Series(ins_i),
            "_npartners": pl.Series(takes.sum(axis=1)[ins_i]),
            "_drempel": pl.Series(reg_year["drempel"].to_numpy()[est[ins_i]].tolist()),
        }
    )
    # each partner numbers its own rows
    df = df.with_columns(_seq=pl.int_range(1, pl.len() + 1).over("_partner"))
    yy = jaar % 100
    df = df.with_columns(
        inspectie_id=pl.when(pl.col("_partner") == "NLA")
        .then(
            pl.format("NLA-{}-{}", pl.lit(f"{yy:02d}"), pl.col("_seq").cast(pl.Utf8).str.zfill(5))
        )
        .when(pl.col("_partner").str.starts_with("VR"))
        .then(
            pl.format(
                "{}/{}/{}",
                pl.col("_partner"),
                pl.lit(str(jaar)),
                pl.col("_seq").cast(pl.Utf8).str.zfill(3),
            )
        )
        .otherwise(
            pl.format(
                "{}-BRZO-{}-{}",
                pl.col("_partner"),
                pl.lit(str(jaar)),
                pl.col("_seq").cast(pl.Utf8).str.zfill(4),
            )
        )
    )
    df = df.with_columns(_key=pl.int_range(0, pl.len()))
    cols = list(FILE_KINDS["seveso_inspecties"].column_names)
    return df.select(cols + ["_partner", "_insp", "_npartners", "_drempel", "_key"])


def shift_date(d: date, jaar: int) -> date:
    """Another day close to ``d`` inside ``jaar``."""
    other = d + timedelta(days=1)
    return other if other.year == jaar else d - timedelta(days=1)
