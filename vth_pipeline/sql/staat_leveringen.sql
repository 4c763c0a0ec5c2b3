-- Every file received for the year with its sha256 and settled status, for leveringen.csv and
-- the lineage.
SELECT jaar, pad, partner_code, soort, leverdatum, formaat, bytes, sha256, status, reden
FROM ({% include "_leveringen.sql" %}) ORDER BY pad
