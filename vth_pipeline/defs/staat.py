"""The tables of rekenregels.md, one asset each, computed in DuckDB SQL from stg_* and int_*.

Every percentage goes through the `pct` macro (half-to-even on the exact quotient, NULL when
the whole is 0 or missing); national figures are computed from national sums.
"""

from dagster import AssetDep, AssetExecutionContext, AssetsDefinition, MaterializeResult, asset
from dagster_duckdb import DuckDBResource

from vth_pipeline.contract.columns import DUTIES, FILE_KINDS
from vth_pipeline.defs.reference import REF_KEYS
from vth_pipeline.partitions import previous_year, year_of, yearly
from vth_pipeline.validation import check_specs_for
from vth_pipeline.warehouse import VALIDATION_SECONDS, replace_partition, session, timed_checks

# Kengetallen per partner: the partner-wide row counts; without one, the sum over the
# bevoegd gezag rows. Where both exist the difference is kept for the data-quality annex.
INT_KENGETALLEN = """
SELECT jaar, partner_code, indicator,
  coalesce(max(waarde) FILTER (WHERE bevoegd_gezag IS NULL), sum(waarde)) AS waarde,
  CASE WHEN count(*) FILTER (WHERE bevoegd_gezag IS NULL) > 0 THEN 'partner'
       ELSE 'som_bevoegd_gezag' END AS bron,
  max(waarde) FILTER (WHERE bevoegd_gezag IS NULL) AS waarde_partner,
  sum(waarde) FILTER (WHERE bevoegd_gezag IS NOT NULL) AS som_bevoegd_gezag
FROM stg.kengetallen WHERE jaar = $jaar
GROUP BY ALL ORDER BY partner_code, indicator
"""

# Counts from controles shared by the omgevingsdienst and provincie tables: `{key}` groups.
CONTROLE_COUNTS = """
  count(c.controle_id) AS controles,
  count(*) FILTER (WHERE c.soort_controle = 'fysiek') AS controles_fysiek,
  count(*) FILTER (WHERE c.resultaat IN ('geen_overtreding', 'overtreding'))
    AS controles_beoordeeld,
  count(*) FILTER (WHERE c.resultaat = 'overtreding') AS controles_met_overtreding,
  count(*) FILTER (WHERE c.resultaat IN ('geen_overtreding', 'overtreding')
    AND c.aanleiding <> 'hercontrole') AS eerste_controles_beoordeeld,
  count(*) FILTER (WHERE c.resultaat = 'geen_overtreding' AND c.aanleiding <> 'hercontrole')
    AS eerste_controles_zonder_overtreding,
  count(*) FILTER (WHERE c.aanleiding = 'hercontrole') AS hercontroles,
  count(*) FILTER (WHERE c.aanleiding = 'hercontrole'
    AND c.resultaat IN ('geen_overtreding', 'overtreding')) AS hercontroles_beoordeeld,
  count(*) FILTER (WHERE c.aanleiding = 'hercontrole' AND c.resultaat = 'geen_overtreding')
    AS hercontroles_opgelost,
  count(*) FILTER (WHERE c.resultaat = 'overtreding' AND c.lhs_gevolg IN ('C', 'D'))
    AS ernstige_overtredingen,
  count(*) FILTER (WHERE c.resultaat = 'overtreding'
    AND c.interventie IN ('proces_verbaal', 'bestuurlijke_strafbeschikking'))
    AS strafrechtelijke_interventies,
  count(DISTINCT c.inrichting_id) AS inrichtingen_gecontroleerd
"""

CONTROLE_PCTS = """
  pct(eerste_controles_zonder_overtreding, eerste_controles_beoordeeld)
    AS naleving_eerste_controle_pct,
  pct(hercontroles_opgelost, hercontroles_beoordeeld) AS hercontrole_opgelost_pct,
  pct(strafrechtelijke_interventies, controles_met_overtreding) AS strafrechtelijk_pct
"""

# Omgevingsdiensten whose controles file was read this year (possibly with 0 accepted rows).
DELIVERED_CONTROLES = """
  SELECT DISTINCT partner_code FROM meta.inlezing
  WHERE jaar = $jaar AND soort = 'controles' AND resultaat = 'ingelezen'
"""

