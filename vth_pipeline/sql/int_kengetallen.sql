-- Kengetallen per partner: the partner-wide row counts; without one, the sum over the
-- bevoegd gezag rows. Where both exist the difference is kept for the data-quality annex.
{#- `year`: the year whose kengetallen are selected, `$jaar` unless an includer asks for another
    (the toets `stg_kengetallen_per_indicator.sql` also reads last year's, `$vorig_jaar`). #}
SELECT jaar, partner_code, indicator,
  coalesce(max(waarde) FILTER (WHERE bevoegd_gezag IS NULL), sum(waarde)) AS waarde,
  CASE WHEN count(*) FILTER (WHERE bevoegd_gezag IS NULL) > 0 THEN 'partner'
       ELSE 'som_bevoegd_gezag' END AS bron,
  max(waarde) FILTER (WHERE bevoegd_gezag IS NULL) AS waarde_partner,
  sum(waarde) FILTER (WHERE bevoegd_gezag IS NOT NULL) AS som_bevoegd_gezag
FROM stg.kengetallen WHERE jaar = {{ year | default("$jaar") }}
GROUP BY ALL ORDER BY partner_code, indicator
