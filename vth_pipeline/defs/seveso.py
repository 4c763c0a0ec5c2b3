"""Integrated Seveso supervision: one account of what three kinds of inspectors found.

The provincies' registers become one national register (int_seveso_register); the partner
rows of the omgevingsdiensten, the NLA and the veiligheidsregio's become integrated
inspections (int_seveso_inspecties), joined on `gezamenlijke_inspectie_id`. Joint ids whose
rows disagree on establishment or date are integration conflicts: reported, never counted.
"""

from dagster import AssetDep, AssetExecutionContext, MaterializeResult, asset
from dagster_duckdb import DuckDBResource

from vth_pipeline.defs.reference import REF_KEYS
from vth_pipeline.defs.staat import sql_asset
from vth_pipeline.partitions import three_years, year_of, yearly
from vth_pipeline.validation import check_specs_for
from vth_pipeline.warehouse import VALIDATION_SECONDS, replace_partition, session, timed_checks

# Active for the whole year, as the BRZO+ monitor counts.
REGISTER = """
SELECT r.jaar, r.inrichting_id, r.naam, r.drempel, r.gemeente, r.omgevingsdienst,
  r.veiligheidsregio, r.actief_vanaf, r.actief_tot, r.partner_code AS provincie,
  r.actief_vanaf <= make_date($jaar, 1, 1)
    AND (r.actief_tot IS NULL OR r.actief_tot >= make_date($jaar, 12, 31)) AS actief_heel_jaar,
  r.bron_bestand, r.bron_rij
FROM stg.seveso_inrichtingen r WHERE r.jaar = $jaar
ORDER BY r.inrichting_id
"""

# One integrated inspection per joint id, or per partner row without one.
INSPECTIES = """
WITH rows AS (
  SELECT i.*, p.soort AS partner_soort,
    coalesce('G:' || i.gezamenlijke_inspectie_id, 'P:' || i.partner_code || ':' || i.inspectie_id)
      AS inspectie_sleutel,
    h.volgorde AS handhaving_gewicht
  FROM stg.seveso_inspecties i
  JOIN ref.partners p ON p.partner_code = i.partner_code
  JOIN ref.codelijsten h ON h.lijst = 'seveso_handhaving' AND h.code = i.handhaving
  WHERE i.jaar = $jaar
), integrated AS (
  SELECT jaar, inspectie_sleutel, any_value(gezamenlijke_inspectie_id) AS gezamenlijke_inspectie_id,
    min(inrichting_id) AS inrichting_id, min(datum) AS datum,
    count(DISTINCT inrichting_id) > 1 OR count(DISTINCT datum) > 1 AS conflict,
    string_agg(DISTINCT partner_code, ',' ORDER BY partner_code) AS partners,
    count(*) AS partnerrijen,
    bool_or(partner_soort = 'arbeidsinspectie') AS deelname_arbeidsinspectie,
    bool_or(partner_soort = 'veiligheidsregio') AS deelname_veiligheidsregio,
    bool_or(partner_soort = 'omgevingsdienst') AS deelname_omgevingsdienst,
    bool_or(type = 'onaangekondigd') AS onaangekondigd,
    sum(overtredingen_cat1) AS overtredingen_cat1,
    sum(overtredingen_cat2) AS overtredingen_cat2,
    sum(overtredingen_cat3) AS overtredingen_cat3,
    arg_max(handhaving, handhaving_gewicht) AS handhaving,
    string_agg(bron_bestand || ':' || bron_rij, ' ; ' ORDER BY bron_bestand, bron_rij)
      AS bronrijen
  FROM rows GROUP BY jaar, inspectie_sleutel
)
SELECT i.*, coalesce(r.actief_heel_jaar, false) AS inrichting_actief,
  NOT i.conflict AND coalesce(r.actief_heel_jaar, false) AS telt_mee,
  r.drempel, r.omgevingsdienst AS seveso_omgevingsdienst
FROM integrated i LEFT JOIN int.seveso_register r
  ON r.jaar = i.jaar AND r.inrichting_id = i.inrichting_id AND NOT i.conflict
ORDER BY i.inspectie_sleutel
"""