# The figures of the first table of rekenregels.md, in its order.
CONTROLE_FIGURES = (
    "controles",
    "controles_fysiek",
    "controles_beoordeeld",
    "controles_met_overtreding",
    "naleving_eerste_controle_pct",
    "hercontroles",
    "hercontrole_opgelost_pct",
    "ernstige_overtredingen",
    "strafrechtelijk_pct",
    "inrichtingen_gecontroleerd",
)
KENGETAL_FIGURES = (
    "controledichtheid_pct",
    "controles_per_fte",
    "vergunningen_binnen_termijn_pct",
    "handhavingsbesluiten_in_stand_pct",
)

# What each figure means, in the words of rekenregels.md; shown in the report's definitions.
DEFINITIONS: dict[str, str] = {
    "controles": "Aantal controles (rijen in `controles`).",
    "controles_fysiek": "Controles met `soort_controle = fysiek`.",
    "controles_beoordeeld": "Controles met `resultaat` geen_overtreding of overtreding.",
    "controles_met_overtreding": "Controles met `resultaat = overtreding`.",
    "naleving_eerste_controle_pct": "Van de beoordeelde controles die geen hercontrole zijn: "
    "het aandeel zonder overtreding.",
    "hercontroles": "Controles met `aanleiding = hercontrole`.",
    "hercontrole_opgelost_pct": "Van de beoordeelde hercontroles: het aandeel zonder overtreding.",
    "ernstige_overtredingen": "Controles met overtreding en LHSO-gevolg C of D.",
    "strafrechtelijk_pct": "Van de controles met overtreding: het aandeel met proces-verbaal of "
    "bestuurlijke strafbeschikking als zwaarste interventie.",
    "inrichtingen_gecontroleerd": "Aantal verschillende gecontroleerde inrichtingen (partner, "
    "`inrichting_id`); landelijk telt een inrichting van twee diensten twee keer.",
    "controledichtheid_pct": "Gecontroleerde inrichtingen gedeeld door het kengetal "
    "`inrichtingen_in_beheer`.",
    "controles_per_fte": "Controles gedeeld door het kengetal `fte_toezicht_handhaving` "
    "(twee decimalen).",
    "vergunningen_binnen_termijn_pct": "Kengetal `vergunningbesluiten_binnen_termijn` gedeeld "
    "door `vergunningbesluiten`.",
    "handhavingsbesluiten_in_stand_pct": "Kengetal `handhavingsbesluiten_in_stand` gedeeld door "
    "`handhavingsbesluiten_getoetst`.",
}

KENGETAL_COLUMNS = (
    "inrichtingen_in_beheer",
    "fte_toezicht_handhaving",
    "vergunningbesluiten",
    "vergunningbesluiten_binnen_termijn",
    "handhavingsbesluiten_getoetst",
    "handhavingsbesluiten_in_stand",
)

OMGEVINGSDIENSTEN = f"""
WITH counts AS (
  SELECT d.partner_code, {CONTROLE_COUNTS}
  FROM ({DELIVERED_CONTROLES}) d
  LEFT JOIN stg.controles c ON c.partner_code = d.partner_code AND c.jaar = $jaar
  GROUP BY d.partner_code
), k AS (
  PIVOT (SELECT partner_code, indicator, waarde FROM int.kengetallen WHERE jaar = $jaar)
  ON indicator IN ({", ".join(f"'{k}'" for k in KENGETAL_COLUMNS)}) USING max(waarde)
  GROUP BY partner_code
)
SELECT $jaar::INTEGER AS jaar, counts.partner_code, p.naam,
  controles, controles_fysiek, controles_beoordeeld, controles_met_overtreding,
  {CONTROLE_PCTS}, hercontroles, ernstige_overtredingen, inrichtingen_gecontroleerd,
  pct(inrichtingen_gecontroleerd, k.inrichtingen_in_beheer) AS controledichtheid_pct,
  ratio2(controles, k.fte_toezicht_handhaving) AS controles_per_fte,
  pct(k.vergunningbesluiten_binnen_termijn, k.vergunningbesluiten)
    AS vergunningen_binnen_termijn_pct,
  pct(k.handhavingsbesluiten_in_stand, k.handhavingsbesluiten_getoetst)
    AS handhavingsbesluiten_in_stand_pct,
  eerste_controles_beoordeeld, eerste_controles_zonder_overtreding, hercontroles_beoordeeld,
  hercontroles_opgelost, strafrechtelijke_interventies,
  {", ".join(f"k.{c}" for c in KENGETAL_COLUMNS)}
FROM counts
JOIN ref.partners p ON p.partner_code = counts.partner_code
LEFT JOIN k ON k.partner_code = counts.partner_code
ORDER BY counts.partner_code
"""


