-- The national number of active Seveso inrichtingen (staat.seveso, scope NL) beside the sum of
-- the inrichtingen per gemeente (staat.seveso_locaties, the map's table): one row, the year.
SELECT $jaar::VARCHAR AS __index,
  (SELECT sum(inrichtingen_actief) FROM staat.seveso_locaties WHERE jaar = $jaar)::DOUBLE
    AS som_gemeenten,
  (SELECT inrichtingen_actief FROM staat.seveso WHERE jaar = $jaar AND scope = 'NL')::DOUBLE
    AS landelijk
