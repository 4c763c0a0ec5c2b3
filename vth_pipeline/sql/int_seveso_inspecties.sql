-- Integrated inspections: one per gezamenlijke_inspectie_id, or one per partner row without
-- one. Violations are summed over the partner rows, the heaviest handhaving (by the order of
-- code list seveso_handhaving) counts. Joint ids whose rows disagree on establishment or date,
-- or with two rows of one partner (its violations would count twice), are integration
-- conflicts: reported, never counted. The conflict is declared once, in
-- _partner_conflicten.sql, whose parts the toetsen of the joint inspections judge.
{% import "_partner_conflicten.sql" as conflicten -%}
WITH rows AS (
  SELECT i.*, p.soort AS partner_soort,
    coalesce('G:' || i.gezamenlijke_inspectie_id, 'P:' || i.partner_code || ':' || i.inspectie_id)
      AS inspectie_sleutel,
    h.volgorde AS handhaving_gewicht
  FROM stg.seveso_inspecties i
  JOIN ref.partners p ON p.partner_code = i.partner_code
  JOIN ref.codelijsten h ON h.lijst = 'seveso_handhaving' AND h.code = i.handhaving
  WHERE i.jaar = $jaar
), integrated AS (
  SELECT jaar, inspectie_sleutel, any_value(gezamenlijke_inspectie_id) AS gezamenlijke_inspectie_id,
    min(inrichting_id) AS inrichting_id, min(datum) AS datum,
    {{ conflicten.seveso_conflict() }} AS conflict,
    string_agg(DISTINCT partner_code, ',' ORDER BY partner_code) AS partners,
    {{ conflicten.seveso_partnerrijen() }} AS partnerrijen,
    bool_or(partner_soort = 'arbeidsinspectie') AS deelname_arbeidsinspectie,
    bool_or(partner_soort = 'veiligheidsregio') AS deelname_veiligheidsregio,
    bool_or(partner_soort = 'omgevingsdienst') AS deelname_omgevingsdienst,
    bool_or(type = 'onaangekondigd') AS onaangekondigd,
    sum(overtredingen_cat1) AS overtredingen_cat1,
    sum(overtredingen_cat2) AS overtredingen_cat2,
    sum(overtredingen_cat3) AS overtredingen_cat3,
    arg_max(handhaving, handhaving_gewicht) AS handhaving,
    string_agg(bron_bestand || ':' || bron_rij, ' ; ' ORDER BY bron_bestand, bron_rij)
      AS bronrijen
  FROM rows GROUP BY jaar, inspectie_sleutel
)
SELECT i.*, coalesce(r.actief_heel_jaar, false) AS inrichting_actief,
  NOT i.conflict AND coalesce(r.actief_heel_jaar, false) AS telt_mee,
  r.drempel, r.omgevingsdienst AS seveso_omgevingsdienst
FROM integrated i LEFT JOIN int.seveso_register r
  ON r.jaar = i.jaar AND r.inrichting_id = i.inrichting_id AND NOT i.conflict
ORDER BY i.inspectie_sleutel
