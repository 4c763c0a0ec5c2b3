-- Per joint Seveso inspection (gezamenlijke_inspectie_id): its partner rows, partners,
-- inrichtingen, dates and rows of omgevingsdiensten, for the toetsen whose failure makes it an
-- integration conflict (int_seveso_inspecties.sql) or a joint inspection without omgevingsdienst.
SELECT i.gezamenlijke_inspectie_id AS __index, i.gezamenlijke_inspectie_id,
  count(*)::DOUBLE AS partnerrijen, count(DISTINCT i.partner_code)::DOUBLE AS partners,
  count(DISTINCT i.inrichting_id)::DOUBLE AS inrichtingen,
  count(DISTINCT i.datum)::DOUBLE AS datums,
  (count(*) FILTER (WHERE p.soort = 'omgevingsdienst'))::DOUBLE AS rijen_omgevingsdienst,
  string_agg(i.partner_code, ', ' ORDER BY i.partner_code) AS partnerlijst
FROM stg.seveso_inspecties i LEFT JOIN ref.partners p ON p.partner_code = i.partner_code
WHERE i.jaar = $jaar AND i.gezamenlijke_inspectie_id IS NOT NULL
GROUP BY i.gezamenlijke_inspectie_id ORDER BY 1
