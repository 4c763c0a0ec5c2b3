-- Per national figure: its value as a number, split into percentage or count (a ratio is
-- neither), its completeness (geleverd, verwacht) and, for a count, the year-on-year factor.
{% from "toetsen/_factor.sql" import factor -%}
WITH nu AS (SELECT * FROM staat.landelijk WHERE jaar = $jaar),
vorig AS (SELECT figuur, waarde FROM staat.landelijk WHERE jaar = $vorig_jaar),
w AS (
  SELECT nu.figuur, nu.waarde, nu.geleverd::DOUBLE AS geleverd, nu.verwacht::DOUBLE AS verwacht,
    suffix(nu.figuur, '_pct') AS is_pct, nu.figuur IN ({{ ratio_figures | quoted }}) AS is_ratio,
    try_cast(nu.waarde AS DOUBLE) AS getal, try_cast(vorig.waarde AS DOUBLE) AS getal_vorig
  FROM nu LEFT JOIN vorig USING (figuur)
)
SELECT figuur AS __index, figuur, waarde, geleverd, verwacht,
  CASE WHEN is_pct THEN getal END AS waarde_pct,
  CASE WHEN NOT is_pct AND NOT is_ratio THEN getal END AS waarde_aantal,
  CASE WHEN is_pct OR is_ratio THEN NULL ELSE {{ factor("getal", "getal_vorig") }} END AS factor
FROM w
