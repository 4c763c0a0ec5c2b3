-- Interventions after a violation: controles with resultaat = overtreding per omgevingsdienst
-- and heaviest interventie, and nationally (partner_code NL, the grouping set without partner).
WITH c AS (SELECT * FROM stg.controles WHERE jaar = $jaar AND resultaat = 'overtreding'),
counts AS (
  SELECT $jaar::INTEGER AS jaar, partner_code, interventie, count(*) AS aantal FROM c
  GROUP BY GROUPING SETS ((partner_code, interventie), (interventie))
)
SELECT jaar, coalesce(partner_code, 'NL') AS partner_code, * EXCLUDE (jaar, partner_code)
FROM counts ORDER BY partner_code = 'NL', partner_code, interventie
