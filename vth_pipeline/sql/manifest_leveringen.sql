-- Every delivery file of the year for manifest.json: its status after reading (a file in effect
-- that could not be read is afgewezen), and rows read, accepted and quarantined.
WITH accepted AS (
  {% for k in file_kinds %}{{ "UNION ALL " if not loop.first }}SELECT bron_bestand, count(*) AS n FROM stg.{{ k }} WHERE jaar = $jaar GROUP BY 1
  {% endfor %}
), quarantined AS (
  SELECT bron_bestand, count(DISTINCT bron_rij) AS n FROM stg.quarantaine
  WHERE jaar = $jaar GROUP BY 1
)
SELECT l.pad, l.partner_code, l.soort, strftime(l.leverdatum, '%Y-%m-%d') AS leverdatum,
  l.sha256,
  CASE WHEN i.resultaat = 'afgewezen' THEN 'afgewezen' ELSE l.status END AS status,
  coalesce(i.reden, l.reden) AS reden,
  CASE WHEN i.resultaat = 'ingelezen' THEN i.rijen END AS rijen,
  CASE WHEN i.resultaat = 'ingelezen' THEN coalesce(a.n, 0) END AS geaccepteerd,
  CASE WHEN i.resultaat = 'ingelezen' THEN coalesce(q.n, 0) END AS quarantaine
FROM meta.leveringen l
LEFT JOIN meta.inlezing i ON i.jaar = l.jaar AND i.pad = l.pad AND l.status = 'in_gebruik'
LEFT JOIN accepted a ON a.bron_bestand = l.pad
LEFT JOIN quarantined q ON q.bron_bestand = l.pad
WHERE l.jaar = $jaar
ORDER BY l.pad