CONFLICTEN = """
SELECT i.jaar, i.gezamenlijke_inspectie_id, i.partner_code, i.inspectie_id, i.inrichting_id,
  i.datum, i.bron_bestand, i.bron_rij
FROM stg.seveso_inspecties i
JOIN int.seveso_inspecties s ON s.jaar = i.jaar AND s.conflict
  AND s.gezamenlijke_inspectie_id = i.gezamenlijke_inspectie_id
WHERE i.jaar = $jaar
ORDER BY i.gezamenlijke_inspectie_id, i.partner_code, i.inspectie_id
"""


# The Seveso figures of rekenregels.md, in its order; one `handhaving_<code>` column per code
# of list seveso_handhaving follows them.
SEVESO_FIGURES = (
    "inrichtingen_actief",
    "inspecties",
    "inrichtingen_geinspecteerd",
    "geinspecteerd_pct",
    "hoogdrempel_jaarlijks_pct",
    "laagdrempel_driejaarlijks_pct",
    "overtredingen_cat1",
    "overtredingen_cat2",
    "overtredingen_cat3",
    "overtredingen_totaal",
    "inrichtingen_met_overtreding_pct",
    "inrichtingen_zonder_overtreding_pct",
    "inrichtingen_alleen_cat3_pct",
    "onaangekondigd_pct",
    "deelname_arbeidsinspectie_pct",
    "deelname_veiligheidsregio_pct",
)
HANDHAVING_COLUMNS = "COLUMNS('^handhaving_')"


def _handhaving_columns(codes: list[str]) -> str:
    return ",\n  ".join(
        f"count(*) FILTER (WHERE i.handhaving = '{c}') AS handhaving_{c}" for c in codes
    )


