-- The national Seveso register of the year. Active for the whole year, as the BRZO+ monitor
-- counts: actief_vanaf on or before 1 January, actief_tot empty or on or after 31 December.
SELECT r.jaar, r.inrichting_id, r.naam, r.drempel, r.gemeente, r.omgevingsdienst,
  r.veiligheidsregio, r.actief_vanaf, r.actief_tot, r.partner_code AS provincie,
  r.actief_vanaf <= make_date($jaar, 1, 1)
    AND (r.actief_tot IS NULL OR r.actief_tot >= make_date($jaar, 12, 31)) AS actief_heel_jaar,
  r.bron_bestand, r.bron_rij
FROM stg.seveso_inrichtingen r WHERE r.jaar = $jaar
ORDER BY r.inrichting_id
