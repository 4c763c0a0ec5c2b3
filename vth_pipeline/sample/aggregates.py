"""Kengetallen and uitkomsten: small long-format tables."""

from __future__ import annotations

import numpy as np
import polars as pl

OD_INDICATORS = [
    "vergunningaanvragen_ontvangen",
    "vergunningbesluiten",
    "vergunningbesluiten_binnen_termijn",
    "meldingen_ontvangen",
    "klachten_ontvangen",
    "handhavingsverzoeken_ontvangen",
    "handhavingsbesluiten",
    "handhavingsbesluiten_getoetst",
    "handhavingsbesluiten_in_stand",
    "inrichtingen_in_beheer",
    "fte_vergunningverlening",
    "fte_toezicht_handhaving",
]
FTE = {"fte_vergunningverlening", "fte_toezicht_handhaving"}


def od_kengetallen(
    rng: np.random.Generator,
    *,
    n_rows: int,
    n_full: float,
    in_beheer: int,
    getoetst_zero: bool,
) -> dict[str, float]:
    """Partner-wide kengetallen of an omgevingsdienst.

    ``inrichtingen_in_beheer`` and the fte follow the delivered controles (``n_rows``); the
    other counts follow the partner's size at scale 1 (``n_full``), so they do not shrink with
    the sample scale.
    """
    aanvragen = round(n_full * rng.uniform(0.04, 0.08))
    besluiten = round(aanvragen * rng.uniform(0.85, 1.0))
    binnen = int(rng.binomial(besluiten, rng.uniform(0.72, 0.97)))
    hh_besluiten = round(n_full * rng.uniform(0.012, 0.03))
    getoetst = 0 if getoetst_zero else int(rng.binomial(hh_besluiten, rng.uniform(0.03, 0.08)))
    in_stand = int(rng.binomial(getoetst, rng.uniform(0.6, 0.95)))
    fte_th = _fte(n_rows / rng.uniform(150, 400))
    fte_vv = _fte(fte_th * rng.uniform(0.6, 1.1))
    return {
        "vergunningaanvragen_ontvangen": aanvragen,
        "vergunningbesluiten": besluiten,
        "vergunningbesluiten_binnen_termijn": binnen,
        "meldingen_ontvangen": round(n_full * rng.uniform(0.15, 0.4)),
        "klachten_ontvangen": round(n_full * rng.uniform(0.08, 0.2)),
        "handhavingsverzoeken_ontvangen": round(n_full * rng.uniform(0.002, 0.006)),
        "handhavingsbesluiten": hh_besluiten,
        "handhavingsbesluiten_getoetst": getoetst,
        "handhavingsbesluiten_in_stand": in_stand,
        "inrichtingen_in_beheer": in_beheer,
        "fte_vergunningverlening": fte_vv,
        "fte_toezicht_handhaving": fte_th,
    }


def _fte(x: float) -> float:
    """Formation in fte: two decimals for small (sample-scale) numbers, else one."""
    return max(0.1, round(x, 2 if x < 10 else 1))


def split_per_bg(
    rng: np.random.Generator, values: dict[str, float], areas: list[str]
) -> dict[str, np.ndarray]:
    """Split partner-wide values over bevoegde gezagen, keeping part <= whole per area."""
    w = rng.lognormal(0.0, 0.6, len(areas))
    p = w / w.sum()
    out: dict[str, np.ndarray] = {}
    for ind, v in values.items():
        if ind in FTE:
            out[ind] = rng.multinomial(round(v * 100), p) / 100.0
        elif ind in ("vergunningbesluiten_binnen_termijn", "handhavingsbesluiten_in_stand"):
            continue  # parts of another figure: drawn below so that part <= whole
        else:
            out[ind] = rng.multinomial(int(v), p).astype(float)
    rate_b = values["vergunningbesluiten_binnen_termijn"] / max(1, values["vergunningbesluiten"])
    out["vergunningbesluiten_binnen_termijn"] = rng.binomial(
        out["vergunningbesluiten"].astype(int), rate_b
    ).astype(float)
    rate_s = values["handhavingsbesluiten_in_stand"] / max(
        1, values["handhavingsbesluiten_getoetst"]
    )
    out["handhavingsbesluiten_in_stand"] = rng.binomial(
        out["handhavingsbesluiten_getoetst"].astype(int), rate_s
    ).astype(float)
    return {k: out[k] for k in values}


def kengetallen_frame(
    wide: dict[str, float] | None, per_bg: dict[str, np.ndarray] | None, areas: list[str]
) -> pl.DataFrame:
    ind, bg, val = [], [], []
    if wide is not None:
        for k, v in wide.items():
            ind.append(k)
            bg.append(None)
            val.append(float(v))
    if per_bg is not None:
        for k, arr in per_bg.items():
            ind += [k] * len(areas)
            bg += list(areas)
            val += [float(x) for x in arr]
    return pl.DataFrame(
        {
            "indicator": pl.Series(ind, dtype=pl.Utf8),
            "bevoegd_gezag": pl.Series(bg, dtype=pl.Utf8),
            "waarde": pl.Series(val, dtype=pl.Float64),
        }
    )


def provincie_kengetallen(rng: np.random.Generator) -> pl.DataFrame:
    return kengetallen_frame(
        {
            "handhavingsoverleg_bijeenkomsten": int(rng.integers(2, 9)),
            "uitvoeringsprogramma_vastgesteld": int(rng.random() < 0.9),
            "vth_jaarverslag_vastgesteld": int(rng.random() < 0.8),
        },
        None,
        [],
    )


# base level per gebied (lognormal median, sigma, decimals)
UITKOMST_BASE = {
    "klachten_geur": (25.0, 0.6, None),
    "klachten_geluid": (50.0, 0.6, None),
    "milieu_incidenten": (8.0, 0.7, None),
    "ongewone_voorvallen_seveso": (0.6, 0.0, None),
    "emissie_nox": (40.0, 1.0, 1),
    "emissie_pm10": (4.0, 1.0, 2),
    "bodemsaneringen_afgerond": (3.0, 0.0, None),
    "asbestdaken_gesaneerd": (15000.0, 0.8, 0),
}


def uitkomst_values(
    seed: int, jaar: int, indicator: str, gebieden: list[str], factor: float = 1.0
) -> np.ndarray:
    """Values per gebied; the level of a gebied is stable across years (seeded per code)."""
    median, sigma, decimals = UITKOMST_BASE[indicator]
    ind_no = list(UITKOMST_BASE).index(indicator)
    out = np.empty(len(gebieden))
    for i, g in enumerate(gebieden):
        code_no = int("".join(ch for ch in g if ch.isdigit()) or "0")
        base_rng = np.random.default_rng([seed, 9101, code_no, ind_no])
        level = median * factor * base_rng.lognormal(0.0, max(sigma, 0.3))
        year_rng = np.random.default_rng([seed, 9102, code_no, ind_no, jaar])
        level *= (1 - 0.02 * (jaar - 2021)) * year_rng.lognormal(0.0, 0.08)
        if decimals is None:
            out[i] = float(year_rng.poisson(level))
        else:
            out[i] = round(level, decimals)
    return out


def uitkomsten_frame(rows: list[tuple[str, str, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "indicator": pl.Series([r[0] for r in rows], dtype=pl.Utf8),
            "gebied": pl.Series([r[1] for r in rows], dtype=pl.Utf8),
            "waarde": pl.Series([float(r[2]) for r in rows], dtype=pl.Float64),
        }
    )
