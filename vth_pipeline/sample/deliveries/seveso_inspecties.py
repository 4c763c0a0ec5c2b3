"""The integrated Seveso inspections: one file per partner, with joint-inspection scenarios."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from ..context import bad_date
from ..manifest import GEEN, GEMELD, QUARANTAINE, Missing
from ..render import Mark
from ..seveso import SEVESO_OD, shift_date
from ..year import Year

NOT_IN_REGISTER = "S9999"
EXTRA_KEY = 10**6  # _key of the planted row of an establishment that is in no register


@dataclass
class _Plan:
    """The inspection rows of the year while scenarios are planted in them."""

    insp: pl.DataFrame
    two_plus: list[int]  # inspections with 2+ partners that may carry a scenario
    three: list[int]  # ... with all three partners
    marks: list[tuple[int, Mark]] = field(default_factory=list)  # (_key of the row, mark)
    overrides: dict[int, dict[tuple[int, str], str]] = field(default_factory=dict)
    taken: set[int] = field(default_factory=set)

    def mark(self, key: int, column: str, klasse: str, gevolg: str, detail: str = "") -> None:
        self.marks.append((key, Mark(key, column, klasse, gevolg, detail)))

    def set_cell(self, column: str, key: int, value: object) -> None:
        pos = self.insp["_key"].to_list().index(key)
        self.insp = self.insp.with_columns(self.insp[column].scatter([pos], [value]))


def write_inspecties(year: Year) -> None:
    """Plant the scenarios, then write one file per taking-part partner (one VR may be missing)."""
    rng = year.rng(777)
    active_vr = sorted(set(year.reg.filter(pl.col("_actief"))["veiligheidsregio"].to_list()))
    missing_vr = None
    if year.plan.has("vr_ontbreekt"):
        free = [v for v in active_vr if v not in year.plan.who.values()]
        missing_vr = free[int(rng.integers(len(free)))]
    p = _usable(year.insp, missing_vr)
    conflict = _integration_conflict(year, p, rng)
    partial = _partly_delivered(p, rng, conflict)
    _duplicate_id(year, p, rng, (conflict, partial))
    _not_in_register(year, p)
    _row_defects(year, p, missing_vr)
    _write(year, p, active_vr, missing_vr)


def _usable(insp: pl.DataFrame, missing_vr: str | None) -> _Plan:
    """Joint inspections at an establishment inspected twice or more, not of the missing VR."""
    per_est = insp.group_by("inrichting_id").agg(pl.col("_insp").n_unique().alias("n"))
    multi = sorted(set(per_est.filter(pl.col("n") >= 2)["inrichting_id"].to_list()))
    with_missing = set()
    if missing_vr:
        with_missing = set(insp.filter(pl.col("_partner") == missing_vr)["_insp"].to_list())
    usable = sorted(
        set(insp.filter(pl.col("inrichting_id").is_in(multi))["_insp"].to_list()) - with_missing
    )
    partners = insp.group_by("_insp").agg(pl.col("_partner"))
    nparts = dict(
        zip(
            partners["_insp"].to_list(),
            [len(x) for x in partners["_partner"].to_list()],
            strict=True,
        )
    )
    two_plus = [i for i in usable if nparts[i] >= 2]
    three = [i for i in usable if nparts[i] == 3]
    return _Plan(insp, two_plus, three)


def _integration_conflict(year: Year, p: _Plan, rng: np.random.Generator) -> int:
    """The same joint id with another datum / inrichting_id at one partner."""
    insp, jaar = p.insp, year.jaar
    conflict = int(rng.choice(p.two_plus))
    rows = insp.filter(pl.col("_insp") == conflict)
    other = rows.filter(~pl.col("_partner").is_in(sorted(SEVESO_OD.values()))).row(0, named=True)
    if jaar % 2:
        column, new = "datum", shift_date(other["datum"], jaar)
    else:
        column = "inrichting_id"
        od_code = SEVESO_OD[_pv_of(year, other["inrichting_id"])]
        same_od = insp.filter(
            (pl.col("_partner") == od_code) & (pl.col("inrichting_id") != other["inrichting_id"])
        )
        new = sorted(same_od["inrichting_id"].to_list())[0]
    p.set_cell(column, other["_key"], new)
    keys = rows["_key"].to_list()
    for key in keys:
        detail = f"joint inspection disagrees on {column}"
        p.mark(key, column, "integratieconflict", GEMELD, detail)
    p.taken.update(keys)
    return conflict


def _partly_delivered(p: _Plan, rng: np.random.Generator, conflict: int) -> int:
    """A joint inspection delivered by only some of its partners (the NLA row left out)."""
    partial = int(rng.choice([i for i in p.three if i != conflict]))
    insp = p.insp
    prow = insp.filter((pl.col("_insp") == partial) & (pl.col("_partner") != "NLA")).row(
        0, named=True
    )
    p.insp = insp.filter(~((pl.col("_insp") == partial) & (pl.col("_partner") == "NLA")))
    detail = "the NLA row of this joint inspection is missing"
    p.mark(prow["_key"], "gezamenlijke_inspectie_id", "gezamenlijk_deels_geleverd", GEEN, detail)
    p.taken.add(prow["_key"])
    return partial


def _duplicate_id(year: Year, p: _Plan, rng: np.random.Generator, avoid: tuple[int, int]) -> None:
    """One Seveso-omgevingsdienst delivers the same inspectie_id twice."""
    od_codes = sorted(set(SEVESO_OD.values()))
    dup_partner = od_codes[year.jaar % len(od_codes)]
    cand = p.insp.filter(
        (pl.col("_partner") == dup_partner)
        & pl.col("_insp").is_in([i for i in p.two_plus if i not in avoid])
    )
    k1, k2 = sorted(rng.choice(cand["_key"].to_numpy(), 2, replace=False).tolist())
    first_id = p.insp["inspectie_id"][p.insp["_key"].to_list().index(k1)]
    p.set_cell("inspectie_id", k2, first_id)
    for key in (k1, k2):
        p.mark(key, "inspectie_id", "dubbel_id", QUARANTAINE, "inspectie_id occurs twice")
    p.taken.update((k1, k2))


def _not_in_register(year: Year, p: _Plan) -> None:
    """A row of an establishment that is in no register."""
    code = year.plan.who.get("s_niet_in_register")
    if not code:
        return
    extra = (
        p.insp.filter(pl.col("_partner") == code)
        .head(1)
        .with_columns(
            inrichting_id=pl.lit(NOT_IN_REGISTER),
            gezamenlijke_inspectie_id=pl.lit(None, dtype=pl.Utf8),
            inspectie_id=pl.col("inspectie_id") + "-X",
            _key=pl.lit(EXTRA_KEY),
            _insp=pl.lit(-1),
        )
    )
    p.insp = pl.concat([p.insp, extra], how="vertical_relaxed")
    detail = f"{NOT_IN_REGISTER} is in no register"
    p.mark(EXTRA_KEY, "inrichting_id", "inrichting_niet_in_register", QUARANTAINE, detail)


def _row_defects(year: Year, p: _Plan, missing_vr: str | None) -> None:
    """An invalid date and an unknown handhaving code, each at one partner."""
    for name, col, klasse in (
        ("s_datum_ongeldig", "datum", "datum_ongeldig"),
        ("s_code_onbekend", "handhaving", "code_onbekend"),
    ):
        code = year.plan.who.get(name)
        if not code or code == missing_vr:
            continue
        free = (pl.col("_partner") == code) & ~pl.col("_key").is_in(sorted(p.taken))
        cand = p.insp.filter(free & pl.col("_insp").is_in(p.two_plus))
        if cand.height == 0:
            cand = p.insp.filter(free)
        key = int(cand["_key"][0])
        p.taken.add(key)
        if col == "datum":
            value = bad_date(year.ctx.profiles[code], year.jaar)
            p.overrides.setdefault(key, {})[(key, col)] = value
        else:
            p.set_cell(col, key, "boete")
        p.mark(key, col, klasse, QUARANTAINE)


def _write(year: Year, p: _Plan, active_vr: list[str], missing_vr: str | None) -> None:
    ctx, jaar, insp = year.ctx, year.jaar, p.insp
    partners = sorted(set(insp["_partner"].to_list()) | set(active_vr) | {"NLA"})
    for code in partners:
        df = insp.filter(pl.col("_partner") == code)
        if code == missing_vr:
            ctx.missing.append(Missing(jaar, code, "seveso_inspecties"))
            continue
        keys = set(df["_key"].to_list())
        mine = [m for k, m in p.marks if k in keys]
        ov = {kc: v for k, d in p.overrides.items() if k in keys for kc, v in d.items()}
        when = ctx.usual_date(jaar, code, "seveso_inspecties")
        ctx.write(jaar, code, "seveso_inspecties", df, marks=mine, overrides=ov, when=when)


def _pv_of(year: Year, inrichting_id: str) -> str:
    return year.reg.filter(pl.col("inrichting_id") == inrichting_id)["_pv"][0]
