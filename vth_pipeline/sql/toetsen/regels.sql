-- The named rules of a file kind, each evaluated again with its own SQL over the accepted rows:
-- NULL where the rule holds, else the values that break it. A rule's SQL names column `c` as
-- `c__v`, as in staging.
WITH w AS (
  SELECT *, {% for c in kolommen %}{{ c }} AS {{ c }}__v{{ ", " if not loop.last }}{% endfor %}
  FROM stg.{{ soort }} WHERE jaar = $jaar
)
SELECT bron_bestand, bron_rij,
{%- for r in regels %}
  CASE WHEN coalesce(({{ r.violated }}), false)
    THEN {% for c in r.invoer %}'{{ c }}=' || coalesce({{ c }}::VARCHAR, 'leeg'){{ " || '; ' || " if not loop.last }}{% endfor %}
  END AS {{ r.kolom }}{{ "," if not loop.last }}
{%- endfor %}
FROM w
