"""`vth lineage`: where a published figure comes from, read from the warehouse (no re-run).

For one figure of a year: the rule (its Dutch definition and the SQL file computing it), the
national value with its completeness and, for a percentage or ratio, its numerator and
denominator (the kengetal, such as fte, for a ratio); the partners that were expected and did
not deliver, each with why; each partner's value with its numerator and denominator, the
delivery files with sha256 and the row-number ranges that went in (staat.herkomst); the
quarantined rows of those kinds that did not, the rejected, superseded and other files of the
year that were not used, and the checks (staat.validatie) run on the inputs. Every number is
read or summed by DuckDB from the staat tables the publication was written from.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from vth_pipeline.contract.publication import (
    FIGURES,
    NATIONAL_PARTS,
    NATIONAL_SEVESO_PREFIX,
    Figure,
    figure,
    seveso_counted_kind,
)
from vth_pipeline.contract.statuses import IN_EFFECT
from vth_pipeline.sql import sql_path
from vth_pipeline.warehouse import rows

# The staat table per SQL asset of a figure, and the column that names the partner in it.
PARTNER_COLUMN = {
    "staat_omgevingsdiensten": "partner_code",
    "staat_provincies": "provincie_code",
    "staat_seveso": "scope",
}
MAX_ROWS_SHOWN = 12


class LineageError(ValueError):
    """A question that cannot be answered (unknown figure, year not built)."""


@dataclass
class Lineage:
    year: int
    name: str  # as asked (landelijk.csv names Seveso figures with `seveso_`)
    figure: Figure
    national: dict[str, Any] | None
    partners: list[dict[str, Any]]  # partner_code, waarde, teller, noemer
    files: list[dict[str, Any]]  # staat.herkomst rows
    quarantined: list[dict[str, Any]]
    unused: list[dict[str, Any]]
    checks: list[dict[str, Any]]
    parts: tuple[str, str] | None = None  # the columns of numerator and denominator
    national_parts: dict[str, Any] | None = None  # teller, noemer (national sums)
    missing: list[dict[str, Any]] | None = None  # partner_code, naam, reden


def _bare(name: str, declared: Figure) -> str:
    return declared.name if declared.name in name else name.removeprefix(NATIONAL_SEVESO_PREFIX)


def _params(year: int, bare: str, partner: str | None) -> dict[str, Any]:
    return {"jaar": year, "figuur": bare} | ({"partner": partner} if partner else {})


def herkomst_sql(partner: str | None) -> str:
    """The provenance rows of a figure (and partner), with the partner's published value."""
    where = "AND h.partner_code = $partner" if partner else ""
    return (
        "SELECT h.figuur, h.partner_code, h.soort, h.bestand, h.sha256, h.rijen, h.rijbereiken "
        f"FROM staat.herkomst h WHERE h.jaar = $jaar AND h.figuur = $figuur {where} "
        "ORDER BY h.partner_code, h.soort, h.bestand"
    )


def allowed_figures(conn: duckdb.DuckDBPyConnection, year: int) -> list[str]:
    """The figures of landelijk.csv of the year (its `figuur` column), else every declared one."""
    try:
        found = [
            r[0]
            for r in conn.execute(
                "SELECT figuur FROM staat.landelijk WHERE jaar = ? ORDER BY volgorde", [year]
            ).fetchall()
        ]
    except duckdb.Error:
        found = []
    return found or sorted(FIGURES)


def allowed_partners(conn: duckdb.DuckDBPyConnection, year: int, declared: Figure) -> list[str]:
    """Every partner in the partners register, and the rows of the figure's own table (the
    Seveso table names scopes such as NL)."""
    key = PARTNER_COLUMN[declared.sql]
    table = declared.sql.replace("_", ".", 1)
    return [
        r[0]
        for r in conn.execute(
            f"SELECT partner_code FROM ref.partners UNION SELECT {key} FROM {table} "
            "WHERE jaar = ? ORDER BY 1",
            [year],
        ).fetchall()
        if r[0]
    ]


def _seveso_shares(conn: duckdb.DuckDBPyConnection) -> set[str]:
    """The percentages staat.seveso keeps numerator and denominator of (its column `delen`)."""
    found = conn.execute(
        "SELECT DISTINCT unnest(json_keys(to_json(delen))) FROM staat.seveso"
    ).fetchall()
    return {r[0] for r in found}


