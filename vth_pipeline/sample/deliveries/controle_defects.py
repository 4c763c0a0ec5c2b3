"""Deliberate bad rows in a controles file: each scenario picks a row and breaks one rule."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import numpy as np
import polars as pl

from ..context import bad_date
from ..manifest import QUARANTAINE
from ..render import Mark
from ..year import Year


class _Planter:
    """Picks distinct, ordinary rows (stable gemeente, no Seveso) and records the edits."""

    def __init__(self, year: Year, df: pl.DataFrame, code: str) -> None:
        self.year = year
        self.df = df
        self.code = code
        self.rng = year.rng(year.ctx.partner(code).index, 2)
        self.used: set[int] = set()
        self.marks: list[Mark] = []
        self.overrides: dict[tuple[int, str], str] = {}
        self.extra: dict[int, list[str]] = {}
        self.bg = df["bevoegd_gezag"].to_numpy()
        self.res = df["resultaat"].to_numpy()
        self.datum = df["datum"].to_numpy()
        sev = df["seveso"].fill_null(False).to_numpy()
        self.base_ok = np.isin(self.bg, year.stable) & ~sev

    def take(self, cond: np.ndarray | None = None, k: int = 1) -> list[int]:
        ok = self.base_ok.copy() if cond is None else self.base_ok & cond
        if self.used:
            ok[list(self.used)] = False
        cand = np.flatnonzero(ok)
        if len(cand) < k:
            cand = np.setdiff1d(np.arange(self.df.height), list(self.used))
        rows = sorted(int(x) for x in self.rng.choice(cand, k, replace=False))
        self.used.update(rows)
        return rows

    def set_cell(self, col: str, row: int, value: Any) -> None:
        self.df = self.df.with_columns(self.df[col].scatter([row], [value]))

    def mark(self, row: int | None, column: str | None, klasse: str, detail: str = "") -> None:
        self.marks.append(Mark(row, column, klasse, QUARANTAINE, detail))

    def edits(self) -> dict[str, Any]:
        return {"marks": self.marks, "overrides": self.overrides, "extra_fields": self.extra}


def plant_controles(year: Year, df: pl.DataFrame, code: str) -> tuple[pl.DataFrame, dict]:
    """Apply the row scenarios planned for ``code``; returns the table and the write edits."""
    names = year.plan.for_partner(code, "c_")
    if not names:
        return df, {}
    p = _Planter(year, df, code)
    for name in names:
        plant = _gemeente if name.startswith("c_gemeente") else _PLANTERS.get(name)
        if plant is not None:
            plant(p)
    return p.df, p.edits()


def _datum_ongeldig(p: _Planter) -> None:
    (r,) = p.take()
    p.overrides[(r, "datum")] = bad_date(p.year.ctx.profiles[p.code], p.year.jaar)
    p.mark(r, "datum", "datum_ongeldig", "31 February")


def _datum_buiten_jaar(p: _Planter) -> None:
    (r,) = p.take()
    p.set_cell("datum", r, date(p.year.jaar + 1, 1, 3))
    p.mark(r, "datum", "datum_buiten_jaar", "date in the next year")


def _verplicht_leeg(p: _Planter) -> None:
    (r,) = p.take()
    p.set_cell("inrichting_id", r, None)
    p.mark(r, "inrichting_id", "verplicht_leeg")


def _code_onbekend(p: _Planter) -> None:
    (r,) = p.take()
    p.set_cell("taakveld", r, "natuur")
    p.mark(r, "taakveld", "code_onbekend", "taakveld 'natuur' is not in the list")


def _uren_buiten_bereik(p: _Planter) -> None:
    (r,) = p.take()
    p.set_cell("uren", r, 1250.0)
    p.mark(r, "uren", "uren_buiten_bereik", ">= 1000")


def _lhs_niet_leeg(p: _Planter) -> None:
    (r,) = p.take(p.res == "geen_overtreding")
    p.set_cell("lhs_gevolg", r, "A")
    p.mark(
        r, "lhs_gevolg", "lhs_niet_leeg_zonder_overtreding", "lhs_gevolg A with geen_overtreding"
    )


def _overtreding_zonder_lhs(p: _Planter) -> None:
    (r,) = p.take(p.res == "overtreding")
    p.set_cell("lhs_gedrag", r, None)
    p.mark(r, "lhs_gedrag", "overtreding_zonder_lhs", "overtreding without lhs_gedrag")


def _dubbel_id(p: _Planter) -> None:
    r1, r2 = p.take(k=2)
    p.set_cell("controle_id", r2, p.df["controle_id"][r1])
    for r in (r1, r2):
        p.mark(r, "controle_id", "dubbel_id", "controle_id occurs twice")


def _decimaalkomma(p: _Planter) -> None:
    (r,) = p.take(~np.isnan(p.df["uren"].fill_null(np.nan).to_numpy()))
    p.overrides[(r, "uren")] = "3,5"
    p.mark(
        r,
        "uren",
        "decimaalkomma_bij_komma_scheiding",
        "decimal comma in a ','-separated file (quoted)",
    )


def _te_veel_velden(p: _Planter) -> None:
    (r,) = p.take()
    p.extra[r] = ["nagekomen"]
    p.mark(r, None, "te_veel_velden", "one field more than the header")


def _gemeente(p: _Planter) -> None:
    """A gemeente code that is not valid on the row's date (merged, or not yet existing)."""
    gm, kind = p.year.plan.gemeente_case
    cond = np.char.startswith(p.bg.astype(str), "GM")
    if kind == "na_einde":
        tot = p.year.ctx.ref.gemeenten[gm].geldig_tot
        cond &= p.datum > np.datetime64(tot)
    (r,) = p.take(cond)
    p.set_cell("bevoegd_gezag", r, gm)
    detail = f"{gm} is not valid on the date ({kind})"
    p.mark(r, "bevoegd_gezag", "gemeente_niet_geldig_op_datum", detail)


_PLANTERS: dict[str, Callable[[_Planter], None]] = {
    "c_datum_ongeldig": _datum_ongeldig,
    "c_datum_buiten_jaar": _datum_buiten_jaar,
    "c_verplicht_leeg": _verplicht_leeg,
    "c_code_onbekend": _code_onbekend,
    "c_uren_buiten_bereik": _uren_buiten_bereik,
    "c_lhs_niet_leeg": _lhs_niet_leeg,
    "c_overtreding_zonder_lhs": _overtreding_zonder_lhs,
    "c_dubbel_id": _dubbel_id,
    "c_decimaalkomma": _decimaalkomma,
    "c_te_veel_velden": _te_veel_velden,
}
