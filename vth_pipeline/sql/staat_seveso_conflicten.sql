-- Every partner row of a joint inspection that is an integration conflict (rows that disagree
-- on establishment or date, or two rows of one partner).
SELECT i.jaar, i.gezamenlijke_inspectie_id, i.partner_code, i.inspectie_id, i.inrichting_id,
  i.datum, i.bron_bestand, i.bron_rij
FROM stg.seveso_inspecties i
JOIN int.seveso_inspecties s ON s.jaar = i.jaar AND s.conflict
  AND s.gezamenlijke_inspectie_id = i.gezamenlijke_inspectie_id
WHERE i.jaar = $jaar
ORDER BY i.gezamenlijke_inspectie_id, i.partner_code, i.inspectie_id