def _text(expression: str) -> str:
    """A number as text without trailing zeros of its decimals (a kengetal of 1.690000 is 1.69),
    as readers write it."""
    text = f"({expression})::VARCHAR"
    trimmed = f"regexp_replace({text}, '\\.?0+$', '')"
    return f"CASE WHEN contains({text}, '.') THEN {trimmed} ELSE {text} END"


def parts_of(conn: duckdb.DuckDBPyConnection, declared: Figure, bare: str) -> tuple[str, str]:
    """SQL expressions of a figure's numerator and denominator in its staat table, as
    (teller, noemer); ('NULL', 'NULL') for a count or a kengetal as delivered."""
    if declared.sql == "staat_omgevingsdiensten":
        part, whole = NATIONAL_PARTS.get(bare, (None, None))
        return (part, whole) if whole else ("NULL", "NULL")
    if declared.sql == "staat_seveso" and bare in _seveso_shares(conn):
        return (f"delen['{bare}'].teller", f"delen['{bare}'].noemer")
    return ("NULL", "NULL")


def missing_sql(conn: duckdb.DuckDBPyConnection, declared: Figure, bare: str) -> str:
    """The partners expected to deliver a figure's inputs that did not, with why (Dutch): the
    complement of `geleverd` in landelijk.csv, by the same conventions (staat_landelijk.sql)."""
    if declared.sql == "staat_omgevingsdiensten":  # every omgevingsdienst; kengetallen present
        absent = [f"o.{k} IS NULL" for k in declared.kengetallen]
        listed = ", ".join(f"CASE WHEN o.{k} IS NULL THEN '{k}' END" for k in declared.kengetallen)
        why = (
            f"WHEN coalesce(o.opmerking, '') <> '' THEN o.opmerking "
            f"ELSE 'kengetal ontbreekt: ' || concat_ws(', ', {listed}) "
            if absent
            else ""
        )
        return (
            "SELECT p.partner_code, p.naam, CASE WHEN o.partner_code IS NULL THEN "
            f"'geen levering van controles in gebruik' {why}END AS reden "
            "FROM ref.partners p LEFT JOIN staat.omgevingsdiensten o "
            "ON o.partner_code = p.partner_code AND o.jaar = $jaar "
            "WHERE p.soort = 'omgevingsdienst' AND (o.partner_code IS NULL"
            + "".join(f" OR {a}" for a in absent)
            + ")"
        )
    if declared.sql == "staat_seveso":  # the partners required to deliver the counted kind
        kind = seveso_counted_kind(bare)
        return (
            "SELECT d.partner_code, p.naam, 'geen geaccepteerde levering van ' || d.soort "
            "|| ' (verplicht)' AS reden FROM staat.datakwaliteit d "
            "JOIN ref.partners p USING (partner_code) "
            f"WHERE d.jaar = $jaar AND d.soort = '{kind}' AND d.verplicht = 'ja' "
            "AND d.geleverd <> 'ja'"
        )
    return (  # a provincie's own kengetal
        "SELECT p.partner_code, p.naam, 'kengetal niet geleverd' AS reden FROM ref.partners p "
        "LEFT JOIN staat.provincies v ON v.provincie_code = p.partner_code AND v.jaar = $jaar "
        f"WHERE p.soort = 'provincie' AND v.\"{bare}\" IS NULL"
    )


