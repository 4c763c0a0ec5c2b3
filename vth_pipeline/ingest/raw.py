"""Reading the files in effect into `raw.<soort>`: every cell as text, with provenance.

Whole-file rejections are recorded in meta.inlezing with the reason, and the file stays
archived. Used by the raw assets and by `vth check`.
"""

from pathlib import Path

import polars as pl

from vth_pipeline.contract.columns import FileKind
from vth_pipeline.ingest.readers import read_delivery
from vth_pipeline.warehouse import replace_partition

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
}


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
    """Read the files in effect of one kind: (raw rows, one outcome row per file)."""
    frames, outcomes = [], []
    for pad, partner, sha in files:
        result = read_delivery(raw_dir / pad, kind, max_bytes)
        outcomes.append(
            {
                "jaar": year,
                "soort": kind.name,
                "pad": pad,
                "partner_code": partner,
                "sha256": sha,
                "resultaat": "afgewezen" if result.rejected else "ingelezen",
                "reden": result.rejected,
                "codering": result.encoding,
                "scheidingsteken": result.separator,
                "blad": result.sheet,
                "extra_kolommen": ", ".join(result.extra_columns) or None,
                "rijen": None if result.frame is None else result.frame.height,
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


def files_in_effect(conn, kind: FileKind, year: int) -> list[tuple[str, str, str]]:
    """(pad, partner, sha256) of the files of `kind` in effect for the year (meta.leveringen)."""
    return conn.execute(
        "SELECT pad, partner_code, sha256 FROM meta.leveringen WHERE jaar = ? "
        "AND soort = ? AND status = 'in_gebruik' ORDER BY pad",
        [year, kind.name],
    ).fetchall()


def load_raw(
    conn,
    kind: FileKind,
    year: int,
    files: list[tuple[str, str, str]],
    raw_dir: Path,
    max_bytes: int,
) -> tuple[int, pl.DataFrame]:
    """Read the files in effect into `raw.<soort>` and their outcome into `meta.inlezing`."""
    rows, outcomes = ingest_files(kind, year, files, raw_dir, max_bytes)
    conn.register("__rows", rows.to_arrow())
    conn.register("__outcomes", outcomes.to_arrow())
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
