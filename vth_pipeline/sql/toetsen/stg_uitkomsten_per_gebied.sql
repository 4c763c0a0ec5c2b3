-- Per (indicator, gebied) of the outcome indicators: how many partners delivered it (two is a
-- conflict, whose value stays empty in staat_uitkomsten.sql; both count as declared once in
-- _partner_conflicten.sql).
{% import "_partner_conflicten.sql" as conflicten -%}
SELECT indicator || '/' || gebied AS __index, indicator, gebied,
  ({{ conflicten.uitkomst_partners() }})::DOUBLE AS partners,
  string_agg(DISTINCT partner_code, ', ' ORDER BY partner_code) AS geleverd_door
FROM stg.uitkomsten WHERE jaar = $jaar GROUP BY indicator, gebied ORDER BY 2, 3