def lineage(
    conn: duckdb.DuckDBPyConnection, year: int, name: str, partner: str | None = None
) -> Lineage:
    declared = figure(name)
    if declared is None:
        raise LineageError(
            f"onbekend cijfer '{name}'; toegestaan (landelijk.csv, kolom figuur): "
            + ", ".join(allowed_figures(conn, year))
        )
    bare = _bare(name, declared)
    if not conn.execute("SELECT count(*) FROM staat.herkomst WHERE jaar = ?", [year]).fetchone()[0]:
        raise LineageError(f"verslagjaar {year} is niet gebouwd in dit warehouse")
    if partner:
        known = allowed_partners(conn, year, declared)
        if partner not in known:
            raise LineageError(f"onbekende partner '{partner}'; toegestaan: {', '.join(known)}")
    files = rows(conn, herkomst_sql(partner), _params(year, bare, partner))
    national_name = NATIONAL_SEVESO_PREFIX + bare if declared.sql == "staat_seveso" else bare
    national = rows(
        conn,
        "SELECT figuur, waarde, geleverd, verwacht FROM staat.landelijk "
        "WHERE jaar = ? AND figuur = ?",
        [year, national_name],
    )
    key = PARTNER_COLUMN[declared.sql]
    table = declared.sql.replace("_", ".", 1)
    extra = [partner] if partner else []
    teller, noemer = parts_of(conn, declared, bare)
    partners = rows(
        conn,
        f'SELECT {key} AS partner_code, "{bare}"::VARCHAR AS waarde, {_text(teller)} AS teller, '
        f"{_text(noemer)} AS noemer FROM {table} "
        f"WHERE jaar = ? {f'AND {key} = ?' if partner else ''} ORDER BY {key}",
        [year, *extra],
    )
    parts = None if teller == "NULL" else (teller, noemer)
    national_parts = None
    if parts:  # the national sums over the rows where both are present (staat_landelijk.sql)
        both = f"{teller} IS NOT NULL AND {noemer} IS NOT NULL"
        where = "scope = 'NL'" if declared.sql == "staat_seveso" else "true"
        national_parts = rows(
            conn,
            f"SELECT {_text(f'sum({teller}) FILTER (WHERE {both})')} AS teller, "
            f"{_text(f'sum({noemer}) FILTER (WHERE {both})')} AS noemer "
            f"FROM {table} WHERE jaar = ? AND {where}",
            [year],
        )[0]
    missing = rows(
        conn,
        f"SELECT * FROM ({missing_sql(conn, declared, bare)}) "
        f"{'WHERE partner_code = $partner' if partner else ''} ORDER BY partner_code",
        {"jaar": year} | ({"partner": partner} if partner else {}),
    )
    kinds = list(declared.kinds)
    who = "AND partner_code = ?" if partner else ""
    quarantined = rows(
        conn,
        "SELECT partner_code, soort, bron_bestand AS bestand, regel, kolom, count(*) AS rijen, "
        "string_agg(bron_rij::VARCHAR, ', ' ORDER BY bron_rij) AS rijnummers FROM ("
        "SELECT DISTINCT partner_code, soort, bron_bestand, regel, kolom, bron_rij "
        f"FROM stg.quarantaine WHERE jaar = ? AND list_contains(?, soort) {who}) "
        "GROUP BY ALL ORDER BY partner_code, bestand, regel, kolom",
        [year, kinds, *extra],
    )
    unused = rows(
        conn,
        "SELECT partner_code, soort, pad AS bestand, sha256, status, reden FROM staat.leveringen "
        f"WHERE jaar = ? AND list_contains(?, soort) AND NOT list_contains(?, status) {who} "
        "ORDER BY pad",
        [year, kinds, list(IN_EFFECT), *extra],
    )
    datasets = [*(f"stg_{k}" for k in kinds), declared.sql, "staat_landelijk"]
    checks = rows(
        conn,
        "SELECT dataset, toets, ernst, uitkomst, afwijkende_rijen FROM staat.validatie "
        "WHERE jaar = ? AND list_contains(?, dataset) ORDER BY dataset, toets",
        [year, datasets],
    )
    return Lineage(
        year,
        name,
        declared,
        national[0] if national else None,
        partners,
        files,
        quarantined,
        unused,
        checks,
        parts,
        national_parts,
        missing,
    )


def _fmt(value: Any) -> str:
    return "–" if value is None or value == "" else str(value)


