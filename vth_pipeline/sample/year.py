"""What the delivery modules of one reporting year share."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from .context import S_DEFECT, S_INSPECTIES, Ctx
from .controles import Pool
from .scenarios import YearPlan
from .seveso import Register, inspections_of_year, register_of_year


@dataclass
class Year:
    """One reporting year: its plan, the Seveso register and inspections of the year."""

    ctx: Ctx
    plan: YearPlan
    pools: dict[str, Pool]
    reg: pl.DataFrame = field(init=False)  # the registers of the year (all provincies)
    insp: pl.DataFrame = field(init=False)  # partner rows of the Seveso inspections
    stable: list[str] = field(init=False)  # gemeenten valid throughout all years

    @classmethod
    def build(cls, ctx: Ctx, plan: YearPlan, register: Register, pools: dict[str, Pool]) -> Year:
        year = cls(ctx, plan, pools)
        year.reg = register_of_year(ctx.ref, register, plan.jaar)
        year.insp = inspections_of_year(ctx.rng(S_INSPECTIES, plan.jaar), year.reg, plan.jaar)
        year.stable = sorted(
            c for c, g in ctx.ref.gemeenten.items() if g.geldig_van is None and g.geldig_tot is None
        )
        return year

    @property
    def jaar(self) -> int:
        return self.plan.jaar

    def rng(self, *key: int) -> np.random.Generator:
        """The stream for planting defects in this year."""
        return self.ctx.rng(S_DEFECT, self.jaar, *key)
