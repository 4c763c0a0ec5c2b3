-- Per outcome indicator: its NL value (delivered by one partner) beside the sum over the
-- gemeenten delivered, for the toets that the national value is not the smaller.
WITH per AS (
  SELECT indicator, gebied, CASE WHEN count(DISTINCT partner_code) = 1 THEN max(waarde) END
    AS waarde
  FROM stg.uitkomsten WHERE jaar = $jaar GROUP BY indicator, gebied
)
SELECT indicator AS __index, indicator,
  max(waarde) FILTER (WHERE gebied = 'NL')::DOUBLE AS waarde_nl,
  sum(waarde) FILTER (WHERE gebied LIKE 'GM%')::DOUBLE AS som_gemeenten
FROM per GROUP BY indicator ORDER BY indicator