# Kengetal ratios do not need controles: every omgevingsdienst that delivered both inputs.
KENGETALLEN_OD = f"""
PIVOT (SELECT k.partner_code, k.indicator, k.waarde FROM int.kengetallen k
       JOIN ref.partners p ON p.partner_code = k.partner_code AND p.soort = 'omgevingsdienst'
       WHERE k.jaar = $jaar)
ON indicator IN ({", ".join(f"'{k}'" for k in KENGETAL_COLUMNS)}) USING max(waarde)
GROUP BY partner_code
"""

_N_OD = "(SELECT count(*) FROM ref.partners WHERE soort = 'omgevingsdienst')"
_OD = "staat.omgevingsdiensten WHERE jaar = $jaar"
_KG = f"({KENGETALLEN_OD})"

# (figuur, value over the partners in scope, those partners, inputs each must have delivered).
# Counts are sums over partners; percentages and ratios are computed from national sums.
NATIONAL_FIGURES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("controles", "sum(controles)", _OD, ()),
    ("controles_fysiek", "sum(controles_fysiek)", _OD, ()),
    ("controles_beoordeeld", "sum(controles_beoordeeld)", _OD, ()),
    ("controles_met_overtreding", "sum(controles_met_overtreding)", _OD, ()),
    (
        "naleving_eerste_controle_pct",
        "pct(sum(eerste_controles_zonder_overtreding), sum(eerste_controles_beoordeeld))",
        _OD,
        (),
    ),
    ("hercontroles", "sum(hercontroles)", _OD, ()),
    (
        "hercontrole_opgelost_pct",
        "pct(sum(hercontroles_opgelost), sum(hercontroles_beoordeeld))",
        _OD,
        (),
    ),
    ("ernstige_overtredingen", "sum(ernstige_overtredingen)", _OD, ()),
    (
        "strafrechtelijk_pct",
        "pct(sum(strafrechtelijke_interventies), sum(controles_met_overtreding))",
        _OD,
        (),
    ),
    ("inrichtingen_gecontroleerd", "sum(inrichtingen_gecontroleerd)", _OD, ()),
    (
        "controledichtheid_pct",
        "pct(sum(inrichtingen_gecontroleerd), sum(inrichtingen_in_beheer))",
        _OD,
        ("inrichtingen_in_beheer",),
    ),
    (
        "controles_per_fte",
        "ratio2(sum(controles), sum(fte_toezicht_handhaving))",
        _OD,
        ("fte_toezicht_handhaving",),
    ),
    (
        "vergunningen_binnen_termijn_pct",
        "pct(sum(vergunningbesluiten_binnen_termijn), sum(vergunningbesluiten))",
        _KG,
        ("vergunningbesluiten", "vergunningbesluiten_binnen_termijn"),
    ),
    (
        "handhavingsbesluiten_in_stand_pct",
        "pct(sum(handhavingsbesluiten_in_stand), sum(handhavingsbesluiten_getoetst))",
        _KG,
        ("handhavingsbesluiten_getoetst", "handhavingsbesluiten_in_stand"),
    ),
)


def _national_figure(i: int, figuur: str, expr: str, scope: str, needs: tuple[str, ...]) -> str:
    have = " AND ".join(f"{n} IS NOT NULL" for n in needs) or "true"
    return (
        f"SELECT {i} AS volgorde, '{figuur}' AS figuur, ({expr})::VARCHAR AS waarde, "
        f"count(*) AS geleverd, {_N_OD} AS verwacht FROM (SELECT * FROM {scope}) WHERE {have}"
    )


