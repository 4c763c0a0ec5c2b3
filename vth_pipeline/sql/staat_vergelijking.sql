-- vergelijking.csv: every national figure of landelijk.csv compared with the year before over
-- the vergelijkbare kern (rekenregels.md, "Comparisons between years"): the partners that
-- delivered the figure's inputs in both years. No rows when the year before was not built.
--   first table: the omgevingsdiensten in staat.omgevingsdiensten of both years (and, for a
--     ratio with kengetallen, with those kengetallen in both years); the figure is recomputed
--     from the sums of its parts (`national_parts` of the contract) over them;
--   Seveso: the integrated account cannot be split per partner (a joint inspection belongs to
--     several), so the kern is all or nothing: the national figures of both years are compared
--     when exactly the same partners delivered the figure's kinds both years, else left empty;
--   outcome indicators (rows `uitkomst_<indicator>`): the gebieden delivered in both years,
--     the delivered NL row when both years' national value is the same partner's NL row.
-- Percentages change in procentpunten (`verschil_pct` empty); counts and ratios also in
-- percent, unless the base (last year's value over the kern) is under `min_base_pct_change`.
{#- a delivered decimal as text without trailing zeros (`12.500000` -> `12.5`, `0` stays) -#}
{% macro plain(x) %}CASE WHEN ({{ x }}) = 0 THEN '0' ELSE rtrim(rtrim(({{ x }})::DECIMAL(38, 6)::VARCHAR, '0'), '.') END{% endmacro %}
WITH prev_built AS (
  SELECT EXISTS (SELECT 1 FROM staat.landelijk WHERE jaar = $jaar - 1) AS ok
), figures AS (
  SELECT l.volgorde, l.figuur FROM staat.landelijk l, prev_built WHERE l.jaar = $jaar AND prev_built.ok
), od AS (
  SELECT * FROM staat.omgevingsdiensten WHERE jaar IN ($jaar, $jaar - 1)
), parts AS (
  -- per omgevingsdienst and year the parts of each figure and whether its inputs were delivered
{%- for f, (part, whole) in national_parts.items() %}
  {{ "UNION ALL " if not loop.first }}SELECT '{{ f }}' AS figuur, jaar, partner_code,
    {{ part }}::DECIMAL(38, 6) AS teller, {{ whole or "NULL" }}::DECIMAL(38, 6) AS noemer,
    true{% for k in figure_kengetallen[f] %} AND {{ k }} IS NOT NULL{% endfor %} AS geleverd
  FROM od
{%- endfor %}
), kern AS (
  SELECT figuur, partner_code FROM parts WHERE geleverd
  GROUP BY figuur, partner_code HAVING count(DISTINCT jaar) = 2
), first_table AS (
  SELECT p.figuur,
    count(*) FILTER (WHERE p.geleverd AND p.jaar = $jaar - 1) AS partners_vorig_jaar,
    count(*) FILTER (WHERE p.geleverd AND p.jaar = $jaar) AS partners_dit_jaar,
    count(k.partner_code) FILTER (WHERE p.jaar = $jaar) AS partners_beide,
    sum(p.teller) FILTER (WHERE k.partner_code IS NOT NULL AND p.jaar = $jaar - 1) AS t_vorig,
    sum(p.noemer) FILTER (WHERE k.partner_code IS NOT NULL AND p.jaar = $jaar - 1) AS n_vorig,
    sum(p.teller) FILTER (WHERE k.partner_code IS NOT NULL AND p.jaar = $jaar) AS t_dit,
    sum(p.noemer) FILTER (WHERE k.partner_code IS NOT NULL AND p.jaar = $jaar) AS n_dit
  FROM parts p LEFT JOIN kern k USING (figuur, partner_code)
  GROUP BY p.figuur
), first_values AS (
  SELECT figuur,
    CASE WHEN figuur LIKE '%\_pct' ESCAPE '\' THEN pct(t_vorig, n_vorig)::VARCHAR
         WHEN figuur LIKE '%\_per\_fte' ESCAPE '\' THEN ratio2(t_vorig, n_vorig)::VARCHAR
         ELSE t_vorig::HUGEINT::VARCHAR END AS waarde_vorig_jaar,
    CASE WHEN figuur LIKE '%\_pct' ESCAPE '\' THEN pct(t_dit, n_dit)::VARCHAR
         WHEN figuur LIKE '%\_per\_fte' ESCAPE '\' THEN ratio2(t_dit, n_dit)::VARCHAR
         ELSE t_dit::HUGEINT::VARCHAR END AS waarde,
    partners_beide, partners_vorig_jaar, partners_dit_jaar
  FROM first_table
), seveso_kinds(figuur, soort) AS (
  VALUES {% for f, kinds in seveso_kinds.items() %}{% for k in kinds %}('{{ seveso_prefix }}{{ f }}', '{{ k }}'){{ ", " if not loop.last }}{% endfor %}{{ ", " if not loop.last }}{% endfor %}
), seveso_needs AS (
  -- handhaving_<code> figures follow the code list: they need what every inspection figure needs
  SELECT f.figuur, coalesce(k.soort, h.soort) AS soort
  FROM figures f
  LEFT JOIN seveso_kinds k ON k.figuur = f.figuur
  LEFT JOIN (SELECT unnest([{{ handhaving_kinds | quoted }}]) AS soort) h
    ON k.figuur IS NULL AND f.figuur LIKE '{{ seveso_prefix }}handhaving\_%' ESCAPE '\'
  WHERE f.figuur LIKE '{{ seveso_prefix }}%'
), seveso_deliveries AS (
  -- per figure every accepted delivery of a kind it needs, in which of the two years
  SELECT n.figuur, d.partner_code, d.soort, bool_or(d.jaar = $jaar - 1) AS vorig,
    bool_or(d.jaar = $jaar) AS dit
  FROM seveso_needs n JOIN staat.datakwaliteit d ON d.soort = n.soort
  WHERE d.jaar IN ($jaar, $jaar - 1) AND d.geleverd = 'ja'
  GROUP BY ALL
), seveso_partners AS (
  SELECT n.figuur,
    count(DISTINCT d.partner_code) FILTER (WHERE d.vorig) AS partners_vorig_jaar,
    count(DISTINCT d.partner_code) FILTER (WHERE d.dit) AS partners_dit_jaar,
    count(DISTINCT d.partner_code) FILTER (WHERE d.vorig AND d.dit) AS partners_beide,
    -- the same deliveries in both years: the national figures are over the same partners
    coalesce(bool_and(d.vorig = d.dit), true) AS zelfde
  FROM (SELECT DISTINCT figuur FROM seveso_needs) n
  LEFT JOIN seveso_deliveries d USING (figuur)
  GROUP BY n.figuur
), seveso_values AS (
  SELECT s.figuur,
    CASE WHEN s.zelfde THEN p.waarde END AS waarde_vorig_jaar,
    CASE WHEN s.zelfde THEN c.waarde END AS waarde,
    s.partners_beide, s.partners_vorig_jaar, s.partners_dit_jaar
  FROM seveso_partners s
  LEFT JOIN staat.landelijk c ON c.jaar = $jaar AND c.figuur = s.figuur
  LEFT JOIN staat.landelijk p ON p.jaar = $jaar - 1 AND p.figuur = s.figuur
), uit AS (
  SELECT * FROM staat.uitkomsten, prev_built WHERE jaar IN ($jaar, $jaar - 1) AND prev_built.ok
), nl_rows AS (
  -- indicators whose national value is, in both years, the NL row of the same partner
  SELECT c.indicator, c.waarde, p.waarde AS waarde_vorig_jaar
  FROM uit c JOIN uit p ON p.jaar = $jaar - 1 AND p.indicator = c.indicator AND p.gebied = 'NL'
  WHERE c.jaar = $jaar AND c.gebied = 'NL' AND c.geleverd_door = p.geleverd_door
    AND c.geleverd_door <> 'som van de gemeenten' AND c.waarde IS NOT NULL
    AND p.waarde IS NOT NULL
), gm AS (
  SELECT indicator,
    count(*) FILTER (WHERE jaar = $jaar - 1 AND waarde IS NOT NULL) AS partners_vorig_jaar,
    count(*) FILTER (WHERE jaar = $jaar AND waarde IS NOT NULL) AS partners_dit_jaar,
    -- waarde_vorig_jaar of a gemeente already sums the gemeenten merged into it (or is empty)
    count(*) FILTER (WHERE jaar = $jaar AND waarde IS NOT NULL AND waarde_vorig_jaar IS NOT NULL)
      AS partners_beide,
    sum(waarde_vorig_jaar) FILTER (WHERE jaar = $jaar AND waarde IS NOT NULL) AS som_vorig,
    sum(waarde) FILTER (WHERE jaar = $jaar AND waarde_vorig_jaar IS NOT NULL) AS som_dit
  FROM uit WHERE gebied LIKE 'GM%' GROUP BY indicator
), outcomes AS (
  SELECT 1000 + row_number() OVER (ORDER BY i.indicator) AS volgorde,
    '{{ outcome_prefix }}' || i.indicator AS figuur,
    CASE WHEN n.indicator IS NOT NULL THEN n.waarde_vorig_jaar ELSE g.som_vorig END AS vorig,
    CASE WHEN n.indicator IS NOT NULL THEN n.waarde ELSE g.som_dit END AS dit,
    CASE WHEN n.indicator IS NOT NULL THEN 1 ELSE coalesce(g.partners_beide, 0) END
      AS partners_beide,
    CASE WHEN n.indicator IS NOT NULL THEN 1 ELSE coalesce(g.partners_vorig_jaar, 0) END
      AS partners_vorig_jaar,
    CASE WHEN n.indicator IS NOT NULL THEN 1 ELSE coalesce(g.partners_dit_jaar, 0) END
      AS partners_dit_jaar
  FROM (SELECT DISTINCT indicator FROM uit WHERE jaar = $jaar AND gebied = 'NL') i
  LEFT JOIN nl_rows n USING (indicator)
  LEFT JOIN gm g USING (indicator)
), national AS (
  SELECT f.volgorde, f.figuur,
    coalesce(v.waarde_vorig_jaar, s.waarde_vorig_jaar) AS waarde_vorig_jaar,
    coalesce(v.waarde, s.waarde) AS waarde,
    coalesce(v.partners_beide, s.partners_beide) AS partners_beide,
    coalesce(v.partners_vorig_jaar, s.partners_vorig_jaar) AS partners_vorig_jaar,
    coalesce(v.partners_dit_jaar, s.partners_dit_jaar) AS partners_dit_jaar
  FROM figures f
  LEFT JOIN first_values v USING (figuur)
  LEFT JOIN seveso_values s USING (figuur)
)
SELECT $jaar::INTEGER AS jaar, volgorde, figuur, waarde_vorig_jaar, waarde,
  CASE WHEN figuur LIKE '%\_pct' ESCAPE '\'
         THEN (waarde::DECIMAL(18, 1) - waarde_vorig_jaar::DECIMAL(18, 1))::VARCHAR
       WHEN figuur LIKE '%\_per\_fte' ESCAPE '\'
         THEN (waarde::DECIMAL(18, 2) - waarde_vorig_jaar::DECIMAL(18, 2))::VARCHAR
       ELSE (waarde::HUGEINT - waarde_vorig_jaar::HUGEINT)::VARCHAR END AS verschil,
  CASE WHEN figuur NOT LIKE '%\_pct' ESCAPE '\'
    AND waarde_vorig_jaar::DECIMAL(38, 6) >= {{ min_base_pct_change }}
    THEN pct(waarde::DECIMAL(38, 6) - waarde_vorig_jaar::DECIMAL(38, 6),
             waarde_vorig_jaar::DECIMAL(38, 6)) END AS verschil_pct,
  partners_beide, partners_vorig_jaar, partners_dit_jaar
FROM national
UNION ALL
SELECT $jaar::INTEGER, volgorde, figuur, {{ plain("vorig") }}, {{ plain("dit") }},
  {{ plain("dit - vorig") }},
  CASE WHEN vorig >= {{ min_base_pct_change }} THEN pct(dit - vorig, vorig) END,
  partners_beide, partners_vorig_jaar, partners_dit_jaar
FROM outcomes
ORDER BY volgorde
