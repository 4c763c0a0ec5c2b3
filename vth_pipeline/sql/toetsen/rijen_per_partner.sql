-- Per partner that delivered file kind `soort` this year: its accepted rows this year and last
-- year (only when it delivered then too) and their ratio, for the year-on-year toets.
{% from "toetsen/_factor.sql" import factor -%}
WITH geleverd AS (
  SELECT DISTINCT jaar, partner_code FROM stg.bestanden
  WHERE soort = '{{ soort }}' AND status = '{{ status.in_gebruik }}' AND jaar IN ($jaar, $vorig_jaar)
), n AS (
  SELECT jaar, partner_code, count(*) AS n FROM stg.{{ soort }}
  WHERE jaar IN ($jaar, $vorig_jaar) GROUP BY ALL
), per AS (
  SELECT nu.partner_code, coalesce(a.n, 0)::DOUBLE AS rijen,
    CASE WHEN vorig.partner_code IS NOT NULL THEN coalesce(b.n, 0) END::DOUBLE AS rijen_vorig_jaar
  FROM geleverd nu
  LEFT JOIN geleverd vorig ON vorig.partner_code = nu.partner_code AND vorig.jaar = $vorig_jaar
  LEFT JOIN n a ON a.partner_code = nu.partner_code AND a.jaar = $jaar
  LEFT JOIN n b ON b.partner_code = nu.partner_code AND b.jaar = $vorig_jaar
  WHERE nu.jaar = $jaar
)
SELECT partner_code AS __index, *, {{ factor("rijen", "rijen_vorig_jaar") }} AS factor
FROM per ORDER BY partner_code