def landelijk_sql(seveso_figures: list[str]) -> str:
    """National figures of the first table, then the Seveso figures of scope NL (`seveso_`).

    The completeness of a Seveso figure is that of the deliveries it needs, from the
    data-quality table: the register for `inrichtingen_actief`, the inspections otherwise.
    """
    first = [_national_figure(i, *f) for i, f in enumerate(NATIONAL_FIGURES)]

    def source(figure: str) -> str:
        return "seveso_inrichtingen" if figure == "inrichtingen_actief" else "seveso_inspecties"

    seveso = [
        f"SELECT {100 + i} AS volgorde, 'seveso_{f}' AS figuur, s.{f}::VARCHAR AS waarde, "
        "d.geleverd, d.verwacht FROM (SELECT * FROM staat.seveso WHERE jaar = $jaar "
        "AND scope = 'NL') s, (SELECT count(*) FILTER (WHERE geleverd = 'ja') AS geleverd, "
        "count(*) AS verwacht FROM staat.datakwaliteit WHERE jaar = $jaar AND verplicht = 'ja' "
        f"AND soort = '{source(f)}') d"
        for i, f in enumerate(seveso_figures)
    ]
    return (
        "WITH figures AS (" + " UNION ALL ".join(first + seveso) + ") SELECT $jaar::INTEGER AS "
        "jaar, volgorde, figuur, waarde, geleverd, verwacht FROM figures ORDER BY volgorde"
    )


PROVINCIE_KENGETALLEN = (
    "handhavingsoverleg_bijeenkomsten",
    "uitvoeringsprogramma_vastgesteld",
    "vth_jaarverslag_vastgesteld",
)

# Inrichtingen are (partner, inrichting_id) within a provincie; a provincie without controles
# has one all-NULL joined row, which is not an inrichting.
PROVINCIE_INRICHTINGEN = (
    "count(DISTINCT (c.partner_code, c.inrichting_id)) FILTER (WHERE c.controle_id IS NOT NULL)"
)

PROVINCIES = f"""
WITH c AS (
  SELECT c.*, coalesce(g.provincie_code, pv.provincie_code) AS provincie_code
  FROM stg.controles c
  LEFT JOIN ref.gemeenten g ON g.gm_code = c.bevoegd_gezag
  LEFT JOIN ref.provincies pv ON pv.provincie_code = c.bevoegd_gezag
  WHERE c.jaar = $jaar
), counts AS (
  SELECT pr.provincie_code, {
    CONTROLE_COUNTS.replace("count(DISTINCT c.inrichting_id)", PROVINCIE_INRICHTINGEN)
}
  FROM ref.provincies pr LEFT JOIN c ON c.provincie_code = pr.provincie_code
  GROUP BY pr.provincie_code
), k AS (
  PIVOT (SELECT partner_code, indicator, waarde FROM int.kengetallen WHERE jaar = $jaar)
  ON indicator IN ({", ".join(f"'{k}'" for k in PROVINCIE_KENGETALLEN)}) USING max(waarde)
  GROUP BY partner_code
)
SELECT $jaar::INTEGER AS jaar, counts.provincie_code, pr.naam,
  controles, controles_fysiek, controles_beoordeeld, controles_met_overtreding,
  {CONTROLE_PCTS}, hercontroles, ernstige_overtredingen, inrichtingen_gecontroleerd,
  {", ".join(f"k.{c}::BIGINT AS {c}" for c in PROVINCIE_KENGETALLEN)}
FROM counts JOIN ref.provincies pr USING (provincie_code)
LEFT JOIN k ON k.partner_code = counts.provincie_code
ORDER BY counts.provincie_code
"""

INTERVENTIES = """
WITH c AS (SELECT * FROM stg.controles WHERE jaar = $jaar AND resultaat = 'overtreding')
SELECT $jaar::INTEGER AS jaar, partner_code, interventie, count(*) AS aantal FROM c
GROUP BY GROUPING SETS ((partner_code, interventie), (interventie))
"""

