-- National figures: those of the first table of rekenregels.md, then the Seveso figures of
-- scope NL (prefixed `seveso_`), each with its completeness (geleverd of verwacht).
-- Counts are sums over the omgevingsdiensten of staat.omgevingsdiensten; percentages and
-- ratios are computed from national sums over the rows of that table (v1.2: a national figure
-- aggregates rows the publication shows) whose every input was delivered and consistent.
-- `seveso_columns` (the columns of staat.seveso, handhaving_<code> included) is filled in
-- by the asset.
WITH od AS (
  SELECT * FROM staat.omgevingsdiensten WHERE jaar = $jaar
), first_table AS (
  SELECT 0 AS volgorde, 'controles' AS figuur, sum(controles)::VARCHAR AS waarde,
    count(*) AS geleverd FROM od
  UNION ALL SELECT 1, 'controles_fysiek', sum(controles_fysiek)::VARCHAR, count(*) FROM od
  UNION ALL SELECT 2, 'controles_beoordeeld', sum(controles_beoordeeld)::VARCHAR, count(*)
    FROM od
  UNION ALL SELECT 3, 'controles_met_overtreding', sum(controles_met_overtreding)::VARCHAR,
    count(*) FROM od
  UNION ALL SELECT 4, 'naleving_eerste_controle_pct',
    pct(sum(eerste_controles_zonder_overtreding), sum(eerste_controles_beoordeeld))::VARCHAR,
    count(*) FROM od
  UNION ALL SELECT 5, 'hercontroles', sum(hercontroles)::VARCHAR, count(*) FROM od
  UNION ALL SELECT 6, 'hercontrole_opgelost_pct',
    pct(sum(hercontroles_opgelost), sum(hercontroles_beoordeeld))::VARCHAR, count(*) FROM od
  UNION ALL SELECT 7, 'ernstige_overtredingen', sum(ernstige_overtredingen)::VARCHAR, count(*)
    FROM od
  UNION ALL SELECT 8, 'strafrechtelijk_pct',
    pct(sum(strafrechtelijke_interventies), sum(controles_met_overtreding))::VARCHAR, count(*)
    FROM od
  UNION ALL SELECT 9, 'inrichtingen_gecontroleerd', sum(inrichtingen_gecontroleerd)::VARCHAR,
    count(*) FROM od
  UNION ALL SELECT 10, 'controledichtheid_pct',
    pct(sum(inrichtingen_gecontroleerd), sum(inrichtingen_in_beheer))::VARCHAR, count(*)
    FROM od WHERE inrichtingen_in_beheer IS NOT NULL
  UNION ALL SELECT 11, 'controles_per_fte',
    ratio2(sum(controles), sum(fte_toezicht_handhaving))::VARCHAR, count(*)
    FROM od WHERE fte_toezicht_handhaving IS NOT NULL
  UNION ALL SELECT 12, 'vergunningen_binnen_termijn_pct',
    pct(sum(vergunningbesluiten_binnen_termijn), sum(vergunningbesluiten))::VARCHAR, count(*)
    FROM od WHERE vergunningbesluiten IS NOT NULL
      AND vergunningbesluiten_binnen_termijn IS NOT NULL
  UNION ALL SELECT 13, 'handhavingsbesluiten_in_stand_pct',
    pct(sum(handhavingsbesluiten_in_stand), sum(handhavingsbesluiten_getoetst))::VARCHAR,
    count(*) FROM od WHERE handhavingsbesluiten_getoetst IS NOT NULL
      AND handhavingsbesluiten_in_stand IS NOT NULL
), expected AS (
  SELECT count(*) AS verwacht FROM ref.partners WHERE soort = 'omgevingsdienst'
), seveso_nl AS (
  SELECT * FROM staat.seveso WHERE jaar = $jaar AND scope = 'NL'
), seveso_values AS (
{%- for f in seveso_columns %}
  {{ "UNION ALL " if not loop.first }}SELECT {{ 100 + loop.index0 }} AS volgorde,
    'seveso_{{ f }}' AS figuur, s.{{ f }}::VARCHAR AS waarde FROM seveso_nl s
{%- endfor %}
), seveso_partners AS (
  -- the completeness of a Seveso figure: of the partners required to deliver its counted kind
  -- (the register for inrichtingen_actief, the inspections otherwise), those that did; the
  -- one convention that vergelijking.csv counts its partners by (_seveso_partners.sql)
{%- with figures_from = "seveso_values", years = "$jaar" %}
{% include "_seveso_partners.sql" %}
{%- endwith %}
), seveso AS (
  SELECT v.volgorde, v.figuur, v.waarde,
    count(p.partner_code) FILTER (WHERE p.geleverd) AS geleverd,
    count(p.partner_code) AS verwacht
  FROM seveso_values v LEFT JOIN seveso_partners p USING (figuur)
  GROUP BY v.volgorde, v.figuur, v.waarde
), figures AS (
  SELECT volgorde, figuur, waarde, geleverd, verwacht FROM first_table, expected
  UNION ALL SELECT * FROM seveso
)
SELECT $jaar::INTEGER AS jaar, volgorde, figuur, waarde, geleverd, verwacht
FROM figures ORDER BY volgorde
