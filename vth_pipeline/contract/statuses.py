"""The status of a delivery file, declared once (aanlevering.md v1.3, "Where files land").

A file's status is decided in two steps: discovery (`ingest.discovery`) classifies every file
under the raw folder by its path and bytes alone; staging (`ingest.staging`) then settles which
candidate of a (jaar, partner, soort) is in effect, because only reading and staging can tell
that a later delivery has no usable row. `leveringen.csv`, `manifest.json`,
`datakwaliteit.csv`, `vth check` and the build's summary all read the settled status
(`sql/_leveringen.sql`), so the three records of a file never disagree.
"""

from __future__ import annotations

from types import MappingProxyType

IN_GEBRUIK = "in_gebruik"
GEWIJZIGD = "gewijzigd"
VERVANGEN = "vervangen"
IDENTIEK = "identiek"
CONFLICT = "conflict"
AFGEWEZEN = "afgewezen"
GENEGEERD = "genegeerd"

# status -> what it means, in the words of the report's data-quality annex
STATUSES: MappingProxyType[str, str] = MappingProxyType(
    {
        IN_GEBRUIK: "in gebruik: de levering waaruit de cijfers zijn berekend",
        GEWIJZIGD: "in gebruik, maar de inhoud is veranderd onder dezelfde bestandsnaam en "
        "leverdatum; de nieuwste inhoud telt, de vorige SHA-256 staat erbij",
        VERVANGEN: "vervangen door een latere levering van dezelfde partner en soort",
        IDENTIEK: "inhoud identiek aan een eerdere levering; verandert niets",
        CONFLICT: "twee of meer bestanden met dezelfde (of geen) leverdatum; geen ervan gebruikt",
        AFGEWEZEN: "afgewezen (onleesbaar, geen bruikbare rij, of niet gevraagd); een eerdere "
        "levering blijft dan van kracht",
        GENEGEERD: "geen levering volgens de afspraken (map of bestandsnaam); niet gelezen",
    }
)

# The statuses of a file whose rows count (the settled record only: `gewijzigd` is decided
# after staging, from the archive's memory of the path).
IN_EFFECT = (IN_GEBRUIK, GEWIJZIGD)

# Discovery's candidates for being in effect, newest first: the newest is provisionally
# `in_gebruik`, earlier ones `vervangen`, until staging settles which one holds.
CANDIDATES = (IN_GEBRUIK, VERVANGEN)

NO_USABLE_ROW = "geen bruikbare rij"


def no_usable_row(detail: str) -> str:
    """The reason a delivery without a usable row is rejected (the spec's own words first)."""
    return f"{NO_USABLE_ROW}: {detail}"
