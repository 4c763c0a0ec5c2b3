-- Outcome indicators. A (jaar, indicator, gebied) delivered by two partners is a conflict: its
-- value stays empty and the partners are named. Nationally: the NL row when one partner
-- delivered it, else the sum over the GM gebieden. Gemeenten follow the indeling of 1 January
-- of the reporting year (v1.2): the previous year's value of a gemeente is the sum over the
-- gemeenten of last year's indeling merged into it by then, empty unless each was delivered; a
-- gemeente merged during the year keeps its own row and is compared with itself. The conflict
-- is declared once, in _partner_conflicten.sql, which the toets conflict_tussen_partners judges.
{% import "_partner_conflicten.sql" as conflicten -%}
WITH per AS (
  SELECT jaar, indicator, gebied,
    string_agg(DISTINCT partner_code, ', ' ORDER BY partner_code) AS geleverd_door,
    {{ conflicten.uitkomst_partners() }} AS n_partners,
    CASE WHEN {{ conflicten.uitkomst_partners() }} = 1 THEN max(waarde) END AS waarde
  FROM stg.uitkomsten WHERE jaar IN ($jaar, $jaar - 1)
  GROUP BY ALL
), nat AS (
  SELECT jaar, indicator, 'NL' AS gebied,
    coalesce(max(waarde) FILTER (WHERE gebied = 'NL'),
             sum(waarde) FILTER (WHERE gebied LIKE 'GM%')) AS waarde,
    sum(waarde) FILTER (WHERE gebied LIKE 'GM%') AS som_gemeenten,
    CASE WHEN count(waarde) FILTER (WHERE gebied = 'NL') > 0 THEN max(geleverd_door)
      FILTER (WHERE gebied = 'NL') ELSE 'som van de gemeenten' END AS geleverd_door,
    count(*) FILTER (WHERE gebied = 'NL' AND {{ conflicten.uitkomst_conflict("n_partners") }})
      AS n_conflict,
    count(*) FILTER (WHERE gebied LIKE 'GM%' AND {{ conflicten.uitkomst_conflict("n_partners") }})
      AS n_gm_conflict
  FROM per GROUP BY jaar, indicator
), vals AS (
  SELECT jaar, indicator, gebied, waarde, geleverd_door,
    CASE WHEN {{ conflicten.uitkomst_conflict("n_partners") }}
      THEN 'conflict: door meer dan één partner geleverd; niet gebruikt'
    END AS opmerking
  FROM per WHERE gebied <> 'NL'
  UNION ALL
  SELECT jaar, indicator, gebied, waarde, geleverd_door,
    concat_ws('; ',
      CASE WHEN n_conflict > 0 THEN 'NL door meer dan één partner geleverd; som gebruikt' END,
      CASE WHEN n_gm_conflict > 0 AND geleverd_door = 'som van de gemeenten'
        THEN n_gm_conflict::VARCHAR || ' gemeente(n) met een conflict niet in de som' END,
      CASE WHEN geleverd_door <> 'som van de gemeenten' AND som_gemeenten IS NOT NULL
        AND som_gemeenten <> waarde THEN 'som van de gemeenten: '
          -- a DECIMAL always prints its point: trailing zeros, then the point, go
          || rtrim(rtrim(som_gemeenten::VARCHAR, '0'), '.') END
    ) AS opmerking
  FROM nat
), prev_indeling AS (
  -- the gemeenten of the indeling of 1 January of the previous year
  SELECT gm_code FROM ref.gemeenten
  WHERE coalesce(geldig_van, DATE '1900-01-01') <= make_date($jaar - 1, 1, 1)
    AND coalesce(geldig_tot, DATE '9999-12-31') >= make_date($jaar - 1, 1, 1)
), chain AS (
  -- each of them followed through the mergers that took effect by 1 January of this year
  WITH RECURSIVE ch(bron, doel, stap) AS (
    SELECT gm_code, gm_code, 0 FROM prev_indeling
    UNION ALL
    SELECT ch.bron, g.opvolger, ch.stap + 1 FROM ch JOIN ref.gemeenten g ON g.gm_code = ch.doel
    WHERE g.opvolger IS NOT NULL AND g.geldig_tot < make_date($jaar, 1, 1)
  ) SELECT bron, arg_max(doel, stap) AS doel FROM ch GROUP BY bron
), prev_expected AS (
  -- per gemeente of this year's indeling: the gemeenten of last year's that it comprises, so
  -- that each previous-year value counts once
  SELECT doel AS gebied, bron FROM chain
), prev AS (
  SELECT cur.indicator, cur.gebied,
    CASE WHEN cur.gebied NOT LIKE 'GM%' THEN max(p.waarde) FILTER (WHERE p.gebied = cur.gebied)
         WHEN count(e.bron) > 0 AND count(e.bron) = count(p.waarde) THEN sum(p.waarde)
    END AS waarde_vorig_jaar
  FROM (SELECT DISTINCT indicator, gebied FROM vals WHERE jaar = $jaar) cur
  LEFT JOIN prev_expected e ON e.gebied = cur.gebied
  LEFT JOIN vals p ON p.jaar = $jaar - 1 AND p.indicator = cur.indicator
    AND p.gebied = coalesce(e.bron, cur.gebied)
  GROUP BY cur.indicator, cur.gebied
)
SELECT $jaar::INTEGER AS jaar, v.indicator, v.gebied, v.waarde, prev.waarde_vorig_jaar,
  pct(v.waarde - prev.waarde_vorig_jaar, prev.waarde_vorig_jaar) AS verschil_pct,
  v.geleverd_door, nullif(v.opmerking, '') AS opmerking
FROM vals v LEFT JOIN prev USING (indicator, gebied)
WHERE v.jaar = $jaar
ORDER BY v.indicator, v.gebied = 'NL', v.gebied
