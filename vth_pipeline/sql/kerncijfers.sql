-- kerncijfers.csv: the national figures of the year and of the year before, each with its
-- completeness, and the change over the vergelijkbare kern from staat.vergelijking (the
-- partners that delivered the figure's inputs in both years, `partners_beide`): a change of
-- totals over different sets of partners is never given. The difference of a percentage is in
-- procentpunten; a change in percent only for counts and ratios on a base of 20 or more.
-- A derived view over staat tables, read when the year is published.
  SELECT c.jaar, c.volgorde, c.figuur, c.waarde, p.waarde AS waarde_vorig_jaar,
    v.verschil, v.verschil_pct, c.geleverd, c.verwacht, p.geleverd AS geleverd_vorig_jaar,
    v.partners_beide
  FROM staat.landelijk c
  LEFT JOIN staat.landelijk p ON p.jaar = c.jaar - 1 AND p.figuur = c.figuur
  LEFT JOIN staat.vergelijking v ON v.jaar = c.jaar AND v.figuur = c.figuur
