"""Loading the reference files (code lists and registers) into schema `ref`."""

from pathlib import Path

# Typed columns per reference file; other columns are text.
REFERENCE_TABLES: dict[str, dict[str, str]] = {
    "partners": {},
    "provincies": {},
    "veiligheidsregios": {},
    "gemeenten": {"geldig_van": "DATE", "geldig_tot": "DATE"},
    "codelijsten": {},
    "indicatoren": {},
    "brzo_jaarcijfers_gepubliceerd": {"jaar": "INTEGER"},
}


def load_reference(conn, folder: Path, name: str) -> int:
    """Load one reference file into `ref.<name>`; the file's row order is kept as `volgorde`
    (code lists are in ascending order of weight)."""
    casts = ", ".join(f"nullif({c}, '')::{t} AS {c}" for c, t in REFERENCE_TABLES[name].items())
    replace = f"REPLACE ({casts})" if casts else ""
    conn.execute(
        f"CREATE OR REPLACE TABLE ref.{name} AS SELECT * {replace}, "
        "row_number() OVER () AS volgorde FROM "
        "read_csv(?, header = true, all_varchar = true, encoding = 'utf-8')",
        [str(folder / f"{name}.csv")],
    )
    return conn.execute(f"SELECT count(*) FROM ref.{name}").fetchone()[0]


def record_reference(conn, pad: str, sha256: str) -> None:
    """Keep which bytes of a reference file were loaded (meta.referentie), for the manifest."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS meta.referentie (pad VARCHAR PRIMARY KEY, sha256 VARCHAR)"
    )
    conn.execute("INSERT OR REPLACE INTO meta.referentie VALUES (?, ?)", [pad, sha256])
