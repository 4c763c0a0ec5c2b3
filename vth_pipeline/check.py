"""`vth check`: the partner's self-check, by the pipeline's own ingest code.

The file is placed, in a temporary workspace, where the pipeline would find it
(`<jaar>/<partner>/<soort>.<ext>`), beside the registers of that year from the raw folder
(needed for the rules that look across files), and the functions that the leveringen, raw
and stg assets call (`vth_pipeline.ingest`: discovery, `load_raw`, `stage`) run on it against
a temporary DuckDB file. So the verdict is the pipeline's verdict, by the same code; what the
check leaves out is only orchestration (Dagster runs, archive, the dataset expectations that
judge a whole year), which costs a partner seconds and says nothing about one file.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from vth_pipeline.contract.columns import FILE_KINDS
from vth_pipeline.contract.statuses import AFGEWEZEN, GENEGEERD, IN_EFFECT
from vth_pipeline.ingest.discovery import FILE_NAME, record_deliveries, year_folders
from vth_pipeline.ingest.raw import candidate_files, load_raw
from vth_pipeline.ingest.reference import REFERENCE_TABLES, load_reference
from vth_pipeline.ingest.staging import UPSTREAM_KINDS, stage, staging_order
from vth_pipeline.paths import DEFAULT_MAX_FILE_BYTES, reference_dir
from vth_pipeline.sql import load_sql
from vth_pipeline.warehouse import connect
from vth_pipeline.xlsx import write_sheets

# Kinds whose rules read other files of the year: the Seveso register.
CONTEXT_KINDS = {"seveso_inspecties": "seveso_inrichtingen", "seveso_inrichtingen": None}


@dataclass
class Finding:
    rij: int | None
    kolom: str | None
    waarde: str | None
    regel: str
    melding: str


@dataclass
class Verdict:
    bestand: str
    jaar: int | None
    partner_code: str | None
    soort: str | None
    status: str  # geaccepteerd, quarantaine, afgewezen, genegeerd
    reden: str | None = None
    rijen: int | None = None
    geaccepteerd: int | None = None
    quarantaine: int | None = None
    bevindingen: list[Finding] = field(default_factory=list)
    opmerkingen: list[Finding] = field(default_factory=list)  # do not quarantine (rounding)

    @property
    def ok(self) -> bool:
        return self.status == "geaccepteerd"


def infer_placement(path: Path, partner: str | None, year: int | None) -> tuple[int, str, str]:
    """(jaar, partner, file name) from the options, else from a raw-layout path."""
    parts = path.resolve().parts
    if year is None and len(parts) >= 3 and re.fullmatch(r"\d{4}", parts[-3]):
        year = int(parts[-3])
    if partner is None and len(parts) >= 2:
        partner = parts[-2]
    if partner is not None and not re.fullmatch(r"[A-Za-z0-9_-]+", partner):
        raise ValueError(f"{path}: ongeldige partnercode '{partner}'")
    if year is None or partner is None:
        raise ValueError(
            f"{path}: geef --partner en --year op (of plaats het bestand als "
            "<jaar>/<partner_code>/<soort>.csv)"
        )
    return year, partner, path.name


def _context_files(raw_dir: Path | None, year: int, soort: str | None, exclude: Path) -> list:
    """Files of the year that the rules of `soort` look at (other provincies' registers)."""
    if raw_dir is None or soort not in CONTEXT_KINDS or not (raw_dir / str(year)).is_dir():
        return []
    wanted = "seveso_inrichtingen"
    found = []
    for p in sorted((raw_dir / str(year)).glob("*/*")):
        m = FILE_NAME.match(p.name)
        if m and m.group("soort").lower() == wanted and p.resolve() != exclude.resolve():
            found.append(p)
    return found


@dataclass(frozen=True)
class Placement:
    source: Path
    year: int
    partner: str
    name: str  # the name in the partner folder, which tells the kind

    @property
    def pad(self) -> str:
        return f"{self.year}/{self.partner}/{self.name}"

    @property
    def triple(self) -> tuple[int, str, str]:
        m = FILE_NAME.match(self.name)
        return self.year, self.partner, m.group("soort").lower() if m else self.name


def place(path: Path, partner: str | None, year: int | None, soort: str | None) -> Placement:
    year, partner, name = infer_placement(path, partner, year)
    if soort is not None:  # a partner's export under any name, checked as this kind
        name = f"{soort}{path.suffix.lower()}"
    return Placement(path, year, partner, name)


def _batches(placements: list[Placement]) -> list[list[Placement]]:
    """Files that would compete for one delivery are checked in separate runs."""
    batches: list[list[Placement]] = []
    for p in placements:
        batch = next((b for b in batches if p.triple not in {q.triple for q in b}), None)
        if batch is None:
            batches.append(batch := [])
        batch.append(p)
    return batches


def check_files(
    paths: list[Path],
    partner: str | None = None,
    year: int | None = None,
    soort: str | None = None,
    raw_dir: Path | None = None,
    max_file_bytes: int | None = None,
    work: Path | None = None,
) -> list[Verdict]:
    """Run the pipeline's ingest and staging on the files; one verdict per file, in order."""
    placements = [place(p, partner, year, soort) for p in paths]
    verdicts: dict[Placement, Verdict] = {}
    for batch in _batches(placements):
        verdicts.update(_check_batch(batch, raw_dir, max_file_bytes, work))
    return [verdicts[p] for p in placements]


def check_file(path: Path, **options) -> Verdict:
    return check_files([path], **options)[0]


def _check_batch(
    batch: list[Placement], raw_dir: Path | None, max_file_bytes: int | None, work: Path | None
) -> dict[Placement, Verdict]:
    tmp = Path(tempfile.mkdtemp(prefix="vth-check-", dir=work))
    try:
        raw = tmp / "raw"
        own_folders = {(p.year, p.partner) for p in batch}
        for p in batch:
            (raw / p.pad).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(p.source, raw / p.pad)
        for p in batch:
            for ctx in _context_files(raw_dir, p.year, p.triple[2], p.source):
                rel = ctx.relative_to(raw_dir)
                if (p.year, rel.parts[1]) in own_folders or (raw / rel).exists():
                    continue  # a checked file replaces that partner's own delivery
                (raw / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(ctx, raw / rel)
        years = sorted({p.year for p in batch})
        with connect(":memory:") as conn:  # nothing to keep: no file, no flushing to disk
            kinds = kinds_to_stage(p.triple[2] for p in batch)
            ingest_years(conn, raw, years, max_file_bytes or DEFAULT_MAX_FILE_BYTES, kinds)
            return {p: _verdict(conn, p.year, p.pad, p.source) for p in batch}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def ingest_years(
    conn, raw: Path, years: list[int], max_bytes: int, kinds: Iterable[str] | None = None
) -> None:
    """What the reference, leveringen, raw and stg assets do for the years, in one connection;
    for `kinds` only (default: all), which must include the kinds their rules read."""
    for name in REFERENCE_TABLES:
        load_reference(conn, reference_dir(), name)
    wanted = [k for k in FILE_KINDS.values() if kinds is None or k.name in set(kinds)]
    for year in years:
        record_deliveries(conn, raw, year)
        for kind in staging_order(wanted):
            load_raw(conn, kind, year, candidate_files(conn, kind, year), raw, max_bytes)
            stage(conn, kind, year)


def kinds_to_stage(kinds: Iterable[str]) -> set[str] | None:
    """The kinds and every kind their staging rules read (`UPSTREAM_KINDS`): what a check of
    files of `kinds` must stage. Staging a kind costs ~0.2 s even without a file (DuckDB plans
    its rules), most of a one-file check when every kind was staged. None (every kind) when
    no file is of a known kind: the verdict then still reads the staging's tables."""
    wanted = set(kinds) & set(FILE_KINDS)
    if not wanted:
        return None
    while True:
        more = wanted | {u for k in wanted for u in UPSTREAM_KINDS.get(k, ())}
        if more == wanted:
            return wanted
        wanted = more


def _verdict(conn, year: int, pad: str, original: Path) -> Verdict:
    partner, soort, status, reason, rows, accepted, quarantined = conn.execute(
        "SELECT partner_code, soort, status, reden, rijen, geaccepteerd, quarantaine "
        f"FROM ({load_sql('_leveringen')}) WHERE pad = $pad",
        {"jaar": year, "pad": pad},
    ).fetchone()
    verdict = Verdict(str(original), year, partner, soort, status, reden=reason)
    if status not in (*IN_EFFECT, AFGEWEZEN):
        verdict.status = GENEGEERD
        return verdict
    if rows is None:  # rejected as a whole before any row was judged
        verdict.status = AFGEWEZEN
        return verdict
    findings = conn.execute(
        "SELECT bron_rij, kolom, waarde, regel, melding FROM stg.quarantaine "
        "WHERE jaar = ? AND bron_bestand = ? ORDER BY bron_rij, regel",
        [year, pad],
    ).fetchall()
    notes = conn.execute(
        "SELECT bron_rij, kolom, waarde, regel, melding FROM stg.meldingen "
        "WHERE jaar = ? AND bron_bestand = ? ORDER BY bron_rij, regel",
        [year, pad],
    ).fetchall()
    verdict.bevindingen = [Finding(*f) for f in findings]
    verdict.opmerkingen = [Finding(*f) for f in notes]
    # the counts of the one record that leveringen.csv and the manifest also show
    verdict.rijen, verdict.geaccepteerd, verdict.quarantaine = rows, accepted, quarantined
    if status == AFGEWEZEN:  # no usable row: every row quarantined, the findings say why
        verdict.status = AFGEWEZEN
    else:
        verdict.status = "quarantaine" if verdict.quarantaine else "geaccepteerd"
    return verdict


def summary(v: Verdict) -> str:
    """What a partner reads in the terminal."""
    head = f"{v.bestand} ({v.soort or '?'}, {v.partner_code}, {v.jaar}): "
    if v.status in (AFGEWEZEN, GENEGEERD) and v.rijen is None:
        return head + f"{v.status.upper()}: {v.reden}"
    lines = [
        head + f"{v.rijen} rijen gelezen, {v.geaccepteerd} geaccepteerd, "
        f"{v.quarantaine} in quarantaine"
    ]
    if v.status == AFGEWEZEN:
        lines[0] += f"; AFGEWEZEN: {v.reden}"
    lines += _finding_lines(v.bevindingen, "bevindingen")
    if v.opmerkingen:
        lines.append("  opmerkingen (geen quarantaine):")
        lines += _finding_lines(v.opmerkingen, "opmerkingen")
    return "\n".join(lines)


def _finding_lines(findings: list[Finding], what: str, limit: int = 20) -> list[str]:
    lines = []
    for f in findings[:limit]:
        where = f"rij {f.rij}" + (f", kolom {f.kolom}" if f.kolom else "")
        value = f" waarde '{f.waarde}'" if f.waarde is not None else ""
        lines.append(f"  {where}:{value}: {f.melding} [{f.regel}]")
    if len(findings) > limit:
        lines.append(f"  ... en nog {len(findings) - limit} {what} (zie het rapport)")
    return lines


def write_report(verdicts: list[Verdict], path: Path) -> None:
    """An XLSX a partner can open: a summary sheet and every finding; text stays text."""
    overview = pl.DataFrame(
        [
            {
                "bestand": v.bestand,
                "jaar": v.jaar,
                "partner_code": v.partner_code,
                "soort": v.soort,
                "oordeel": v.status,
                "reden": v.reden,
                "rijen": v.rijen,
                "geaccepteerd": v.geaccepteerd,
                "quarantaine": v.quarantaine,
            }
            for v in verdicts
        ],
        schema={
            "bestand": pl.String,
            "jaar": pl.Int64,
            "partner_code": pl.String,
            "soort": pl.String,
            "oordeel": pl.String,
            "reden": pl.String,
            "rijen": pl.Int64,
            "geaccepteerd": pl.Int64,
            "quarantaine": pl.Int64,
        },
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    write_sheets(
        {
            "Oordeel": overview,
            "Bevindingen": _findings_frame(verdicts, "bevindingen"),
            "Opmerkingen": _findings_frame(verdicts, "opmerkingen"),
        },
        path,
    )


def _findings_frame(verdicts: list[Verdict], attr: str):
    import polars as pl

    return pl.DataFrame(
        [
            {
                "bestand": v.bestand,
                "rij": f.rij,
                "kolom": f.kolom,
                "waarde": f.waarde,
                "melding": f.melding,
                "regel": f.regel,
            }
            for v in verdicts
            for f in getattr(v, attr)
        ],
        schema={
            "bestand": pl.String,
            "rij": pl.Int64,
            "kolom": pl.String,
            "waarde": pl.String,
            "melding": pl.String,
            "regel": pl.String,
        },
    )


def raw_dir_default() -> Path | None:
    raw = Path("data/raw")
    return raw if year_folders(raw)[0] else None
