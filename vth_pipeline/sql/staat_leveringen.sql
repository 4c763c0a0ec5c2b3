-- Every file received for the year with its sha256 and status, for the lineage.
SELECT jaar, pad, partner_code, soort, leverdatum, formaat, bytes, sha256, status, reden
FROM meta.leveringen WHERE jaar = $jaar ORDER BY pad