def render(lin: Lineage, project: Path | None = None) -> str:
    """The lineage as Dutch text for the terminal."""
    f = lin.figure

    def shown(name: str) -> Path:
        path = sql_path(name)
        return path.relative_to(project) if project and path.is_relative_to(project) else path

    out = [
        f"Cijfer {lin.name} ({f.label}), verslagjaar {lin.year}",
        f"Regel: {f.definition}",
        f"Berekend in: {shown(f.sql)} (per partner), {shown('staat_landelijk')} (landelijk)",
        f"Nodig: {', '.join(f.inputs)}",
    ]
    if lin.national:
        n = lin.national
        out.append(
            f"Landelijk: {_fmt(n['waarde'])} (geleverd door {_fmt(n['geleverd'])} van "
            f"{_fmt(n['verwacht'])} partners)"
        )
    seveso = f.sql == "staat_seveso"
    if lin.parts and lin.national_parts:
        t, d = lin.national_parts["teller"], lin.national_parts["noemer"]
        how = (
            "teller en noemer van heel Nederland (scope NL)"
            if seveso
            else f"teller is de som van {lin.parts[0]}, noemer de som van {lin.parts[1]}, over de "
            "partners die beide hebben"
        )
        out.append(f"  = {_fmt(t)} / {_fmt(d)}{' × 100' * (f.unit == 'pct')}: {how}")
    if lin.missing is not None:
        out.append(f"Verwacht maar niet geleverd: {len(lin.missing) or 'geen'}")
        out += [f"  {m['partner_code']} ({m['naam']}): {m['reden']}" for m in lin.missing]
    out.append("")
    if lin.parts and seveso:
        out.append(
            "Bijdrage per omgevingsdienst en scope (waarde in seveso.csv = teller / noemer; de "
            "inspectiebestanden tellen mee bij de omgevingsdienst van de inrichting):"
        )
    elif lin.parts:
        out.append(
            "Bijdrage per partner (waarde in de tabel van de partner = teller / noemer; "
            f"teller {lin.parts[0]}, noemer {lin.parts[1]}):"
        )
    else:
        out.append("Bijdrage per partner (waarde in de tabel van de partner):")
    values = {
        p["partner_code"]: _fmt(p["waarde"])
        + (f" = {_fmt(p['teller'])} / {_fmt(p['noemer'])}" if lin.parts else "")
        for p in lin.partners
    }
    by_partner: dict[str, list[dict]] = {}
    for row in lin.files:
        by_partner.setdefault(row["partner_code"], []).append(row)
    unused: dict[str, list[dict]] = {}
    for u in lin.unused:
        unused.setdefault(u["partner_code"], []).append(u)
    for code in sorted(set(values) | set(by_partner) | set(unused)):
        value = values.get(code, "geen eigen rij in de tabel")
        out.append(f"  {code}: {value}")
        for r in by_partner.get(code, []):
            out.append(
                f"    {r['bestand']}  sha256 {r['sha256']}  {r['rijen']} rijen: {r['rijbereiken']}"
            )
        for u in unused.get(code, []):  # e.g. a rejected file: why nothing of it went in
            out.append(
                f"    {u['bestand']}  sha256 {_fmt(u['sha256'])}  niet gebruikt "
                f"({u['status']}: {_fmt(u['reden'])})"
            )
    out.append("")
    if lin.quarantined:
        out.append("Niet meegeteld (quarantaine):")
        for q in lin.quarantined[:MAX_ROWS_SHOWN]:
            out.append(
                f"  {q['bestand']}: {q['rijen']} rij(en) op {q['regel']} (rij {q['rijnummers']})"
            )
        if len(lin.quarantined) > MAX_ROWS_SHOWN:
            out.append(f"  ... en {len(lin.quarantined) - MAX_ROWS_SHOWN} meer")
    else:
        out.append("Niet meegeteld (quarantaine): geen rijen")
    out.append("")
    out.append(
        "Bestanden van dit jaar die niet zijn gebruikt (afgewezen, vervangen, in conflict, "
        f"identiek): {len(lin.unused) or 'geen'}"
    )
    for u in lin.unused:
        out.append(f"  {u['bestand']} ({u['status']}: {_fmt(u['reden'])})")
    out.append("")
    out.append("Toetsen op deze gegevens (staat.validatie):")
    for c in lin.checks:
        out.append(f"  {c['dataset']} / {c['toets']} [{c['ernst']}]: {c['uitkomst']}")
    if not lin.checks:
        out.append("  geen")
    return "\n".join(out)


def write_csv(conn: duckdb.DuckDBPyConnection, lin: Lineage, partner: str | None, path: Path):
    """The provenance rows as a table (one row per partner and file), by DuckDB's COPY."""
    params = _params(lin.year, lin.figure.name, partner)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn.execute(
        f"COPY ({herkomst_sql(partner)}) TO '{path.as_posix()}' (HEADER, DELIMITER ',')", params
    )
