"""What a partner has delivered for a year, which file is in effect, and what is still missing.

The statuses are the pipeline's discovery (`ingest.discovery.discover`: supersession by
delivery date, identical bytes, conflicts), run on the raw folder as it is now. They are the
statuses a build starts from; a build settles them further (a later file without a usable row
is rejected and the earlier one stays in effect) — the portal never lands such a file, so for
files that came through the portal the two agree. What is required comes from the contract
(`contract.columns.DUTIES`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from vth_pipeline.contract.columns import DUTIES
from vth_pipeline.contract.statuses import IN_EFFECT, STATUSES
from vth_pipeline.ingest.discovery import Partner, discover
from vth_pipeline.portaal.partners import kinds


@dataclass
class PartnerYear:
    code: str
    naam: str
    soort: str
    verplicht: list[str]
    optioneel: list[str]
    voorwaarde: str | None
    bestanden: list[dict] = field(default_factory=list)  # pad, soort, leverdatum, status, reden
    in_gebruik: dict[str, str] = field(default_factory=dict)  # soort -> pad

    @property
    def ontbreekt(self) -> list[str]:
        return [k for k in self.verplicht if k not in self.in_gebruik]


def _condition(partner: Partner) -> str | None:
    return next((d.condition for d in DUTIES if d.partner_soort == partner.soort), None)


def year_state(
    raw_dir: Path, year: int, partners: dict[str, Partner], names: dict[str, str], codes
) -> list[PartnerYear]:
    """One entry per partner code in `codes`, in that order."""
    frame = discover(raw_dir, year, partners)
    result = []
    for code in codes:
        partner = partners[code]
        required, optional = kinds(partner)
        entry = PartnerYear(
            code, names.get(code, code), partner.soort, required, optional, _condition(partner)
        )
        rows = frame.filter(frame["partner_code"] == code).sort("pad").to_dicts()
        for row in rows:
            entry.bestanden.append(
                {
                    "pad": row["pad"],
                    "soort": row["soort"],
                    "leverdatum": row["leverdatum"],
                    "status": row["status"],
                    "uitleg": STATUSES.get(row["status"], ""),
                    "reden": row["reden"],
                }
            )
            if row["status"] in IN_EFFECT and row["soort"]:
                entry.in_gebruik[row["soort"]] = row["pad"]
        result.append(entry)
    return result
