-- Value set `gemeente`: the GM codes valid on at least one day of the year (`controles` is held
-- to the date itself by the named rule geldig_op_datum).
SELECT gm_code FROM ref.gemeenten
WHERE coalesce(geldig_van, DATE '1900-01-01') <= make_date($jaar, 12, 31)
  AND coalesce(geldig_tot, DATE '9999-12-31') >= make_date($jaar, 1, 1)