LHSO = """
WITH c AS (SELECT * FROM stg.controles WHERE jaar = $jaar AND resultaat = 'overtreding')
SELECT $jaar::INTEGER AS jaar, partner_code, lhs_gevolg, lhs_gedrag, count(*) AS aantal FROM c
GROUP BY GROUPING SETS ((partner_code, lhs_gevolg, lhs_gedrag), (lhs_gevolg, lhs_gedrag))
"""


# Outcome indicators. A (jaar, indicator, gebied) delivered by two partners is a conflict: its
# value stays empty and the partners are named. Nationally: the NL row when one partner
# delivered it, else the sum over the GM gebieden. The previous year's value of a gemeente
# includes the gemeenten merged into it, and is empty unless every one of them was delivered.
UITKOMSTEN = """
WITH per AS (
  SELECT jaar, indicator, gebied,
    string_agg(DISTINCT partner_code, ', ' ORDER BY partner_code) AS geleverd_door,
    count(DISTINCT partner_code) AS n_partners,
    CASE WHEN count(DISTINCT partner_code) = 1 THEN max(waarde) END AS waarde
  FROM stg.uitkomsten WHERE jaar IN ($jaar, $jaar - 1)
  GROUP BY ALL
), nat AS (
  SELECT jaar, indicator, 'NL' AS gebied,
    coalesce(max(waarde) FILTER (WHERE gebied = 'NL'),
             sum(waarde) FILTER (WHERE gebied LIKE 'GM%')) AS waarde,
    sum(waarde) FILTER (WHERE gebied LIKE 'GM%') AS som_gemeenten,
    CASE WHEN count(waarde) FILTER (WHERE gebied = 'NL') > 0 THEN max(geleverd_door)
      FILTER (WHERE gebied = 'NL') ELSE 'som van de gemeenten' END AS geleverd_door,
    count(*) FILTER (WHERE gebied = 'NL' AND n_partners > 1) AS n_conflict,
    count(*) FILTER (WHERE gebied LIKE 'GM%' AND n_partners > 1) AS n_gm_conflict
  FROM per GROUP BY jaar, indicator
), vals AS (
  SELECT jaar, indicator, gebied, waarde, geleverd_door,
    CASE WHEN n_partners > 1 THEN 'conflict: door meer dan één partner geleverd; niet gebruikt'
    END AS opmerking
  FROM per WHERE gebied <> 'NL'
  UNION ALL
  SELECT jaar, indicator, gebied, waarde, geleverd_door,
    concat_ws('; ',
      CASE WHEN n_conflict > 0 THEN 'NL door meer dan één partner geleverd; som gebruikt' END,
      CASE WHEN n_gm_conflict > 0 AND geleverd_door = 'som van de gemeenten'
        THEN n_gm_conflict::VARCHAR || ' gemeente(n) met een conflict niet in de som' END,
      CASE WHEN geleverd_door <> 'som van de gemeenten' AND som_gemeenten IS NOT NULL
        AND som_gemeenten <> waarde THEN 'som van de gemeenten: ' || som_gemeenten::VARCHAR END
    ) AS opmerking
  FROM nat
), chain AS (
  -- every gemeente with itself and the gemeenten that were merged into it
  WITH RECURSIVE ch(bron, doel) AS (
    SELECT gm_code, gm_code FROM ref.gemeenten
    UNION ALL
    SELECT ch.bron, g.opvolger FROM ch JOIN ref.gemeenten g ON g.gm_code = ch.doel
    WHERE g.opvolger IS NOT NULL
  ) SELECT DISTINCT bron, doel FROM ch
), prev_expected AS (
  SELECT c.doel AS gebied, c.bron FROM chain c JOIN ref.gemeenten g ON g.gm_code = c.bron
  WHERE coalesce(g.geldig_van, DATE '1900-01-01') <= make_date($jaar - 1, 12, 31)
    AND coalesce(g.geldig_tot, DATE '9999-12-31') >= make_date($jaar - 1, 1, 1)
), prev AS (
  SELECT cur.indicator, cur.gebied,
    CASE WHEN cur.gebied NOT LIKE 'GM%' THEN max(p.waarde) FILTER (WHERE p.gebied = cur.gebied)
         WHEN count(e.bron) > 0 AND count(e.bron) = count(p.waarde) THEN sum(p.waarde)
    END AS waarde_vorig_jaar
  FROM (SELECT DISTINCT indicator, gebied FROM vals WHERE jaar = $jaar) cur
  LEFT JOIN prev_expected e ON e.gebied = cur.gebied
  LEFT JOIN vals p ON p.jaar = $jaar - 1 AND p.indicator = cur.indicator
    AND p.gebied = coalesce(e.bron, cur.gebied)
  GROUP BY cur.indicator, cur.gebied
)
SELECT $jaar::INTEGER AS jaar, v.indicator, v.gebied, v.waarde, prev.waarde_vorig_jaar,
  pct(v.waarde - prev.waarde_vorig_jaar, prev.waarde_vorig_jaar) AS verschil_pct,
  v.geleverd_door, nullif(v.opmerking, '') AS opmerking
FROM vals v LEFT JOIN prev USING (indicator, gebied)
WHERE v.jaar = $jaar
ORDER BY v.indicator, v.gebied = 'NL', v.gebied
"""


