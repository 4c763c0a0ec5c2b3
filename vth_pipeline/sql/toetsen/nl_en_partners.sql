-- Per key (`sleutel`) of a published table with a national row: the NL row's count beside the
-- sum over the partners, for the toets that the national row is that sum.
SELECT {{ sleutel | join(" || '/' || ") }} AS __index, {{ sleutel | join(", ") }},
  max(aantal) FILTER (WHERE partner_code = 'NL')::DOUBLE AS nl,
  sum(aantal) FILTER (WHERE partner_code <> 'NL')::DOUBLE AS som_partners
FROM {{ tabel }} WHERE jaar = $jaar GROUP BY ALL ORDER BY 1
