"""Which delivery files exist for a reporting year, and which one is in effect per triple.

The layout is `<raw>/<jaar>/<partner_code>/<soort>[_<YYYY-MM-DD>].<csv|xlsx>`. Files are never
changed; each is identified by its sha256. Per (jaar, partner, soort) the latest delivery date
wins (an undated file is older than any dated one); a byte-identical copy of an earlier file
changes nothing; two distinct latest files with the same date are a conflict and neither is
used. Everything that is not used says why.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from vth_pipeline.contract.columns import FILE_KINDS, FIRST_YEAR, closed_years, cut, kinds_for
from vth_pipeline.contract.statuses import (
    AFGEWEZEN,
    CONFLICT,
    GENEGEERD,
    IDENTIEK,
    IN_GEBRUIK,
    VERVANGEN,
)
from vth_pipeline.ingest.archive import append_index, read_index, store
from vth_pipeline.warehouse import register_arrow, replace_partition

FILE_NAME = re.compile(
    r"^(?P<soort>[a-z_]+?)(?:_(?P<datum>\d{4}-\d{2}-\d{2}))?\.(?P<ext>csv|xlsx)$", re.IGNORECASE
)

SCHEMA = {
    "jaar": pl.Int32,
    "pad": pl.String,
    "partner_code": pl.String,
    "soort": pl.String,
    "leverdatum": pl.Date,
    "formaat": pl.String,
    "bytes": pl.Int64,
    "sha256": pl.String,
    "status": pl.String,
    "reden": pl.String,
    "vorige_sha256": pl.String,  # other bytes seen earlier under this path (archive index)
}


@dataclass(frozen=True)
class Partner:
    code: str
    soort: str
    seveso_omgevingsdienst: bool


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def load_partners(conn) -> dict[str, Partner]:
    rows = conn.execute(
        "SELECT partner_code, soort, seveso_omgevingsdienst = 'ja' FROM ref.partners"
    ).fetchall()
    return {code: Partner(code, soort, bool(flag)) for code, soort, flag in rows}


def record_deliveries(
    conn, raw_dir: Path, year: int, archive_dir: Path | None = None
) -> pl.DataFrame:
    """Discover the year's files and replace the year in `meta.leveringen` by them; with an
    archive, keep every file there first and note bytes that changed under their path."""
    frame = discover(raw_dir, year, load_partners(conn))
    if archive_dir is not None:
        archive(raw_dir, archive_dir, frame)
        frame = with_previous_bytes(frame, read_index(archive_dir), raw_dir)
    register_arrow(conn, "__leveringen", frame.to_arrow())
    try:
        replace_partition(conn, "meta.leveringen", "SELECT * FROM __leveringen ORDER BY pad", year)
    finally:
        conn.unregister("__leveringen")
    return frame


def year_folders(raw_dir: Path) -> tuple[list[int], list[tuple[str, str]]]:
    """Reporting years found under the raw folder, and folders that are not read (with why)."""
    years, ignored = [], []
    if not raw_dir.is_dir():
        return [], [(str(raw_dir), "map met leveringen bestaat niet")]
    for p in sorted(raw_dir.iterdir()):
        if not (p.is_dir() and re.fullmatch(r"\d{4}", p.name)):
            ignored.append((p.name, "geen map van een verslagjaar (verwacht: <jaar>/)"))
        elif int(p.name) < FIRST_YEAR:
            ignored.append((p.name, f"verslagjaar vóór {FIRST_YEAR} wordt niet gelezen"))
        else:
            years.append(int(p.name))
    return years, ignored


def buildable_years(raw_dir: Path) -> tuple[list[int], list[tuple[str, str]]]:
    """The complete reporting years under the raw folder, and the folders skipped with why.

    Partners may deliver before the year is over; such a folder is read once the year is a
    partition (from 1 January after it), and until then skipped, not an error.
    """
    closed = set(closed_years(dt.date.today()))
    years, skipped = year_folders(raw_dir)
    for year in (y for y in years if y not in closed):
        skipped.append(
            (
                str(year),
                f"verslagjaar {year} is nog niet afgesloten; bouwen kan vanaf 1 januari {year + 1}",
            )
        )
    return [y for y in years if y in closed], skipped


def discover(raw_dir: Path, year: int, partners: dict[str, Partner]) -> pl.DataFrame:
    """One row per file under `<raw>/<year>/`, with its status and reason."""
    base = raw_dir / str(year)
    rows: list[dict] = []
    if base.is_dir():
        for path in sorted(p for p in base.rglob("*") if p.is_file()):
            rows.append(_classify(raw_dir, base, path, year, partners))
    frame = pl.DataFrame(rows, schema=SCHEMA)
    return _resolve_supersession(frame)


def _classify(raw_dir: Path, base: Path, path: Path, year: int, partners: dict[str, Partner]):
    rel = path.relative_to(base).parts
    inside = not path.is_symlink() and path.resolve().is_relative_to(raw_dir.resolve())
    row = {
        "jaar": year,
        "pad": path.relative_to(raw_dir).as_posix(),
        "partner_code": None,
        "soort": None,
        "leverdatum": None,
        "formaat": path.suffix.lower().lstrip(".") or None,
        "bytes": path.stat().st_size if inside else None,
        "sha256": sha256_of(path) if inside else None,
        "status": IN_GEBRUIK,
        "reden": None,
        "vorige_sha256": None,
    }
    if not inside:
        return row | {
            "status": GENEGEERD,
            "reden": "verwijzing naar een bestand buiten de map met leveringen; niet gelezen",
        }
    if len(rel) != 2:
        return row | {
            "status": GENEGEERD,
            "reden": "bestand staat niet in een partnermap "
            "(verwacht: <jaar>/<partner_code>/<soort>.<csv|xlsx>)",
        }
    folder, name = rel
    row["partner_code"] = folder
    partner = partners.get(folder)
    if partner is None:
        return row | {
            "status": GENEGEERD,
            "reden": f"onbekende partnermap '{cut(folder)}' (niet in partners.csv)",
        }
    m = FILE_NAME.match(name)
    soort = m.group("soort").lower() if m else None
    if m is None or soort not in FILE_KINDS:
        return row | {
            "status": GENEGEERD,
            "reden": f"bestandsnaam '{cut(name)}' is geen soort levering; toegestaan: "
            + ", ".join(f"{k}[_JJJJ-MM-DD].csv|xlsx" for k in FILE_KINDS),
        }
    row["soort"] = soort
    if m.group("datum"):
        try:
            row["leverdatum"] = dt.date.fromisoformat(m.group("datum"))
        except ValueError:
            return row | {
                "status": GENEGEERD,
                "reden": f"ongeldige leverdatum in bestandsnaam '{cut(name)}'",
            }
    required, optional = kinds_for(partner.soort, partner.seveso_omgevingsdienst)
    if soort not in required | optional:
        return row | {"status": AFGEWEZEN, "reden": f"een {partner.soort} levert geen '{soort}'"}
    return row


def _resolve_supersession(frame: pl.DataFrame) -> pl.DataFrame:
    """Decide, per (jaar, partner, soort), which candidate file is in effect."""
    cand = frame.filter(pl.col("status") == IN_GEBRUIK)
    if cand.height == 0:
        return frame.sort("pad")
    order = pl.col("leverdatum").fill_null(dt.date(1, 1, 1))
    cand = cand.with_columns(__order=order).sort(["partner_code", "soort", "__order", "pad"])
    triple = ["partner_code", "soort"]
    # A later byte-identical copy of an earlier file of the same triple changes nothing.
    cand = cand.with_columns(
        __first_pad=pl.col("pad").first().over([*triple, "sha256"], order_by=["__order", "pad"]),
    )
    identical = cand.filter(pl.col("pad") != pl.col("__first_pad"))
    distinct = cand.filter(pl.col("pad") == pl.col("__first_pad"))
    latest = distinct.with_columns(
        __max=pl.col("__order").max().over(triple),
        __n_latest=(pl.col("__order") == pl.col("__order").max()).sum().over(triple),
    )
    status = (
        pl.when(pl.col("__order") < pl.col("__max"))
        .then(pl.lit(VERVANGEN))
        .when(pl.col("__n_latest") > 1)
        .then(pl.lit(CONFLICT))
        .otherwise(pl.lit(IN_GEBRUIK))
    )
    reason = (
        pl.when(pl.col("__order") < pl.col("__max"))
        .then(pl.lit("vervangen door een latere levering"))
        .when(pl.col("__n_latest") > 1)
        .then(
            pl.lit(
                "twee of meer bestanden met dezelfde (of geen) leverdatum voor deze "
                "levering; geen van beide wordt gebruikt"
            )
        )
        .otherwise(None)
    )
    resolved = latest.with_columns(status=status, reden=reason)
    identical = identical.with_columns(
        status=pl.lit(IDENTIEK),
        reden=pl.concat_str(pl.lit("inhoud is identiek aan "), pl.col("__first_pad")),
    )
    decided = pl.concat(
        [resolved.select(SCHEMA.keys()), identical.select(SCHEMA.keys())], how="vertical"
    )
    rest = frame.filter(pl.col("status") != IN_GEBRUIK)
    return pl.concat([decided, rest], how="vertical").sort("pad")


def raw_folder_key(raw_dir: Path) -> str:
    """How the archive index names a raw folder (`map`)."""
    return Path(raw_dir).resolve().as_posix()


def with_previous_bytes(frame: pl.DataFrame, index: list[dict], raw_dir: Path) -> pl.DataFrame:
    """`vorige_sha256`: the latest other content the archive index holds for a file's path in
    this raw folder (another folder's file of the same relative path is another delivery).

    A path is one (jaar, partner, soort, leverdatum): bytes that change under it are not a new
    delivery (aanlevering.md v1.3), so the newest bytes are used and the change is shown. The
    index is append-only and in the order written, so the answer is the same on every rebuild
    until the bytes change again."""
    folder = raw_folder_key(raw_dir)
    index = [e for e in index if e.get("map") == folder]
    if not index:
        return frame
    seen = pl.DataFrame(
        [(e.get("pad"), e.get("sha256")) for e in index],
        schema={"pad": pl.String, "__sha": pl.String},
        orient="row",
    ).with_row_index("__order")
    previous = (
        frame.select("pad", "sha256")
        .join(seen, on="pad")
        .filter(pl.col("__sha") != pl.col("sha256"))
        .group_by("pad")
        .agg(pl.col("__sha").sort_by("__order").last().alias("__previous"))
    )
    return (
        frame.join(previous, on="pad", how="left")
        .with_columns(vorige_sha256=pl.col("__previous"))
        .select(SCHEMA.keys())
    )


def archive(raw_dir: Path, archive_dir: Path, frame: pl.DataFrame) -> None:
    """Keep a content-addressed copy of every file received, so no delivery is ever lost, and
    note in the append-only index where each came from (path, partner, soort, date)."""
    read = frame.filter(pl.col("sha256").is_not_null())  # not read: lies outside the raw folder
    for pad, sha, fmt in read.select("pad", "sha256", "formaat").iter_rows():
        store(raw_dir / pad, archive_dir, sha, fmt)
    append_index(
        archive_dir,
        read.select("sha256", "pad", "partner_code", "soort", "leverdatum")
        .with_columns(
            pl.col("leverdatum").dt.to_string("%Y-%m-%d"), map=pl.lit(raw_folder_key(raw_dir))
        )
        .to_dicts(),
    )