# Per scope: NL, each drempel, each Seveso-omgevingsdienst (all nine, also when empty).
# `{handhaving}` is filled with one column per code of list seveso_handhaving.
SEVESO = """
WITH scopes AS (
  SELECT 'NL' AS scope, 0 AS volgorde
  UNION ALL SELECT code, 1 FROM ref.codelijsten WHERE lijst = 'seveso_drempel'
  UNION ALL SELECT partner_code, 2 FROM ref.partners WHERE seveso_omgevingsdienst = 'ja'
), reg AS (
  SELECT * FROM int.seveso_register WHERE jaar = $jaar AND actief_heel_jaar
), reg_scope AS (
  SELECT 'NL' AS scope, * FROM reg UNION ALL SELECT drempel, * FROM reg
  UNION ALL SELECT omgevingsdienst, * FROM reg
), insp AS (
  SELECT * FROM int.seveso_inspecties WHERE jaar = $jaar AND telt_mee
), insp_scope AS (
  SELECT r.scope, i.* FROM insp i JOIN reg_scope r USING (inrichting_id)
), per_inrichting AS (
  SELECT r.scope, r.inrichting_id, r.drempel, count(i.inspectie_sleutel) AS inspecties,
    coalesce(sum(i.overtredingen_cat1), 0) AS c1, coalesce(sum(i.overtredingen_cat2), 0) AS c2,
    coalesce(sum(i.overtredingen_cat3), 0) AS c3
  FROM reg_scope r LEFT JOIN insp i USING (inrichting_id)
  GROUP BY r.scope, r.inrichting_id, r.drempel
), available AS (
  -- a year is available when its register and at least one inspections file were accepted
  SELECT y.jaar,
    EXISTS (SELECT 1 FROM stg.seveso_inrichtingen r WHERE r.jaar = y.jaar)
    AND EXISTS (SELECT 1 FROM meta.inlezing m WHERE m.jaar = y.jaar
                AND m.soort = 'seveso_inspecties' AND m.resultaat = 'ingelezen') AS ok
  FROM (SELECT unnest([$jaar - 1, $jaar - 2]) AS jaar) y
), window_ok AS (SELECT bool_and(ok) AS ok FROM available),
cur AS (
  -- without a register or without any inspections file, the figures that need it are empty
  SELECT EXISTS (SELECT 1 FROM stg.seveso_inrichtingen WHERE jaar = $jaar) AS reg_ok,
    EXISTS (SELECT 1 FROM meta.inlezing WHERE jaar = $jaar AND soort = 'seveso_inspecties'
            AND resultaat = 'ingelezen') AS insp_ok
),
three AS (
  -- earlier years count whether or not the establishment was active the whole of that year
  SELECT DISTINCT inrichting_id FROM int.seveso_inspecties
  WHERE jaar BETWEEN $jaar - 2 AND $jaar AND NOT conflict
    AND (jaar < $jaar OR telt_mee)
), est AS (
  SELECT scope,
    count(*) AS inrichtingen_actief,
    count(*) FILTER (WHERE inspecties > 0) AS inrichtingen_geinspecteerd,
    count(*) FILTER (WHERE drempel = 'hoog') AS hoog_actief,
    count(*) FILTER (WHERE drempel = 'hoog' AND inspecties > 0) AS hoog_geinspecteerd,
    count(*) FILTER (WHERE drempel = 'laag') AS laag_actief,
    count(*) FILTER (WHERE drempel = 'laag' AND inrichting_id IN (SELECT * FROM three))
      AS laag_driejaarlijks,
    count(*) FILTER (WHERE inspecties > 0 AND c1 + c2 + c3 > 0) AS met_overtreding,
    count(*) FILTER (WHERE inspecties > 0 AND c1 + c2 + c3 = 0) AS zonder_overtreding,
    count(*) FILTER (WHERE inspecties > 0 AND c1 + c2 = 0 AND c3 > 0) AS alleen_cat3
  FROM per_inrichting GROUP BY scope
), ins AS (
  SELECT i.scope, count(*) AS inspecties,
    sum(i.overtredingen_cat1) AS overtredingen_cat1,
    sum(i.overtredingen_cat2) AS overtredingen_cat2,
    sum(i.overtredingen_cat3) AS overtredingen_cat3,
    count(*) FILTER (WHERE i.onaangekondigd) AS onaangekondigd,
    count(*) FILTER (WHERE i.deelname_arbeidsinspectie) AS met_nla,
    count(*) FILTER (WHERE i.deelname_veiligheidsregio) AS met_vr,
    {handhaving}
  FROM insp_scope i GROUP BY i.scope
)
SELECT $jaar::INTEGER AS jaar, s.scope,
  CASE WHEN cur.reg_ok THEN coalesce(est.inrichtingen_actief, 0) END AS inrichtingen_actief,
  CASE WHEN cur.insp_ok THEN coalesce(ins.inspecties, 0) END AS inspecties,
  CASE WHEN cur.reg_ok AND cur.insp_ok THEN coalesce(est.inrichtingen_geinspecteerd, 0) END
    AS inrichtingen_geinspecteerd,
  pct(est.inrichtingen_geinspecteerd, est.inrichtingen_actief) AS geinspecteerd_pct,
  pct(est.hoog_geinspecteerd, est.hoog_actief) AS hoogdrempel_jaarlijks_pct,
  CASE WHEN (SELECT ok FROM window_ok) THEN pct(est.laag_driejaarlijks, est.laag_actief) END
    AS laagdrempel_driejaarlijks_pct,
  CASE WHEN cur.insp_ok THEN coalesce(ins.overtredingen_cat1, 0) END AS overtredingen_cat1,
  CASE WHEN cur.insp_ok THEN coalesce(ins.overtredingen_cat2, 0) END AS overtredingen_cat2,
  CASE WHEN cur.insp_ok THEN coalesce(ins.overtredingen_cat3, 0) END AS overtredingen_cat3,
  CASE WHEN cur.insp_ok THEN coalesce(ins.overtredingen_cat1 + ins.overtredingen_cat2
    + ins.overtredingen_cat3, 0) END AS overtredingen_totaal,
  pct(est.met_overtreding, est.inrichtingen_geinspecteerd) AS inrichtingen_met_overtreding_pct,
  pct(est.zonder_overtreding, est.inrichtingen_geinspecteerd)
    AS inrichtingen_zonder_overtreding_pct,
  pct(est.alleen_cat3, est.inrichtingen_geinspecteerd) AS inrichtingen_alleen_cat3_pct,
  pct(ins.onaangekondigd, ins.inspecties) AS onaangekondigd_pct,
  pct(ins.met_nla, ins.inspecties) AS deelname_arbeidsinspectie_pct,
  pct(ins.met_vr, ins.inspecties) AS deelname_veiligheidsregio_pct,
  {handhaving_out},
  s.volgorde
FROM scopes s CROSS JOIN cur LEFT JOIN est USING (scope) LEFT JOIN ins USING (scope)
ORDER BY s.volgorde, s.scope
"""

