-- The werkgebied of each omgevingsdienst as the deliveries define it (werkgebieden are not open
-- data): a gemeente of the year's indeling (on 1 January, as CBS) belongs to the omgevingsdienst
-- that carried out most of the controles with that gemeente as bevoegd gezag that year; a tie
-- goes to the first partner code. A gemeente without controles has no omgevingsdienst (grey on
-- the maps).
WITH counts AS (
  SELECT bevoegd_gezag AS gm_code, partner_code, count(*) AS controles
  FROM stg.controles WHERE jaar = $jaar AND bevoegd_gezag LIKE 'GM%'
  GROUP BY ALL
), ranked AS (
  SELECT *, row_number() OVER (PARTITION BY gm_code ORDER BY controles DESC, partner_code) AS r,
    sum(controles) OVER (PARTITION BY gm_code) AS controles_totaal
  FROM counts
), gemeenten AS (
  SELECT gm_code, naam, provincie_code FROM ref.gemeenten
  WHERE coalesce(geldig_van, DATE '1900-01-01') <= make_date($jaar, 1, 1)
    AND coalesce(geldig_tot, DATE '9999-12-31') >= make_date($jaar, 1, 1)
)
SELECT $jaar::INTEGER AS jaar, g.gm_code, g.naam, g.provincie_code, r.partner_code,
  coalesce(r.controles, 0) AS controles_partner, coalesce(r.controles_totaal, 0) AS controles
FROM gemeenten g LEFT JOIN ranked r ON r.gm_code = g.gm_code AND r.r = 1
ORDER BY g.gm_code
