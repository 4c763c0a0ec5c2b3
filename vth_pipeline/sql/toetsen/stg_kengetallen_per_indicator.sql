-- Per partner and indicator: the kengetal by rekenregels.md (int_kengetallen.sql), its
-- partner-wide row and its sum over the bevoegd gezag rows, and last year's value with the
-- year-on-year factor (none for a ja/nee indicator).
{% from "toetsen/_factor.sql" import factor -%}
WITH nu AS ({% include "int_kengetallen.sql" %}),
vorig AS ({% with year = "$vorig_jaar" %}{% include "int_kengetallen.sql" %}{% endwith %})
SELECT nu.partner_code || '/' || nu.indicator AS __index, nu.partner_code, nu.indicator,
  i.eenheid, nu.waarde::DOUBLE AS waarde, nu.waarde_partner::DOUBLE AS waarde_partner,
  nu.som_bevoegd_gezag::DOUBLE AS som_bevoegd_gezag, vorig.waarde::DOUBLE AS waarde_vorig_jaar,
  CASE WHEN i.eenheid = 'ja_nee' THEN NULL ELSE {{ factor("nu.waarde", "vorig.waarde") }} END
    AS factor
FROM nu LEFT JOIN vorig USING (partner_code, indicator)
LEFT JOIN ref.indicatoren i ON i.indicator = nu.indicator
ORDER BY nu.partner_code, nu.indicator
