-- Per partner: its kengetallen (partner-wide, by the kengetallen rule of rekenregels.md, as
-- int_kengetallen.sql computes them) beside what its controles of the year say, for the toetsen
-- that compare the two (PARTNER_INCONSISTENCIES) and the fte toets.
WITH k AS ({% include "int_kengetallen.sql" %}), c AS (
  SELECT partner_code, count(*) AS controles,
    count(DISTINCT inrichting_id) AS inrichtingen_gecontroleerd
  FROM stg.controles WHERE jaar = $jaar GROUP BY partner_code
)
SELECT k.partner_code AS __index, k.partner_code,
  coalesce(any_value(c.controles), 0)::DOUBLE AS controles,
  any_value(c.inrichtingen_gecontroleerd)::DOUBLE AS inrichtingen_gecontroleerd,
  {% for i in kengetal_columns -%}
  max(k.waarde) FILTER (WHERE k.indicator = '{{ i }}')::DOUBLE AS {{ i }}{{ "," if not loop.last }}
  {% endfor %}
FROM k LEFT JOIN c USING (partner_code)
GROUP BY k.partner_code ORDER BY k.partner_code
