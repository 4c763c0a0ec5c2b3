-- Per row of the Seveso register: the veiligheidsregio and provincie of its gemeente by the
-- reference register of gemeenten, for the toetsen that the register agrees with it.
SELECT r.bron_bestand, r.bron_rij, r.partner_code, r.inrichting_id,
  r.gemeente, r.veiligheidsregio, g.vr_code AS veiligheidsregio_van_gemeente,
  g.provincie_code AS provincie_van_gemeente
FROM stg.seveso_inrichtingen r LEFT JOIN ref.gemeenten g ON g.gm_code = r.gemeente
WHERE r.jaar = $jaar ORDER BY r.bron_bestand, r.bron_rij