# Why inspections do not count, for the annex.
INTEGRATIE = """
SELECT $jaar::INTEGER AS jaar, reden, count(*) AS inspecties FROM (
  SELECT CASE WHEN conflict THEN 'integratieconflict'
              WHEN drempel IS NULL THEN 'inrichting niet in het register'
              ELSE 'inrichting niet het hele jaar actief' END AS reden
  FROM int.seveso_inspecties WHERE jaar = $jaar AND NOT telt_mee
) GROUP BY reden ORDER BY reden
"""


def seveso_sql(conn) -> str:
    codes = [
        r[0]
        for r in conn.execute(
            "SELECT code FROM ref.codelijsten WHERE lijst = 'seveso_handhaving' ORDER BY volgorde"
        ).fetchall()
    ]
    return SEVESO.format(
        handhaving=_handhaving_columns(codes),
        handhaving_out=",\n  ".join(
            f"CASE WHEN cur.insp_ok THEN coalesce(ins.handhaving_{c}, 0) END AS handhaving_{c}"
            for c in codes
        ),
    )


int_seveso_register = sql_asset(
    "int_seveso_register",
    REGISTER,
    ["stg_seveso_inrichtingen", *REF_KEYS],
    "The national Seveso register of the year, with the active-the-whole-year flag.",
    group="int",
)
int_seveso_inspecties = sql_asset(
    "int_seveso_inspecties",
    INSPECTIES,
    ["stg_seveso_inspecties", "int_seveso_register", *REF_KEYS],
    "Integrated inspections: partner rows joined on gezamenlijke_inspectie_id.",
    group="int",
)
staat_seveso_conflicten = sql_asset(
    "staat_seveso_conflicten",
    CONFLICTEN,
    ["int_seveso_inspecties"],
    "Every partner row of a joint inspection whose rows disagree on establishment or date.",
)
staat_seveso_integratie = sql_asset(
    "staat_seveso_integratie",
    INTEGRATIE,
    ["int_seveso_inspecties"],
    "Integrated inspections left out of the Seveso figures, per reason.",
)


@asset(
    group_name="staat",
    partitions_def=yearly,
    deps=[
        AssetDep("int_seveso_inspecties", partition_mapping=three_years),
        "int_seveso_register",
        "meta_leveringen",
        "raw_seveso_inspecties",
        *REF_KEYS,
    ],
    kinds={"duckdb"},
    description="Every Seveso figure per scope: NL, hoog, laag and each Seveso-omgevingsdienst. "
    "The lower-tier three-year figure reads the two previous year partitions.",
    check_specs=check_specs_for("staat_seveso"),
)
def staat_seveso(context: AssetExecutionContext, duckdb: DuckDBResource) -> MaterializeResult:
    year = year_of(context)
    with session(duckdb) as conn:
        n = replace_partition(conn, "staat.seveso", seveso_sql(conn), year)
        checks, seconds = timed_checks(conn, "staat_seveso", year)
    return MaterializeResult(
        metadata={"rows": n, VALIDATION_SECONDS: seconds}, check_results=checks
    )


seveso_assets = [
    int_seveso_register,
    int_seveso_inspecties,
    staat_seveso_conflicten,
    staat_seveso_integratie,
    staat_seveso,
]
