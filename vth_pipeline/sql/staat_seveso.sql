-- Every Seveso figure per scope: NL, each drempel, each Seveso-omgevingsdienst (all nine, also
-- when empty). Only integrated inspections at active establishments count. The lower-tier
-- three-year figure reads int.seveso_inspecties of the two previous years. A year is
-- available when its register and at least one inspections file were accepted (v1.2); in a year
-- that is not, every figure is empty, `inrichtingen_actief` needs the register alone. `handhaving_codes`
-- (the codes of list seveso_handhaving, in ascending order of weight) is filled in by the asset.
{#- a percentage of staat.seveso from its part and whole in `delen` -#}
{% macro share(f) %}pct(d.delen.{{ f }}.teller, d.delen.{{ f }}.noemer){% endmacro %}
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
  -- a year is available when its register and at least one inspections file were accepted;
  -- the three-year window needs this year and the two before it
  SELECT y.jaar,
    EXISTS (SELECT 1 FROM stg.seveso_inrichtingen r WHERE r.jaar = y.jaar) AS reg_ok,
    -- accepted: a delivery in effect (as `geleverd` of datakwaliteit.csv)
    EXISTS (SELECT 1 FROM stg.bestanden m WHERE m.jaar = y.jaar
            AND m.soort = 'seveso_inspecties' AND m.status = '{{ status.in_gebruik }}') AS insp_ok
  FROM (SELECT unnest([$jaar, $jaar - 1, $jaar - 2]) AS jaar) y
), cur AS (
  -- in a year that is not available every figure is empty; inrichtingen_actief needs only
  -- the register
  SELECT bool_and(reg_ok) FILTER (WHERE jaar = $jaar) AS reg_ok,
    bool_and(reg_ok AND insp_ok) FILTER (WHERE jaar = $jaar) AS ok,
    bool_and(reg_ok AND insp_ok) AS window_ok
  FROM available
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
    {% for c in handhaving_codes %}count(*) FILTER (WHERE i.handhaving = '{{ c }}') AS handhaving_{{ c }}{{ ", " if not loop.last }}{% endfor %}
  FROM insp_scope i GROUP BY i.scope
), parts AS (
  -- the part and whole of every percentage, kept in `delen` so that the comparison between
  -- years computes its change from the unrounded values (rekenregels.md v1.3)
  SELECT s.scope, {
    {%- for f, (part, whole) in {
      "geinspecteerd_pct": ("est.inrichtingen_geinspecteerd", "est.inrichtingen_actief"),
      "hoogdrempel_jaarlijks_pct": ("est.hoog_geinspecteerd", "est.hoog_actief"),
      "laagdrempel_driejaarlijks_pct": ("est.laag_driejaarlijks", "est.laag_actief"),
      "inrichtingen_met_overtreding_pct": ("est.met_overtreding", "est.inrichtingen_geinspecteerd"),
      "inrichtingen_zonder_overtreding_pct": ("est.zonder_overtreding", "est.inrichtingen_geinspecteerd"),
      "inrichtingen_alleen_cat3_pct": ("est.alleen_cat3", "est.inrichtingen_geinspecteerd"),
      "onaangekondigd_pct": ("ins.onaangekondigd", "ins.inspecties"),
      "deelname_arbeidsinspectie_pct": ("ins.met_nla", "ins.inspecties"),
      "deelname_veiligheidsregio_pct": ("ins.met_vr", "ins.inspecties"),
    }.items() %}
    '{{ f }}': {'teller': {{ part }}::BIGINT, 'noemer': {{ whole }}::BIGINT}{{ "," if not loop.last }}
    {%- endfor %}
  } AS delen
  FROM scopes s LEFT JOIN est USING (scope) LEFT JOIN ins USING (scope)
)
SELECT $jaar::INTEGER AS jaar, s.scope,
  CASE WHEN cur.reg_ok THEN coalesce(est.inrichtingen_actief, 0) END AS inrichtingen_actief,
  CASE WHEN cur.ok THEN coalesce(ins.inspecties, 0) END AS inspecties,
  CASE WHEN cur.ok THEN coalesce(est.inrichtingen_geinspecteerd, 0) END
    AS inrichtingen_geinspecteerd,
  CASE WHEN cur.ok THEN {{ share('geinspecteerd_pct') }} END AS geinspecteerd_pct,
  CASE WHEN cur.ok THEN {{ share('hoogdrempel_jaarlijks_pct') }} END AS hoogdrempel_jaarlijks_pct,
  CASE WHEN cur.window_ok THEN {{ share('laagdrempel_driejaarlijks_pct') }} END AS laagdrempel_driejaarlijks_pct,
  CASE WHEN cur.ok THEN coalesce(ins.overtredingen_cat1, 0) END AS overtredingen_cat1,
  CASE WHEN cur.ok THEN coalesce(ins.overtredingen_cat2, 0) END AS overtredingen_cat2,
  CASE WHEN cur.ok THEN coalesce(ins.overtredingen_cat3, 0) END AS overtredingen_cat3,
  CASE WHEN cur.ok THEN coalesce(ins.overtredingen_cat1 + ins.overtredingen_cat2
    + ins.overtredingen_cat3, 0) END AS overtredingen_totaal,
  CASE WHEN cur.ok THEN {{ share('inrichtingen_met_overtreding_pct') }} END AS inrichtingen_met_overtreding_pct,
  CASE WHEN cur.ok THEN {{ share('inrichtingen_zonder_overtreding_pct') }} END AS inrichtingen_zonder_overtreding_pct,
  CASE WHEN cur.ok THEN {{ share('inrichtingen_alleen_cat3_pct') }} END AS inrichtingen_alleen_cat3_pct,
  CASE WHEN cur.ok THEN {{ share('onaangekondigd_pct') }} END AS onaangekondigd_pct,
  CASE WHEN cur.ok THEN {{ share('deelname_arbeidsinspectie_pct') }} END AS deelname_arbeidsinspectie_pct,
  CASE WHEN cur.ok THEN {{ share('deelname_veiligheidsregio_pct') }} END AS deelname_veiligheidsregio_pct,
  {% for c in handhaving_codes %}CASE WHEN cur.ok THEN coalesce(ins.handhaving_{{ c }}, 0) END AS handhaving_{{ c }},
  {% endfor %}  d.delen, s.volgorde
FROM scopes s CROSS JOIN cur LEFT JOIN est USING (scope) LEFT JOIN ins USING (scope)
  LEFT JOIN parts d USING (scope)
ORDER BY s.volgorde, s.scope
