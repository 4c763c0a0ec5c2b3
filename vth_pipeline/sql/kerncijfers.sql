-- kerncijfers.csv: the national figures beside those of the year before. The difference of a
-- percentage is in percentage points (`verschil`); a relative change (`verschil_pct`) is given
-- for counts and ratios only, rounded like every percentage (half-to-even, empty when last
-- year's figure is 0). A derived view over staat tables, read when the year is published.
  SELECT c.jaar, c.volgorde, c.figuur, c.waarde, p.waarde AS waarde_vorig_jaar,
    CASE WHEN c.figuur LIKE '%\_pct' ESCAPE '\'
           THEN (c.waarde::DECIMAL(18, 1) - p.waarde::DECIMAL(18, 1))::VARCHAR
         WHEN c.figuur LIKE '%\_per\_fte' ESCAPE '\'
           THEN (c.waarde::DECIMAL(18, 2) - p.waarde::DECIMAL(18, 2))::VARCHAR
         ELSE (c.waarde::HUGEINT - p.waarde::HUGEINT)::VARCHAR END AS verschil,
    CASE WHEN c.figuur NOT LIKE '%\_pct' ESCAPE '\'
      THEN pct(c.waarde::DECIMAL(38, 6) - p.waarde::DECIMAL(38, 6), p.waarde::DECIMAL(38, 6))
    END AS verschil_pct,
    c.geleverd, c.verwacht, p.geleverd AS geleverd_vorig_jaar
  FROM staat.landelijk c
  LEFT JOIN staat.landelijk p ON p.jaar = c.jaar - 1 AND p.figuur = c.figuur
