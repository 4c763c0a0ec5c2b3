-- Per partner row of the Seveso inspections: the omgevingsdienst and veiligheidsregio the
-- register names for its inrichting (for a row of that kind of partner), for the toetsen that
-- the reporting partner is the one the register names.
SELECT i.bron_bestand, i.bron_rij, i.partner_code, p.soort,
  i.inrichting_id,
  CASE WHEN p.soort = 'omgevingsdienst' THEN r.omgevingsdienst END
    AS omgevingsdienst_volgens_register,
  CASE WHEN p.soort = 'veiligheidsregio' THEN r.veiligheidsregio END
    AS veiligheidsregio_volgens_register
FROM stg.seveso_inspecties i LEFT JOIN ref.partners p ON p.partner_code = i.partner_code
LEFT JOIN stg.seveso_inrichtingen r ON r.jaar = i.jaar AND r.inrichting_id = i.inrichting_id
WHERE i.jaar = $jaar ORDER BY i.bron_bestand, i.bron_rij
