"""Areas: which gemeenten each omgevingsdienst serves (see ``werkgebieden``), codes on a date."""

from __future__ import annotations

from datetime import date

import numpy as np

from .reference import Reference
from .werkgebieden import werkgebieden


class Geo:
    def __init__(self, ref: Reference) -> None:
        self.ref = ref
        self.werkgebied: dict[str, list[str]] = werkgebieden(ref)
        self.od_of_final = {c: od for od, cs in self.werkgebied.items() for c in cs}
        # base codes (valid on 2021-01-01) of each omgevingsdienst: follow them to their final
        self.base: dict[str, list[str]] = {od: [] for od in self.werkgebied}
        for c in ref.base_codes():
            self.base[self.od_of_final[ref.final_code(c)]].append(c)
        self.mergers = sorted(
            (g.code, np.datetime64(g.geldig_tot, "D"), g.opvolger)
            for g in ref.gemeenten.values()
            if g.geldig_tot is not None and g.opvolger
        )

    def codes_on(self, base: np.ndarray, days: np.ndarray) -> np.ndarray:
        """Vectorised ``Reference.code_on``: the code of each location valid on each day."""
        out = base.astype(object).copy()
        changed = True
        while changed:
            changed = False
            for code, tot, opvolger in self.mergers:
                mask = (out == code) & (days > tot)
                if mask.any():
                    out[mask] = opvolger
                    changed = True
        return out

    def year_codes(self, od: str, jaar: int) -> list[str]:
        """The gemeenten of the werkgebied of ``od`` as coded on 31 December of ``jaar``."""
        end = date(jaar, 12, 31)
        return sorted({self.ref.code_on(c, end) for c in self.base[od]})

    def codes_valid_in_year(self, jaar: int) -> list[str]:
        return sorted(c for c, g in self.ref.gemeenten.items() if g.valid_in_year(jaar))
