-- seveso_reeks.csv: computed national Seveso figures of every year up to the reporting year,
-- and the national figures published in earlier years (as published: a value that is not a
-- plain number there, such as 'ca. 45', stays empty; the source addresses and remarks are kept
-- with each row). A derived view over staat and ref tables, read when the year is published.
  SELECT jaar, 'berekend' AS bron, inrichtingen_actief, inspecties, inrichtingen_geinspecteerd,
    inrichtingen_met_overtreding_pct, inrichtingen_zonder_overtreding_pct,
    overtredingen_cat1::BIGINT AS overtredingen_cat1,
    overtredingen_cat2::BIGINT AS overtredingen_cat2,
    overtredingen_cat3::BIGINT AS overtredingen_cat3,
    overtredingen_totaal::BIGINT AS overtredingen_totaal,
    deelname_arbeidsinspectie_pct, deelname_veiligheidsregio_pct,
    NULL::VARCHAR AS bronnen, NULL::VARCHAR AS opmerking
  FROM staat.seveso WHERE scope = 'NL'
  UNION ALL
  SELECT jaar, 'gepubliceerd', TRY_CAST(actieve_brzo_bedrijven AS BIGINT),
    TRY_CAST(brzo_inspecties AS BIGINT), TRY_CAST(bedrijven_geinspecteerd AS BIGINT),
    TRY_CAST(bedrijven_met_overtredingen_pct AS DECIMAL(18, 1)),
    TRY_CAST(bedrijven_zonder_overtredingen_pct AS DECIMAL(18, 1)),
    TRY_CAST(overtredingen_cat1_zwaar AS BIGINT),
    TRY_CAST(overtredingen_cat2_middelzwaar AS BIGINT),
    NULL, TRY_CAST(overtredingen_totaal AS BIGINT), NULL, NULL, bronnen, overig
  FROM ref.brzo_jaarcijfers_gepubliceerd
