"""Controles of one omgevingsdienst in one year, built column-wise with numpy."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from .geo import Geo

# first visits (everything but hercontrole)
AANLEIDING_FIRST = (
    ["programma", "klacht", "melding", "incident", "handhavingsverzoek", "overig"],
    [0.80, 0.07, 0.06, 0.02, 0.015, 0.035],
)
TAAKVELD = (
    [
        "lucht",
        "geluid",
        "geur",
        "bodem",
        "water",
        "afval",
        "asbest",
        "energie",
        "externe_veiligheid",
        "overig",
    ],
    [0.15, 0.14, 0.06, 0.10, 0.08, 0.12, 0.08, 0.10, 0.05, 0.12],
)
RESULTAAT = ["geen_overtreding", "overtreding", "niet_beoordeeld"]
RES_FIRST = [0.61, 0.29, 0.10]
RES_HER = [0.65, 0.27, 0.08]
GEVOLG = (["A", "B", "C", "D"], [0.55, 0.35, 0.08, 0.02])
GEDRAG = (["1", "2", "3", "4"], [0.60, 0.28, 0.10, 0.02])
INTERVENTIE = [
    "waarschuwing",
    "last_onder_dwangsom",
    "last_onder_bestuursdwang",
    "bestuurlijke_boete",
    "proces_verbaal",
    "bestuurlijke_strafbeschikking",
    "geen",
    "intrekking_toestemming",
]
INTERVENTIE_LICHT = [0.83, 0.09, 0.015, 0.015, 0.015, 0.02, 0.01, 0.005]  # gevolg A/B
INTERVENTIE_ZWAAR = [0.30, 0.35, 0.08, 0.07, 0.12, 0.05, 0.0, 0.03]  # gevolg C/D
ROWS_PER_INRICHTING = 1.28  # first visits, second visits and hercontroles per inrichting


@dataclass(frozen=True)
class Pool:
    """The inrichtingen an omgevingsdienst has in its toezichtbestand (stable across years)."""

    prefix: str
    base_gm: np.ndarray  # object array: the gemeente (2021 code) of each inrichting
    is_pv: np.ndarray  # bool: the provincie is bevoegd gezag
    pv: str
    size_2021: int

    def size(self, jaar: int) -> int:
        return min(len(self.base_gm), round(self.size_2021 * (1 + 0.012 * (jaar - 2021))))


def make_pool(rng: np.random.Generator, code: str, pv: str, base_codes: list[str], n_base: float):
    ratio = rng.uniform(1.7, 3.6)
    size_2021 = max(30, round(n_base / ROWS_PER_INRICHTING * ratio))
    size_max = round(size_2021 * 1.25) + 10
    weights = rng.lognormal(0.0, 0.7, len(base_codes))
    weights /= weights.sum()
    gm = np.asarray(base_codes, dtype=object)[rng.choice(len(base_codes), size_max, p=weights)]
    is_pv = rng.random(size_max) < 0.10
    return Pool(code, gm, is_pv, pv, size_2021)


def pick(rng: np.random.Generator, choices: tuple[list[str], list[float]], n: int) -> np.ndarray:
    codes, p = choices
    p = np.asarray(p, dtype=float)
    return np.asarray(codes, dtype=object)[rng.choice(len(codes), n, p=p / p.sum())]


def weekdays(rng: np.random.Generator, jaar: int, n: int, lo: int = 0, hi: int | None = None):
    """Day numbers (0 = 1 January) of working days in [lo, hi)."""
    ndays = (np.datetime64(f"{jaar + 1}-01-01") - np.datetime64(f"{jaar}-01-01")).astype(int)
    hi = ndays if hi is None else hi
    d = rng.integers(lo, hi, n)
    return to_weekday(d, jaar, lo, hi)


def to_weekday(d: np.ndarray, jaar: int, lo: int, hi: int) -> np.ndarray:
    start = np.datetime64(f"{jaar}-01-01", "D").astype(np.int64)
    wd = (start + d + 3) % 7  # Monday = 0
    back = d - np.where(wd == 5, 1, np.where(wd == 6, 2, 0))
    fwd = d + np.where(wd == 5, 2, np.where(wd == 6, 1, 0))
    out = np.where(back >= lo, back, fwd)
    return np.clip(out, lo, hi - 1)


def to_dates(jaar: int, d: np.ndarray) -> np.ndarray:
    return np.datetime64(f"{jaar}-01-01", "D") + d.astype("timedelta64[D]")


@dataclass
class ControleStats:
    rows: int
    inrichtingen: int
    handhavingsbesluiten: int
    overtredingen: int


def controles_table(
    rng: np.random.Generator,
    *,
    code: str,
    jaar: int,
    n_target: int,
    pool: Pool,
    geo: Geo,
    seveso_sites: list[tuple[str, str]],
    id_style: int,
) -> tuple[pl.DataFrame, ControleStats]:
    ndays = int((np.datetime64(f"{jaar + 1}-01-01") - np.datetime64(f"{jaar}-01-01")).astype(int))
    # --- first visits: m distinct inrichtingen, some visited twice
    m = max(5, round(n_target / ROWS_PER_INRICHTING))
    m = min(m, pool.size(jaar))
    sel = rng.choice(pool.size(jaar), m, replace=False)
    n_extra = round(0.15 * m)
    extra_pos = rng.choice(m, n_extra, replace=False)
    inr = np.concatenate([sel, sel[extra_pos]])
    is_extra = np.concatenate([np.zeros(m, bool), np.ones(n_extra, bool)])
    has_extra = np.zeros(m, bool)
    has_extra[extra_pos] = True
    has_extra = np.concatenate([has_extra, np.ones(n_extra, bool)])
    nf = len(inr)
    day = weekdays(rng, jaar, nf)
    aanl = pick(rng, AANLEIDING_FIRST, nf)
    taak = pick(rng, TAAKVELD, nf)
    res = np.asarray(RESULTAAT, dtype=object)[rng.choice(3, nf, p=RES_FIRST)]
    # --- hercontroles after an overtreding (level 1), and once more (level 2)
    cand = (res == "overtreding") & ~is_extra & (rng.random(nf) < 0.45)
    h1_day = day[cand] + rng.integers(14, 91, cand.sum())
    keep = h1_day < ndays
    h1_src = np.flatnonzero(cand)[keep]
    h1_day = to_weekday(h1_day[keep], jaar, 0, ndays)
    h1_res = np.asarray(RESULTAAT, dtype=object)[rng.choice(3, len(h1_src), p=RES_HER)]
    cand2 = (h1_res == "overtreding") & ~has_extra[h1_src] & (rng.random(len(h1_src)) < 0.5)
    h2_day = h1_day[cand2] + rng.integers(14, 61, cand2.sum())
    keep2 = h2_day < ndays
    h2_src = h1_src[cand2][keep2]
    h2_day = to_weekday(h2_day[keep2], jaar, 0, ndays)
    h2_res = np.asarray(RESULTAAT, dtype=object)[rng.choice(3, len(h2_src), p=RES_HER)]
    her_src = np.concatenate([h1_src, h2_src])
    inr = np.concatenate([inr, inr[her_src]])
    day = np.concatenate([day, h1_day, h2_day])
    aanl = np.concatenate([aanl, np.full(len(her_src), "hercontrole", dtype=object)])
    taak = np.concatenate([taak, taak[her_src]])
    res = np.concatenate([res, h1_res, h2_res])
    n = len(inr)
    fysiek = np.where(aanl == "hercontrole", 0.65, 0.76)
    soort = np.where(rng.random(n) < fysiek, "fysiek", "administratief").astype(object)
    dates = to_dates(jaar, day)
    base_gm = pool.base_gm[inr]
    bg = geo.codes_on(base_gm, dates)
    bg[pool.is_pv[inr]] = pool.pv
    inr_id = np.char.add(f"{pool.prefix}-", np.char.zfill((inr + 1).astype(str), 6)).astype(object)
    seveso = np.where(rng.random(n) < 0.4, False, None).astype(object)
    # --- controles at Seveso-inrichtingen of the register (Seveso-omgevingsdiensten only)
    if seveso_sites:
        k = min(len(seveso_sites), max(3, round(0.02 * n_target)))
        chosen = rng.choice(len(seveso_sites), k, replace=False)
        s_ids = np.asarray([seveso_sites[i][0] for i in chosen], dtype=object)
        s_pv = np.asarray([seveso_sites[i][1] for i in chosen], dtype=object)
        s_day = weekdays(rng, jaar, k)
        inr_id = np.concatenate([inr_id, s_ids])
        bg = np.concatenate([bg, s_pv])
        dates = np.concatenate([dates, to_dates(jaar, s_day)])
        aanl = np.concatenate(
            [aanl, pick(rng, (["programma", "melding", "incident"], [0.85, 0.1, 0.05]), k)]
        )
        taak = np.concatenate(
            [
                taak,
                pick(
                    rng,
                    (["externe_veiligheid", "lucht", "water", "bodem"], [0.6, 0.2, 0.1, 0.1]),
                    k,
                ),
            ]
        )
        res = np.concatenate(
            [res, np.asarray(RESULTAAT, dtype=object)[rng.choice(3, k, p=RES_FIRST)]]
        )
        soort = np.concatenate([soort, np.full(k, "fysiek", dtype=object)])
        seveso = np.concatenate([seveso, np.full(k, True, dtype=object)])
        n += k
    # --- LHS and interventie exactly when overtreding
    over = res == "overtreding"
    no = int(over.sum())
    gevolg = np.full(n, None, dtype=object)
    gedrag = np.full(n, None, dtype=object)
    interv = np.full(n, None, dtype=object)
    g = pick(rng, GEVOLG, no)
    gevolg[over] = g
    gedrag[over] = pick(rng, GEDRAG, no)
    zwaar = np.isin(g, ["C", "D"])
    iv = np.where(
        zwaar,
        pick(rng, (INTERVENTIE, INTERVENTIE_ZWAAR), no),
        pick(rng, (INTERVENTIE, INTERVENTIE_LICHT), no),
    )
    interv[over] = iv
    # --- hours
    mean = np.where(soort == "fysiek", np.log(3.2), np.log(1.2))
    uren = np.clip(np.round(rng.lognormal(mean, 0.6), 1), 0.5, 40.0)
    uren = np.where(rng.random(n) < 0.05, np.nan, uren)
    # --- order by date, number the controles
    order = np.lexsort((rng.random(n), dates))
    seq = np.arange(1, n + 1)
    yy = jaar % 100
    ids = {
        0: np.char.add(f"{code}-{jaar}-", np.char.zfill(seq.astype(str), 6)),
        1: np.char.add(f"C{yy:02d}.", np.char.zfill(seq.astype(str), 6)),
        2: np.char.add(f"{code}/{jaar}/", seq.astype(str)),
        3: np.char.add(str(jaar), np.char.zfill(seq.astype(str), 7)),
    }[id_style % 4]
    df = pl.DataFrame(
        {
            "controle_id": pl.Series(ids.astype(object).tolist(), dtype=pl.Utf8),
            "bevoegd_gezag": pl.Series(bg[order].tolist(), dtype=pl.Utf8),
            "inrichting_id": pl.Series(inr_id[order].tolist(), dtype=pl.Utf8),
            "datum": pl.Series(dates[order]).cast(pl.Date),
            "soort_controle": pl.Series(soort[order].tolist(), dtype=pl.Utf8),
            "aanleiding": pl.Series(aanl[order].tolist(), dtype=pl.Utf8),
            "taakveld": pl.Series(taak[order].tolist(), dtype=pl.Utf8),
            "resultaat": pl.Series(res[order].tolist(), dtype=pl.Utf8),
            "lhs_gevolg": pl.Series(gevolg[order].tolist(), dtype=pl.Utf8),
            "lhs_gedrag": pl.Series(gedrag[order].tolist(), dtype=pl.Utf8),
            "interventie": pl.Series(interv[order].tolist(), dtype=pl.Utf8),
            "seveso": pl.Series(seveso[order].tolist(), dtype=pl.Boolean),
            "uren": pl.Series(uren[order], dtype=pl.Float64).fill_nan(None),
        }
    )
    stats = ControleStats(
        rows=n,
        inrichtingen=int(len(np.unique(inr_id))),
        handhavingsbesluiten=int(
            np.isin(interv, ["last_onder_dwangsom", "last_onder_bestuursdwang"]).sum()
        ),
        overtredingen=no,
    )
    return df, stats
