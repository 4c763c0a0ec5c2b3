"""The closing summary of `vth build`, read from the warehouse the run has just written."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from vth_pipeline.contract.statuses import IDENTIEK, IN_EFFECT, VERVANGEN
from vth_pipeline.warehouse import connect


def build_summary(
    database: str,
    years: list[int],
    out: Path,
    seconds: float,
    skipped: Sequence[tuple[str, str]] = (),
) -> str:
    """The closing lines of `vth build`; `skipped`: what lies under the raw folder outside the
    years read (a folder such as `2024-old`, a year before 2021, a stray file), with why."""
    if not years:
        return "Geen verslagjaar gebouwd."
    marks = ", ".join("?" for _ in years)
    with connect(database, read_only=True) as conn:
        in_effect = ", ".join(f"'{s}'" for s in IN_EFFECT)
        in_use = conn.execute(
            f"SELECT count(*) FROM staat.leveringen WHERE jaar IN ({marks}) AND status IN "
            f"({in_effect})",
            years,
        ).fetchone()[0]
        other = conn.execute(
            f"SELECT status, count(*) FROM staat.leveringen WHERE jaar IN ({marks}) AND status "
            f"NOT IN ({in_effect}) GROUP BY status ORDER BY status",
            years,
        ).fetchall()
        problems = conn.execute(
            f"SELECT pad, reden, status FROM staat.leveringen WHERE jaar IN ({marks}) AND "
            f"(status NOT IN ({in_effect}, '{VERVANGEN}', '{IDENTIEK}') OR (status IN "
            f"({in_effect}) AND reden IS NOT NULL)) ORDER BY pad",
            years,
        ).fetchall()
        rows = conn.execute(
            f"SELECT sum(rijen), sum(geaccepteerd), sum(quarantaine) FROM staat.datakwaliteit "
            f"WHERE jaar IN ({marks})",
            years,
        ).fetchone()
    lines = [
        "",
        f"Klaar in {seconds:.0f} s. Gebouwd: {', '.join(map(str, years))}.",
        f"Bestanden in gebruik: {in_use}; overige bestanden: "
        + (", ".join(f"{n} {s}" for s, n in other) or "geen"),
        f"Rijen gelezen: {rows[0] or 0}, geaccepteerd: {rows[1] or 0}, "
        f"in quarantaine: {rows[2] or 0}.",
        f"Publicatie: {out.resolve() / 'index.html'}",
    ]
    if skipped:
        lines[2:2] = ["Genegeerd in de map met leveringen (buiten de gelezen verslagjaren):"] + [
            f"  {pad}: {reden}" for pad, reden in skipped
        ]
    if problems:
        lines.insert(2, "Niet gebruikte bestanden (en eerdere leveringen die van kracht bleven):")
        for i, (pad, reden, status) in enumerate(problems):
            lines.insert(3 + i, f"  {pad}: {status}: {reden}")
    return "\n".join(lines)
