"""Staging: typed rows that pass every rule of the contract; the rest in quarantine.

The SQL is generated from the contract declarations (`contract.rules`), so ingest, `vth check`
and the documentation judge a row by the same rules. A quarantined row carries every rule it
breaks, one row per finding in `stg.quarantaine`; a finding that does not quarantine (a number
rounded to six decimals) goes to `stg.meldingen`.
"""

import duckdb as duckdb_module

from vth_pipeline.contract.columns import FileKind
from vth_pipeline.contract.rules import judges_across_partners, staging_sql, stg_select
from vth_pipeline.ingest.raw import INGELEZEN
from vth_pipeline.sql import load_sql
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
    """Stage one kind for one year; returns counts of rows read, accepted and quarantined.

    Per partner the newest candidate that was read is staged; when none of its rows is
    accepted it has no usable row (aanlevering.md v1.3): it is rejected, its findings stay for
    the partner, and the next candidate is staged in its place. Each round rejects at least
    one file, so there are at most as many rounds as candidates.
    """
    sql = staging_sql(kind, code_lists(conn))
    conn.execute(
        "CREATE OR REPLACE TEMP TABLE __candidates AS SELECT partner_code, pad, rang "
        "FROM meta.inlezing WHERE jaar = ? AND soort = ? AND resultaat = ?",
        [year, kind.name, INGELEZEN],
    )
    conn.execute("CREATE OR REPLACE TEMP TABLE __unusable (pad VARCHAR)")
    rounds = conn.execute("SELECT count(*) FROM __candidates").fetchone()[0] + 1
    for n in range(rounds):
        conn.execute(
            "CREATE OR REPLACE TEMP TABLE __in_effect AS SELECT pad FROM __candidates "
            "WHERE pad NOT IN (SELECT pad FROM __unusable) "
            "QUALIFY rang = min(rang) OVER (PARTITION BY partner_code)"
        )
        conn.execute(f"CREATE OR REPLACE TEMP TABLE __round AS {sql}", {"jaar": year})
        if n == 0:  # the rows of files found to have no usable row, kept for the partner
            conn.execute("CREATE OR REPLACE TEMP TABLE __unusable_rows AS FROM __round LIMIT 0")
        unusable = conn.execute(
            "SELECT list(bron_bestand) FROM (SELECT bron_bestand FROM __round "
            "GROUP BY bron_bestand HAVING bool_and(len(bevindingen) > 0))"
        ).fetchone()[0]
        if not unusable:
            break
        conn.execute("INSERT INTO __unusable SELECT unnest($1)", [unusable])
        conn.execute(
            "INSERT INTO __unusable_rows FROM __round WHERE list_contains($1, bron_bestand)",
            [unusable],
        )
        if not judges_across_partners(kind) and not _earlier_candidates(conn, unusable):
            # The next round would stage the same files less the unusable ones, and judge the
            # rows of each partner as this round did: its result is this round without them.
            # Judging the rows again costs a plan of the whole rule query (~0.2 s) per round.
            for table, column in (("__round", "bron_bestand"), ("__in_effect", "pad")):
                conn.execute(f"DELETE FROM {table} WHERE list_contains($1, {column})", [unusable])
            break
    conn.execute(
        "CREATE OR REPLACE TEMP VIEW __staged AS FROM __round UNION ALL FROM __unusable_rows"
    )
    record_outcomes(conn, kind, year)
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
    conn.execute("DROP VIEW __staged")
    for table in ("__round", "__unusable_rows", "__candidates", "__unusable", "__in_effect"):
        conn.execute(f"DROP TABLE {table}")
    return {"read": read, "accepted": accepted, "quarantined": quarantined, "findings": findings}


def _earlier_candidates(conn: duckdb_module.DuckDBPyConnection, unusable: list[str]) -> bool:
    """Whether a partner whose staged file had no usable row has another candidate left."""
    return conn.execute(
        "SELECT count(*) > 0 FROM __candidates WHERE pad NOT IN (SELECT pad FROM __unusable) "
        "AND partner_code IN (SELECT partner_code FROM __candidates WHERE list_contains($1, pad))",
        [unusable],
    ).fetchone()[0]


def record_outcomes(conn: duckdb_module.DuckDBPyConnection, kind: FileKind, year: int) -> None:
    """Settle the status of every file of the kind that was read (`stg.bestanden`): in effect,
    superseded, or rejected (unreadable, or no usable row) with the file that stays in effect
    instead. Needs the temporary tables of `stage`."""
    replace_partition(
        conn,
        "stg.bestanden",
        load_sql("stg_bestanden"),
        year,
        params={"soort": kind.name},
        where="AND soort = $soort",
    )
