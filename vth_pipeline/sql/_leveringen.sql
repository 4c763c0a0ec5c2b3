-- Every file received for the year with its settled status (one record for leveringen.csv,
-- manifest.json, datakwaliteit.csv, `vth check` and the build's summary): discovery's status
-- (meta.leveringen), settled by staging for every file that was read (stg.bestanden).
SELECT l.jaar, l.pad, l.partner_code, l.soort, l.leverdatum, l.formaat, l.bytes, l.sha256,
  coalesce(b.status, l.status) AS status,
  CASE WHEN b.pad IS NOT NULL THEN b.reden ELSE l.reden END AS reden,
  b.rijen, b.geaccepteerd, b.quarantaine
FROM meta.leveringen l
LEFT JOIN stg.bestanden b ON b.jaar = l.jaar AND b.pad = l.pad
WHERE l.jaar = $jaar
