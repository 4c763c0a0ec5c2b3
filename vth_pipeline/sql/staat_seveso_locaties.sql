-- Where the Seveso establishments are: per gemeente of the register and Seveso-omgevingsdienst,
-- the establishments active the whole year (as every Seveso figure counts them), for the map.
SELECT $jaar::INTEGER AS jaar, r.gemeente AS gm_code, r.omgevingsdienst AS partner_code,
  count(*) AS inrichtingen_actief
FROM int.seveso_register r
WHERE r.jaar = $jaar AND r.actief_heel_jaar
GROUP BY r.gemeente, r.omgevingsdienst
ORDER BY gm_code, partner_code