def _duties_values() -> str:
    rows = []
    for d in DUTIES:
        seveso = "NULL" if d.seveso_omgevingsdienst is None else str(d.seveso_omgevingsdienst)
        rows += [f"('{d.partner_soort}', {seveso}, '{k}', true)" for k in d.required]
        rows += [f"('{d.partner_soort}', {seveso}, '{k}', false)" for k in d.optional]
    return "VALUES " + ", ".join(rows)


def _row_counts() -> str:
    """Accepted rows per file, over every kind."""
    return " UNION ALL ".join(
        f"SELECT bron_bestand, count(*) AS n FROM stg.{k} WHERE jaar = $jaar GROUP BY 1"
        for k in FILE_KINDS
    )


# Per partner and kind: required or not, what arrived, and rows read = accepted + quarantined.
# A veiligheidsregio must deliver when an establishment of the register in its area is active
# on at least one day of the year.
DATAKWALITEIT = f"""
WITH partners AS (
  SELECT partner_code, soort AS partner_soort, seveso_omgevingsdienst = 'ja' AS seveso
  FROM ref.partners
), duties(partner_soort, seveso, soort, verplicht) AS ({_duties_values()}),
vr_duty AS (
  SELECT DISTINCT veiligheidsregio FROM stg.seveso_inrichtingen WHERE jaar = $jaar
    AND actief_vanaf <= make_date($jaar, 12, 31)
    AND (actief_tot IS NULL OR actief_tot >= make_date($jaar, 1, 1))
), expected AS (
  SELECT p.partner_code, d.soort,
    CASE WHEN p.partner_soort = 'veiligheidsregio'
      THEN p.partner_code IN (SELECT veiligheidsregio FROM vr_duty) ELSE d.verplicht END
      AS verplicht
  FROM partners p JOIN duties d ON d.partner_soort = p.partner_soort
    AND (d.seveso IS NULL OR d.seveso = p.seveso)
), files AS (
  SELECT l.*, i.resultaat, i.reden AS reden_inlezing, i.rijen
  FROM meta.leveringen l
  LEFT JOIN meta.inlezing i ON i.jaar = l.jaar AND i.pad = l.pad
  WHERE l.jaar = $jaar AND l.soort IS NOT NULL
    AND l.partner_code IN (SELECT partner_code FROM partners)
), per_triple AS (
  SELECT partner_code, soort, count(*) AS bestanden_ontvangen,
    string_agg(pad, ' ; ' ORDER BY pad) FILTER (WHERE status IN ('in_gebruik', 'conflict',
      'afgewezen')) AS bestand,
    max(leverdatum) FILTER (WHERE status = 'in_gebruik') AS leverdatum,
    max(sha256) FILTER (WHERE status = 'in_gebruik') AS sha256,
    bool_or(status = 'in_gebruik' AND resultaat = 'ingelezen') AS ingelezen,
    bool_or(status = 'conflict') AS conflict,
    max(coalesce(reden_inlezing, reden)) FILTER (WHERE status IN ('conflict', 'afgewezen')
      OR resultaat = 'afgewezen') AS reden,
    max(rijen) FILTER (WHERE status = 'in_gebruik') AS rijen
  FROM files GROUP BY partner_code, soort
), accepted AS ({_row_counts()}),
quarantined AS (
  SELECT bron_bestand, count(DISTINCT bron_rij) AS n FROM stg.quarantaine
  WHERE jaar = $jaar GROUP BY 1
), keys AS (
  SELECT partner_code, soort FROM expected UNION SELECT partner_code, soort FROM per_triple
)
SELECT $jaar::INTEGER AS jaar, k.partner_code, k.soort,
  CASE WHEN coalesce(e.verplicht, false) THEN 'ja' ELSE 'nee' END AS verplicht,
  CASE WHEN coalesce(t.ingelezen, false) THEN 'ja' ELSE 'nee' END AS geleverd,
  CASE WHEN t.ingelezen THEN 'ingelezen'
       WHEN t.conflict THEN 'conflict'
       WHEN t.partner_code IS NOT NULL AND t.bestand IS NOT NULL THEN 'afgewezen'
       WHEN e.partner_code IS NULL THEN 'niet_gevraagd'
       ELSE 'niet_geleverd' END AS status,
  t.leverdatum, t.bestand, t.sha256,
  CASE WHEN t.ingelezen THEN t.rijen END AS rijen,
  CASE WHEN t.ingelezen THEN coalesce(a.n, 0) END AS geaccepteerd,
  CASE WHEN t.ingelezen THEN coalesce(q.n, 0) END AS quarantaine,
  coalesce(t.bestanden_ontvangen, 0) AS bestanden_ontvangen,
  t.reden
FROM keys k
LEFT JOIN expected e USING (partner_code, soort)
LEFT JOIN per_triple t USING (partner_code, soort)
LEFT JOIN accepted a ON t.ingelezen AND a.bron_bestand = t.bestand
LEFT JOIN quarantined q ON t.ingelezen AND q.bron_bestand = t.bestand
ORDER BY k.partner_code, k.soort
"""

