-- Integrated inspections left out of the Seveso figures, per reason (for the annex).
SELECT $jaar::INTEGER AS jaar, reden, count(*) AS inspecties FROM (
  SELECT CASE WHEN conflict THEN 'integratieconflict'
              WHEN drempel IS NULL THEN 'inrichting niet in het register'
              ELSE 'inrichting niet het hele jaar actief' END AS reden
  FROM int.seveso_inspecties WHERE jaar = $jaar AND NOT telt_mee
) GROUP BY reden ORDER BY reden
