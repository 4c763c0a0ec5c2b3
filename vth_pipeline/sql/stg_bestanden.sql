-- The settled status of every file of one kind `$soort` that was read this year (aanlevering.md
-- v1.3): the file staged last per partner is in effect; a file rejected on reading, or whose
-- rows were all quarantined (no usable row), is rejected and the earlier delivery that stays
-- in effect is named; a file older than the one in effect is superseded (whatever its
-- contents: it was not needed). Run by
-- `ingest.staging.stage`, over its temporary tables (__in_effect, __unusable, __staged).
WITH files AS (
  SELECT i.jaar, i.soort, i.partner_code, i.pad, i.rang, i.resultaat, i.reden, i.rijen,
    i.pad IN (SELECT pad FROM __in_effect) AS in_effect,
    i.pad IN (SELECT pad FROM __unusable) AS unusable
  FROM meta.inlezing i WHERE i.jaar = $jaar AND i.soort = $soort
), counts AS (
  SELECT bron_bestand AS pad, count(*) FILTER (WHERE len(bevindingen) = 0) AS geaccepteerd,
    count(*) FILTER (WHERE len(bevindingen) > 0) AS quarantaine
  FROM __staged GROUP BY ALL
), effective AS (
  SELECT partner_code, pad AS pad_in_effect, rang AS rang_in_effect FROM files WHERE in_effect
), newer_rejected AS (
  -- what an earlier delivery in effect stands in for
  SELECT e.partner_code, string_agg(f.pad, ', ' ORDER BY f.rang) AS paden
  FROM effective e JOIN files f ON f.partner_code = e.partner_code AND f.rang < e.rang_in_effect
  GROUP BY ALL
)
SELECT f.jaar, f.soort, f.partner_code, f.pad,
  CASE WHEN f.in_effect THEN '{{ status.in_gebruik }}'
       WHEN f.rang > e.rang_in_effect THEN '{{ status.vervangen }}'
       ELSE '{{ status.afgewezen }}' END AS status,
  CASE
    WHEN f.in_effect AND r.paden IS NOT NULL
      THEN 'eerdere levering blijft van kracht: de latere levering ' || r.paden
        || ' is afgewezen'
    WHEN f.in_effect THEN NULL
    WHEN f.rang > e.rang_in_effect
      THEN 'vervangen door een latere levering (' || e.pad_in_effect || ')'
    ELSE
      CASE WHEN f.unusable THEN '{{ no_usable_row }}: alle ' || f.rijen || ' rijen in quarantaine'
           ELSE f.reden END
      || CASE WHEN e.rang_in_effect > f.rang
           THEN '; de eerdere levering ' || e.pad_in_effect || ' blijft van kracht' ELSE '' END
  END AS reden,
  -- rows of the files staged (in effect, or found to have no usable row); a superseded file
  -- was read but judged by nobody
  CASE WHEN c.pad IS NOT NULL THEN f.rijen END AS rijen, c.geaccepteerd, c.quarantaine
FROM files f
LEFT JOIN effective e USING (partner_code)
LEFT JOIN newer_rejected r USING (partner_code)
LEFT JOIN counts c USING (pad)
ORDER BY f.pad