QUARANTAINE_REGELS = """
SELECT jaar, partner_code, soort, bron_bestand, regel, kolom, count(DISTINCT bron_rij) AS rijen,
  min(bron_rij) AS eerste_rij, min(melding) AS melding
FROM stg.quarantaine WHERE jaar = $jaar
GROUP BY ALL ORDER BY partner_code, soort, bron_bestand, regel
"""

# Partner-wide kengetallen that differ from the sum of the same partner's bevoegd-gezag rows:
# the partner-wide row counts (rekenregels.md), the difference is reported.
KENGETALLEN_VERSCHILLEN = """
SELECT jaar, partner_code, indicator, waarde_partner, som_bevoegd_gezag,
  waarde_partner - som_bevoegd_gezag AS verschil
FROM int.kengetallen
WHERE jaar = $jaar AND waarde_partner <> som_bevoegd_gezag
ORDER BY partner_code, indicator
"""

LEVERINGEN = """
SELECT jaar, pad, partner_code, soort, leverdatum, formaat, bytes, sha256, status, reden
FROM meta.leveringen WHERE jaar = $jaar ORDER BY pad
"""


def _national_rows(sql: str, keys: str) -> str:
    """Grouping-set rows without a partner are the national rows, coded NL."""
    return (
        f"SELECT jaar, coalesce(partner_code, 'NL') AS partner_code, * EXCLUDE (jaar, "
        f"partner_code) FROM ({sql}) ORDER BY partner_code = 'NL', partner_code, {keys}"
    )


def sql_asset(
    name: str, sql: str, deps: list, description: str, group: str = "staat", **asset_kwargs
) -> AssetsDefinition:
    schema, table = name.split("_", 1)

    @asset(
        name=name,
        group_name=group,
        partitions_def=yearly,
        deps=deps,
        kinds={"duckdb"},
        description=description,
        check_specs=check_specs_for(name),
        **asset_kwargs,
    )
    def _table(context: AssetExecutionContext, duckdb: DuckDBResource) -> MaterializeResult:
        year = year_of(context)
        with session(duckdb) as conn:
            n = replace_partition(conn, f"{schema}.{table}", sql, year)
            checks, seconds = timed_checks(conn, name, year)
        return MaterializeResult(
            metadata={"rows": n, VALIDATION_SECONDS: seconds}, check_results=checks
        )

    return _table


