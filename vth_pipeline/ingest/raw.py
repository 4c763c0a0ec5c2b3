"""Reading the candidate files into `raw.<soort>`: every cell as text, with provenance.

Every candidate of a (jaar, partner, soort) is read, newest first (`rang` 1), not only the
newest: a later delivery that is rejected or has no usable row leaves the earlier one in
effect (aanlevering.md v1.3), and which one holds is settled by staging. Whole-file rejections
are recorded in meta.inlezing with the reason, and the file stays archived. Used by the raw
assets and by `vth check`.
"""

from pathlib import Path

import polars as pl

from vth_pipeline.contract.columns import FileKind
from vth_pipeline.contract.statuses import AFGEWEZEN, CANDIDATES, no_usable_row
from vth_pipeline.ingest.readers import read_delivery
from vth_pipeline.warehouse import register_arrow, replace_partition

INLEZING_SCHEMA = {
    "jaar": pl.Int32,
    "soort": pl.String,
    "pad": pl.String,
    "partner_code": pl.String,
    "sha256": pl.String,
    "resultaat": pl.String,
    "reden": pl.String,
    "codering": pl.String,
    "scheidingsteken": pl.String,
    "blad": pl.String,
    "extra_kolommen": pl.String,
    "rijen": pl.Int64,
    "rang": pl.Int32,
}
INGELEZEN = "ingelezen"
HEADER_ONLY = no_usable_row("het bestand bevat alleen een kopregel, geen gegevens")


def raw_frame_schema(kind: FileKind) -> dict[str, pl.DataType]:
    """Columns of `raw.<soort>`: provenance, then every contract column as text."""
    return {
        "jaar": pl.Int32,
        "partner_code": pl.String,
        "bron_bestand": pl.String,
        "bron_sha256": pl.String,
        "bron_rij": pl.Int64,
        "decimaalkomma": pl.Boolean,
        **{c: pl.String for c in kind.column_names},
        "extra_kolommen": pl.String,
        "te_veel_velden": pl.String,
    }


def ingest_files(
    kind: FileKind, year: int, files: list[tuple[str, str, str]], raw_dir: Path, max_bytes: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Read the candidate files of one kind: (raw rows, one outcome row per file).

    `files` lists each partner's candidates newest first; `rang` numbers them so.
    """
    frames, outcomes = [], []
    rank: dict[str, int] = {}
    for pad, partner, sha in files:
        rank[partner] = rank.get(partner, 0) + 1
        result = read_delivery(raw_dir / pad, kind, max_bytes)
        if result.frame is not None and result.frame.height == 0:
            result.rejected, result.frame = HEADER_ONLY, None
        outcomes.append(
            {
                "jaar": year,
                "soort": kind.name,
                "pad": pad,
                "partner_code": partner,
                "sha256": sha,
                "resultaat": AFGEWEZEN if result.rejected else INGELEZEN,
                "reden": result.rejected,
                "codering": result.encoding,
                "scheidingsteken": result.separator,
                "blad": result.sheet,
                "extra_kolommen": ", ".join(result.extra_columns) or None,
                "rijen": None if result.frame is None else result.frame.height,
                "rang": rank[partner],
            }
        )
        if result.frame is not None:
            frames.append(
                result.frame.with_columns(
                    jaar=pl.lit(year, pl.Int32),
                    partner_code=pl.lit(partner),
                    bron_bestand=pl.lit(pad),
                    bron_sha256=pl.lit(sha),
                    decimaalkomma=pl.lit(result.decimal_comma),
                )
            )
    schema = raw_frame_schema(kind)
    rows = pl.concat([f.select(schema.keys()) for f in frames]) if frames else None
    if rows is None:
        rows = pl.DataFrame(schema=schema)
    return rows.cast(schema), pl.DataFrame(outcomes, schema=INLEZING_SCHEMA)


def candidate_files(conn, kind: FileKind, year: int) -> list[tuple[str, str, str]]:
    """(pad, partner, sha256) of the candidates of `kind` for the year, per partner newest
    first: discovery's `in_gebruik` and `vervangen` files (meta.leveringen). A delivery date
    shared by two distinct files is a conflict at any place in the order: neither is a
    candidate."""
    return conn.execute(
        f"""
        WITH c AS (
          SELECT pad, partner_code, sha256, coalesce(leverdatum, DATE '0001-01-01') AS d
          FROM meta.leveringen
          WHERE jaar = ? AND soort = ? AND status IN ({", ".join("?" for _ in CANDIDATES)})
        )
        SELECT pad, partner_code, sha256 FROM c
        QUALIFY count(*) OVER (PARTITION BY partner_code, d) = 1
        ORDER BY partner_code, d DESC
        """,
        [year, kind.name, *CANDIDATES],
    ).fetchall()


def load_raw(
    conn,
    kind: FileKind,
    year: int,
    files: list[tuple[str, str, str]],
    raw_dir: Path,
    max_bytes: int,
) -> tuple[int, pl.DataFrame]:
    """Read the candidates into `raw.<soort>` and their outcome into `meta.inlezing`."""
    rows, outcomes = ingest_files(kind, year, files, raw_dir, max_bytes)
    register_arrow(conn, "__rows", rows.to_arrow())
    register_arrow(conn, "__outcomes", outcomes.to_arrow())
    try:
        n = replace_partition(
            conn, f"raw.{kind.name}", "SELECT * FROM __rows ORDER BY bron_bestand, bron_rij", year
        )
        replace_partition(
            conn,
            "meta.inlezing",
            "SELECT * FROM __outcomes ORDER BY pad",
            year,
            params={"soort": kind.name},
            where="AND soort = $soort",
        )
    finally:
        conn.unregister("__rows")
        conn.unregister("__outcomes")
    return n, outcomes
