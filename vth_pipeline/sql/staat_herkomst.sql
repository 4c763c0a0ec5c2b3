-- Provenance of every figure per partner: the files and row numbers that went in.
-- The rows that go into a figure are its population: the accepted rows of the delivery kinds it
-- needs (`inputs` of its declaration in contract/publication.py), and of `kengetallen` only the
-- indicators it divides by. Consecutive row numbers are joined into ranges ('2-140, 142-310').
-- Figures with the same inputs share one population; populations that read the same rows of a
-- kind (five read every controle) share that kind's ranges: each selection of rows is numbered
-- into ranges once and then named for each figure that reads it (numbered once per population
-- instead, it was most of the step's time at national scale: docs/performance.md).
WITH rows_in AS (
  {% for k in file_kinds %}{{ "UNION ALL " if not loop.first }}SELECT '{{ k }}' AS soort, partner_code, bron_bestand, bron_sha256, bron_rij, {{ "lower(indicator)" if k == "kengetallen" else "NULL" }} AS indicator FROM stg.{{ k }} WHERE jaar = $jaar
  {% endfor %}
), needs(figuur, soort, indicator) AS (
  VALUES {% for f in figure_inputs + handhaving_inputs %}('{{ f.figuur }}', '{{ f.soort }}', {{ "'%s'" % f.indicator if f.indicator else "NULL" }}){{ ", " if not loop.last }}{% endfor %}
), populations AS (
  SELECT figuur, string_agg(DISTINCT soort || ':' || coalesce(indicator, '*'), ','
    ORDER BY soort || ':' || coalesce(indicator, '*')) AS populatie
  FROM needs GROUP BY figuur
), population_needs AS (
  SELECT DISTINCT p.populatie, n.soort, n.indicator
  FROM needs n JOIN populations p USING (figuur)
), population_filters AS (
  -- the rows a population reads of a kind: all (NULL), or those of the listed indicators
  SELECT populatie, soort, CASE WHEN bool_or(indicator IS NULL) THEN NULL
    ELSE list(DISTINCT indicator ORDER BY indicator) END AS indicatoren
  FROM population_needs GROUP BY populatie, soort
), selections AS (
  SELECT DISTINCT soort, indicatoren FROM population_filters
), picked AS (
  SELECT DISTINCT s.soort, s.indicatoren, r.partner_code, r.bron_bestand, r.bron_sha256,
    r.bron_rij
  FROM selections s JOIN rows_in r
    ON r.soort = s.soort AND (s.indicatoren IS NULL OR list_contains(s.indicatoren, r.indicator))
), islands AS (
  SELECT *, bron_rij - row_number() OVER (PARTITION BY soort, indicatoren, bron_bestand
    ORDER BY bron_rij) AS eiland
  FROM picked
), ranges AS (
  SELECT soort, indicatoren, partner_code, bron_bestand, bron_sha256, min(bron_rij) AS van,
    max(bron_rij) AS tot, count(*) AS n
  FROM islands GROUP BY soort, indicatoren, partner_code, bron_bestand, bron_sha256, eiland
), per_selection AS (
  SELECT soort, indicatoren, partner_code, bron_bestand, bron_sha256, sum(n)::BIGINT AS rijen,
    string_agg(CASE WHEN van = tot THEN van::VARCHAR ELSE van || '-' || tot END, ', '
      ORDER BY van) AS rijbereiken
  FROM ranges
  GROUP BY soort, indicatoren, partner_code, bron_bestand, bron_sha256
)
SELECT $jaar::INTEGER AS jaar, p.figuur, r.partner_code, r.soort, r.bron_bestand AS bestand,
  r.bron_sha256 AS sha256, r.rijen, r.rijbereiken
FROM per_selection r
JOIN population_filters f
  ON f.soort = r.soort AND f.indicatoren IS NOT DISTINCT FROM r.indicatoren
JOIN populations p USING (populatie)
ORDER BY figuur, partner_code, bestand
