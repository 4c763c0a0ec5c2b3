-- Violations per cell (lhs_gevolg, lhs_gedrag) of the LHSO matrix, per omgevingsdienst and
-- nationally (partner_code NL, the grouping set without partner).
WITH c AS (SELECT * FROM stg.controles WHERE jaar = $jaar AND resultaat = 'overtreding'),
counts AS (
  SELECT $jaar::INTEGER AS jaar, partner_code, lhs_gevolg, lhs_gedrag, count(*) AS aantal
  FROM c
  GROUP BY GROUPING SETS ((partner_code, lhs_gevolg, lhs_gedrag), (lhs_gevolg, lhs_gedrag))
)
SELECT jaar, coalesce(partner_code, 'NL') AS partner_code, * EXCLUDE (jaar, partner_code)
FROM counts ORDER BY partner_code = 'NL', partner_code, lhs_gevolg, lhs_gedrag