int_kengetallen = sql_asset(
    "int_kengetallen",
    INT_KENGETALLEN,
    ["stg_kengetallen"],
    "Kengetallen per partner and indicator, per-bevoegd-gezag rows summed when needed.",
    group="int",
)
staat_omgevingsdiensten = sql_asset(
    "staat_omgevingsdiensten",
    OMGEVINGSDIENSTEN,
    ["stg_controles", "int_kengetallen", *REF_KEYS],
    "One row per omgevingsdienst that delivered controles, every figure of rekenregels.md.",
)


@asset(
    group_name="staat",
    partitions_def=yearly,
    deps=["staat_omgevingsdiensten", "int_kengetallen", "staat_seveso", "staat_datakwaliteit"],
    kinds={"duckdb"},
    description="National figures (Seveso ones prefixed seveso_) with their completeness.",
    check_specs=check_specs_for("staat_landelijk"),
)
def staat_landelijk(context: AssetExecutionContext, duckdb: DuckDBResource) -> MaterializeResult:
    year = year_of(context)
    with session(duckdb) as conn:
        seveso = [
            r[0]
            for r in conn.execute("DESCRIBE staat.seveso").fetchall()
            if r[0] not in ("jaar", "scope", "volgorde")
        ]
        n = replace_partition(conn, "staat.landelijk", landelijk_sql(seveso), year)
        checks, seconds = timed_checks(conn, "staat_landelijk", year)
    return MaterializeResult(
        metadata={"rows": n, VALIDATION_SECONDS: seconds}, check_results=checks
    )


staat_provincies = sql_asset(
    "staat_provincies",
    PROVINCIES,
    ["stg_controles", "int_kengetallen", *REF_KEYS],
    "Controles by the provincie of the bevoegd gezag, and the provincies' own kengetallen.",
)
staat_interventies = sql_asset(
    "staat_interventies",
    _national_rows(INTERVENTIES, "interventie"),
    ["stg_controles"],
    "Interventions after a violation, per omgevingsdienst and nationally (NL).",
)
staat_lhso = sql_asset(
    "staat_lhso",
    _national_rows(LHSO, "lhs_gevolg, lhs_gedrag"),
    ["stg_controles"],
    "Violations per cell of the LHSO matrix, per omgevingsdienst and nationally (NL).",
)

staat_uitkomsten = sql_asset(
    "staat_uitkomsten",
    UITKOMSTEN,
    [AssetDep("stg_uitkomsten", partition_mapping=previous_year), *REF_KEYS],
    "Outcome indicators with the previous year's value and the change.",
)
staat_datakwaliteit = sql_asset(
    "staat_datakwaliteit",
    DATAKWALITEIT,
    ["meta_leveringen", *(f"stg_{k}" for k in FILE_KINDS), *REF_KEYS],
    "Per partner and kind: required, delivered, rows read, accepted and quarantined.",
)
staat_quarantaine_regels = sql_asset(
    "staat_quarantaine_regels",
    QUARANTAINE_REGELS,
    [f"stg_{k}" for k in FILE_KINDS],
    "Quarantined rows per file and rule, with the first row and the message.",
)
staat_kengetallen_verschillen = sql_asset(
    "staat_kengetallen_verschillen",
    KENGETALLEN_VERSCHILLEN,
    ["int_kengetallen"],
    "Partner-wide kengetallen that differ from the sum over the bevoegd-gezag rows.",
)
staat_leveringen = sql_asset(
    "staat_leveringen",
    LEVERINGEN,
    ["meta_leveringen"],
    "Every file received for the year with its sha256 and status, for the lineage.",
)

staat_assets = [
    int_kengetallen,
    staat_omgevingsdiensten,
    staat_landelijk,
    staat_provincies,
    staat_interventies,
    staat_lhso,
    staat_uitkomsten,
    staat_datakwaliteit,
    staat_quarantaine_regels,
    staat_leveringen,
    staat_kengetallen_verschillen,
]
