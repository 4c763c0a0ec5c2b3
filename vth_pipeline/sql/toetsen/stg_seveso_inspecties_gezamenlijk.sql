-- Per joint Seveso inspection (gezamenlijke_inspectie_id): its partner rows, partners,
-- inrichtingen, dates and rows of omgevingsdiensten, for the toetsen whose failure makes it an
-- integration conflict (int_seveso_inspecties.sql) or a joint inspection without omgevingsdienst.
-- Its counts are the parts of the conflict as declared once in _partner_conflicten.sql.
{% import "_partner_conflicten.sql" as conflicten -%}
SELECT i.gezamenlijke_inspectie_id AS __index, i.gezamenlijke_inspectie_id,
  ({{ conflicten.seveso_partnerrijen("i.") }})::DOUBLE AS partnerrijen,
  ({{ conflicten.seveso_partners("i.") }})::DOUBLE AS partners,
  ({{ conflicten.seveso_inrichtingen("i.") }})::DOUBLE AS inrichtingen,
  ({{ conflicten.seveso_datums("i.") }})::DOUBLE AS datums,
  (count(*) FILTER (WHERE p.soort = 'omgevingsdienst'))::DOUBLE AS rijen_omgevingsdienst,
  string_agg(i.partner_code, ', ' ORDER BY i.partner_code) AS partnerlijst
FROM stg.seveso_inspecties i LEFT JOIN ref.partners p ON p.partner_code = i.partner_code
WHERE i.jaar = $jaar AND i.gezamenlijke_inspectie_id IS NOT NULL
GROUP BY i.gezamenlijke_inspectie_id ORDER BY 1
