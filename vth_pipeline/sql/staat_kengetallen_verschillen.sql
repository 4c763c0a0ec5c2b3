-- Partner-wide kengetallen that differ from the sum of the same partner's bevoegd-gezag rows:
-- the partner-wide row counts (rekenregels.md), the difference is reported.
SELECT jaar, partner_code, indicator, waarde_partner, som_bevoegd_gezag,
  waarde_partner - som_bevoegd_gezag AS verschil
FROM int.kengetallen
WHERE jaar = $jaar AND waarde_partner <> som_bevoegd_gezag
ORDER BY partner_code, indicator
