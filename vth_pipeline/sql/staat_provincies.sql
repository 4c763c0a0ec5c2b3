-- Controles grouped by the provincie of the bevoegd gezag (a GM code through gemeenten.csv, a
-- PV code is its own provincie), whichever omgevingsdienst carried the controle out; all 12
-- provincies, and the provincies' own kengetallen. Inrichtingen are (partner, inrichting_id)
-- within a provincie; a provincie without controles has one all-NULL joined row, which is not
-- an inrichting.
WITH c AS (
  SELECT c.*, coalesce(g.provincie_code, pv.provincie_code) AS provincie_code
  FROM stg.controles c
  LEFT JOIN ref.gemeenten g ON g.gm_code = c.bevoegd_gezag
  LEFT JOIN ref.provincies pv ON pv.provincie_code = c.bevoegd_gezag
  WHERE c.jaar = $jaar
), counts AS (
  SELECT pr.provincie_code,
{% with inrichtingen = "count(DISTINCT (c.partner_code, c.inrichting_id)) FILTER (WHERE c.controle_id IS NOT NULL)" %}{% include "_controle_counts.sql" %}{% endwith %}
  FROM ref.provincies pr LEFT JOIN c ON c.provincie_code = pr.provincie_code
  GROUP BY pr.provincie_code
), k AS (
  PIVOT (SELECT partner_code, indicator, waarde FROM int.kengetallen WHERE jaar = $jaar)
  ON indicator IN ('handhavingsoverleg_bijeenkomsten', 'uitvoeringsprogramma_vastgesteld',
    'vth_jaarverslag_vastgesteld') USING max(waarde)
  GROUP BY partner_code
)
SELECT $jaar::INTEGER AS jaar, counts.provincie_code, pr.naam,
  controles, controles_fysiek, controles_beoordeeld, controles_met_overtreding,
{% include "_controle_pcts.sql" %},
  hercontroles, ernstige_overtredingen, inrichtingen_gecontroleerd,
  k.handhavingsoverleg_bijeenkomsten::BIGINT AS handhavingsoverleg_bijeenkomsten,
  k.uitvoeringsprogramma_vastgesteld::BIGINT AS uitvoeringsprogramma_vastgesteld,
  k.vth_jaarverslag_vastgesteld::BIGINT AS vth_jaarverslag_vastgesteld
FROM counts JOIN ref.provincies pr USING (provincie_code)
LEFT JOIN k ON k.partner_code = counts.provincie_code
ORDER BY counts.provincie_code
