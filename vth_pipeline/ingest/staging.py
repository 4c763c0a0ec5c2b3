"""Staging: typed rows that pass every rule of the contract; the rest in quarantine.

The SQL is generated from the contract declarations (`contract.rules`), so ingest, `vth check`
and the documentation judge a row by the same rules. A quarantined row carries every rule it
breaks, one row per finding in `stg.quarantaine`; a finding that does not quarantine (a number
rounded to six decimals) goes to `stg.meldingen`.
"""

import duckdb as duckdb_module

from vth_pipeline.contract.columns import FileKind
from vth_pipeline.contract.rules import staging_sql, stg_select
from vth_pipeline.warehouse import replace_partition

PROVENANCE = "jaar, partner_code, bron_bestand, bron_sha256, bron_rij"

# Kinds whose rules read the staged rows of another kind of the same year: the inspections
# are judged against the accepted register (rule `inrichting_in_register`).
UPSTREAM_KINDS: dict[str, tuple[str, ...]] = {"seveso_inspecties": ("seveso_inrichtingen",)}


def staging_order(kinds: list[FileKind]) -> list[FileKind]:
    """The kinds in an order that stages every upstream kind first."""
    names = [k.name for k in kinds]
    return sorted(kinds, key=lambda k: (k.name in UPSTREAM_KINDS, names.index(k.name)))


def code_lists(conn: duckdb_module.DuckDBPyConnection) -> dict[str, list[str]]:
    rows = conn.execute("SELECT lijst, code FROM ref.codelijsten ORDER BY lijst, code").fetchall()
    lists: dict[str, list[str]] = {}
    for lijst, code in rows:
        lists.setdefault(lijst, []).append(code)
    return lists


def stage(conn: duckdb_module.DuckDBPyConnection, kind: FileKind, year: int) -> dict[str, int]:
    """Stage one kind for one year; returns counts of rows read, accepted and quarantined."""
    sql = staging_sql(kind, code_lists(conn))
    conn.execute(f"CREATE OR REPLACE TEMP TABLE __staged AS {sql}", {"jaar": year})
    accepted = replace_partition(
        conn,
        f"stg.{kind.name}",
        f"SELECT {PROVENANCE}, {stg_select(kind)} FROM __staged WHERE len(bevindingen) = 0 "
        "ORDER BY partner_code, bron_bestand, bron_rij",
        year,
    )
    findings = replace_partition(
        conn,
        "stg.quarantaine",
        f"SELECT {PROVENANCE}, $soort AS soort, b.regel, b.kolom, b.waarde, b.melding FROM "
        "(SELECT *, unnest(bevindingen) AS b FROM __staged WHERE len(bevindingen) > 0) "
        "ORDER BY partner_code, bron_bestand, bron_rij, b.regel",
        year,
        params={"soort": kind.name},
        where="AND soort = $soort",
    )
    # Findings that do not quarantine (a number rounded to six decimals), for `vth check`.
    replace_partition(
        conn,
        "stg.meldingen",
        f"SELECT {PROVENANCE}, $soort AS soort, b.regel, b.kolom, b.waarde, b.melding FROM "
        "(SELECT *, unnest(meldingen) AS b FROM __staged WHERE len(meldingen) > 0) "
        "ORDER BY partner_code, bron_bestand, bron_rij, b.regel",
        year,
        params={"soort": kind.name},
        where="AND soort = $soort",
    )
    read, quarantined = conn.execute(
        "SELECT count(*), count(*) FILTER (WHERE len(bevindingen) > 0) FROM __staged"
    ).fetchone()
    conn.execute("DROP TABLE __staged")
    return {"read": read, "accepted": accepted, "quarantined": quarantined, "findings": findings}
