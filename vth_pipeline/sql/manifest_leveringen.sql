-- Every delivery file of the year for manifest.json: its settled status (the record
-- leveringen.csv and datakwaliteit.csv share), and rows read, accepted and quarantined of the
-- files that were staged.
SELECT pad, partner_code, soort, strftime(leverdatum, '%Y-%m-%d') AS leverdatum, sha256,
  status, reden, vorige_sha256, rijen, geaccepteerd, quarantaine
FROM ({% include "_leveringen.sql" %})
ORDER BY pad
