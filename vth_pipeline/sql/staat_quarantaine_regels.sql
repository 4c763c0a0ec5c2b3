-- Quarantined rows per file and rule, with the first row and the message.
SELECT jaar, partner_code, soort, bron_bestand, regel, kolom, count(DISTINCT bron_rij) AS rijen,
  min(bron_rij) AS eerste_rij, min(melding) AS melding
FROM stg.quarantaine WHERE jaar = $jaar
GROUP BY ALL ORDER BY partner_code, soort, bron_bestand, regel
