-- Every file received for the year with its settled status (one record for leveringen.csv,
-- manifest.json, datakwaliteit.csv, `vth check` and the build's summary): discovery's status
-- (meta.leveringen), settled by staging for every file that was read (stg.bestanden). A file
-- in effect whose bytes changed under its path is `gewijzigd`, with the previous sha256; any
-- other file whose bytes changed says so in its reason.
SELECT l.jaar, l.pad, l.partner_code, l.soort, l.leverdatum, l.formaat, l.bytes, l.sha256,
  CASE WHEN l.vorige_sha256 IS NOT NULL AND coalesce(b.status, l.status) = '{{ status.in_gebruik }}'
    THEN '{{ status.gewijzigd }}' ELSE coalesce(b.status, l.status) END AS status,
  nullif(concat_ws('; ', CASE WHEN b.pad IS NOT NULL THEN b.reden ELSE l.reden END,
    'inhoud gewijzigd onder dezelfde bestandsnaam (vorige sha256 ' || l.vorige_sha256 || ')'),
    '') AS reden,
  l.vorige_sha256, b.rijen, b.geaccepteerd, b.quarantaine
FROM meta.leveringen l
LEFT JOIN stg.bestanden b ON b.jaar = l.jaar AND b.pad = l.pad
WHERE l.jaar = $jaar
