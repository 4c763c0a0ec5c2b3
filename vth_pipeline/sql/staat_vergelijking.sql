-- vergelijking.csv: every national figure of landelijk.csv compared with the year before over
-- the vergelijkbare kern (rekenregels.md, "Comparisons between years"): the partners that
-- delivered the figure's inputs in both years. No rows when the year before was not built.
--   first table: the omgevingsdiensten in staat.omgevingsdiensten of both years (and, for a
--     ratio with kengetallen, with those kengetallen in both years); the figure is recomputed
--     from the sums of its parts (`national_parts` of the contract) over them;
--   Seveso: the integrated account cannot be split per partner (a joint inspection belongs to
--     several), so the kern is all or nothing: the national figures of both years are compared
--     when every partner that delivered a kind the figure needs (accepted, required or not) in
--     either year delivered it in both; else they are left empty and `opmerking` says why;
--   outcome indicators (rows `uitkomst_<indicator>`): the gebieden delivered in both years,
--     the delivered NL row when both years' national value is the same partner's NL row.
-- partners_* count partners as `geleverd` of landelijk.csv does (v1.3, one convention): for
-- the Seveso figures through `_seveso_partners.sql`.
-- v1.3: `verschil` and `verschil_pct` are computed from the unrounded kern values (the sums of
-- the parts; for Seveso percentages the parts kept in staat.seveso `delen`) and then rounded
-- half-to-even, so they can differ by one in the last decimal from the difference of the
-- rounded values shown. Percentages change in procentpunten (`verschil_pct` empty); counts and
-- ratios also in percent, unless the base (last year's unrounded value over the kern) is under
-- `min_base_pct_change`.
{#- a delivered decimal as text without trailing zeros (`12.500000` -> `12.5`, `0` stays) -#}
{% macro plain(x) %}CASE WHEN ({{ x }}) = 0 THEN '0' ELSE rtrim(rtrim(({{ x }})::DECIMAL(38, 6)::VARCHAR, '0'), '.') END{% endmacro %}
{#- `scale` * num / den (exact integers, den > 0) rounded half-to-even to a multiple of
    `unit`, the sign kept: pass `scale` as the factor (100 for percent) divided by `unit` -#}
{% macro signed_div(num, den, scale, unit) %}(CASE WHEN ({{ num }}) < 0 THEN -1 ELSE 1 END * div_he(abs({{ num }}) * {{ scale }}, {{ den }}) * {{ unit }}){% endmacro %}
{#- t1/n1 - t0/n0 over exact integers: the values are scaled to integers (6 decimals, the
    precision of staged numbers), so num / den below is the exact difference -#}
{% macro diff_num() %}(scaled(t_dit) * scaled(n_vorig) - scaled(t_vorig) * scaled(n_dit)){% endmacro %}
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
    t_vorig, n_vorig, t_dit, n_dit, partners_beide, partners_vorig_jaar, partners_dit_jaar
  FROM first_table
), seveso_kinds(figuur, soort) AS (
  VALUES {% for f, kinds in seveso_kinds.items() %}{% for k in kinds %}('{{ seveso_prefix }}{{ f }}', '{{ k }}'){{ ", " if not loop.last }}{% endfor %}{{ ", " if not loop.last }}{% endfor %}
), seveso_figures AS (
  SELECT figuur FROM figures WHERE figuur LIKE '{{ seveso_prefix }}%'
), seveso_needs AS (
  -- handhaving_<code> figures follow the code list: they need what every inspection figure needs
  SELECT f.figuur, coalesce(k.soort, h.soort) AS soort
  FROM seveso_figures f
  LEFT JOIN seveso_kinds k ON k.figuur = f.figuur
  LEFT JOIN (SELECT unnest([{{ handhaving_kinds | quoted }}]) AS soort) h
    ON k.figuur IS NULL AND f.figuur LIKE '{{ seveso_prefix }}handhaving\_%' ESCAPE '\'
), seveso_deliveries AS (
  -- per figure every accepted delivery of a kind it needs (required or not: its rows count in
  -- the integrated figures), in which of the two years
  SELECT n.figuur, d.partner_code, d.soort, bool_or(d.jaar = $jaar - 1) AS vorig,
    bool_or(d.jaar = $jaar) AS dit
  FROM seveso_needs n JOIN staat.datakwaliteit d ON d.soort = n.soort
  WHERE d.jaar IN ($jaar, $jaar - 1) AND d.geleverd = 'ja'
  GROUP BY ALL
), seveso_same AS (
  -- all or nothing: every delivery of either year also in the other one
  SELECT n.figuur, coalesce(bool_and(d.vorig = d.dit), true) AS zelfde,
    string_agg(d.partner_code || ' ' || d.soort || ' alleen in '
      || CASE WHEN d.vorig THEN $jaar - 1 ELSE $jaar END, ', '
      ORDER BY d.partner_code, d.soort) FILTER (WHERE d.vorig <> d.dit) AS verschillen
  FROM (SELECT DISTINCT figuur FROM seveso_needs) n
  LEFT JOIN seveso_deliveries d USING (figuur)
  GROUP BY n.figuur
), seveso_counted AS (
{%- with figures_from = "seveso_figures", years = "$jaar - 1, $jaar" %}
{% include "_seveso_partners.sql" %}
{%- endwith %}
), seveso_partners AS (
  SELECT figuur,
    count(*) FILTER (WHERE vorig) AS partners_vorig_jaar,
    count(*) FILTER (WHERE dit) AS partners_dit_jaar,
    count(*) FILTER (WHERE vorig AND dit) AS partners_beide
  FROM (
    SELECT figuur, partner_code, bool_or(geleverd AND jaar = $jaar - 1) AS vorig,
      bool_or(geleverd AND jaar = $jaar) AS dit
    FROM seveso_counted GROUP BY figuur, partner_code
  ) GROUP BY figuur
), seveso_delen AS (
  -- the unrounded parts of the national Seveso percentages of both years
{%- for f in seveso_pct_figures %}
  {{ "UNION ALL " if not loop.first }}SELECT jaar, '{{ seveso_prefix }}{{ f }}' AS figuur,
    delen.{{ f }}.teller::DECIMAL(38, 6) AS teller, delen.{{ f }}.noemer::DECIMAL(38, 6) AS noemer
  FROM staat.seveso WHERE scope = 'NL' AND jaar IN ($jaar, $jaar - 1)
{%- endfor %}
), seveso_values AS (
  SELECT f.figuur,
    CASE WHEN z.zelfde THEN p.waarde END AS waarde_vorig_jaar,
    CASE WHEN z.zelfde THEN c.waarde END AS waarde,
    -- a count is its own part; a percentage the quotient of its parts
    coalesce(dp.teller, p.waarde::DECIMAL(38, 6)) AS t_vorig, dp.noemer AS n_vorig,
    coalesce(dc.teller, c.waarde::DECIMAL(38, 6)) AS t_dit, dc.noemer AS n_dit,
    coalesce(s.partners_beide, 0) AS partners_beide,
    coalesce(s.partners_vorig_jaar, 0) AS partners_vorig_jaar,
    coalesce(s.partners_dit_jaar, 0) AS partners_dit_jaar,
    CASE WHEN NOT z.zelfde THEN 'niet vergeleken: niet dezelfde partners leverden de '
           || 'Seveso-gegevens van dit cijfer in beide jaren (' || z.verschillen || ')'
         WHEN p.waarde IS NULL OR c.waarde IS NULL THEN 'niet vergeleken: geen waarde in '
           || CASE WHEN p.waarde IS NULL AND c.waarde IS NULL THEN ($jaar - 1) || ' en ' || $jaar
                   WHEN p.waarde IS NULL THEN ($jaar - 1)::VARCHAR ELSE $jaar::VARCHAR END
    END AS opmerking
  FROM seveso_figures f
  JOIN seveso_same z USING (figuur)
  LEFT JOIN seveso_partners s USING (figuur)
  LEFT JOIN staat.landelijk c ON c.jaar = $jaar AND c.figuur = f.figuur
  LEFT JOIN staat.landelijk p ON p.jaar = $jaar - 1 AND p.figuur = f.figuur
  LEFT JOIN seveso_delen dc ON dc.jaar = $jaar AND dc.figuur = f.figuur
  LEFT JOIN seveso_delen dp ON dp.jaar = $jaar - 1 AND dp.figuur = f.figuur
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
    CASE WHEN f.figuur LIKE '%\_pct' ESCAPE '\' THEN 'pct'
         WHEN f.figuur LIKE '%\_per\_fte' ESCAPE '\' THEN 'ratio' ELSE 'aantal' END AS eenheid,
    coalesce(v.waarde_vorig_jaar, s.waarde_vorig_jaar) AS waarde_vorig_jaar,
    coalesce(v.waarde, s.waarde) AS waarde,
    coalesce(v.t_vorig, s.t_vorig) AS t_vorig, coalesce(v.n_vorig, s.n_vorig) AS n_vorig,
    coalesce(v.t_dit, s.t_dit) AS t_dit, coalesce(v.n_dit, s.n_dit) AS n_dit,
    coalesce(v.partners_beide, s.partners_beide) AS partners_beide,
    coalesce(v.partners_vorig_jaar, s.partners_vorig_jaar) AS partners_vorig_jaar,
    coalesce(v.partners_dit_jaar, s.partners_dit_jaar) AS partners_dit_jaar,
    s.opmerking
  FROM figures f
  LEFT JOIN first_values v USING (figuur)
  LEFT JOIN seveso_values s USING (figuur)
), compared AS (
  -- the change only where both values are there; from the unrounded parts (v1.3)
  SELECT *, waarde IS NOT NULL AND waarde_vorig_jaar IS NOT NULL AS beide FROM national
)
SELECT $jaar::INTEGER AS jaar, volgorde, figuur, waarde_vorig_jaar, waarde,
  CASE WHEN NOT beide THEN NULL
       WHEN eenheid = 'pct'
         THEN {{ signed_div(diff_num(), "scaled(n_dit) * scaled(n_vorig)", 1000, 0.1) }}::DECIMAL(18, 1)::VARCHAR
       WHEN eenheid = 'ratio'
         THEN {{ signed_div(diff_num(), "scaled(n_dit) * scaled(n_vorig)", 100, 0.01) }}::DECIMAL(18, 2)::VARCHAR
       ELSE (t_dit - t_vorig)::HUGEINT::VARCHAR END AS verschil,
  CASE WHEN NOT beide OR eenheid = 'pct' THEN NULL
       -- a ratio r = t / n: (r_dit - r_vorig) / r_vorig = diff_num / (n_dit * t_vorig)
       WHEN eenheid = 'ratio' AND t_vorig >= {{ min_base_pct_change }} * n_vorig
         THEN {{ signed_div(diff_num(), "scaled(n_dit) * scaled(t_vorig)", 1000, 0.1) }}::DECIMAL(18, 1)
       WHEN eenheid = 'aantal' AND t_vorig >= {{ min_base_pct_change }}
         THEN pct(t_dit - t_vorig, t_vorig) END AS verschil_pct,
  partners_beide, partners_vorig_jaar, partners_dit_jaar, opmerking
FROM compared
UNION ALL
SELECT $jaar::INTEGER, volgorde, figuur, {{ plain("vorig") }}, {{ plain("dit") }},
  {{ plain("dit - vorig") }},
  CASE WHEN vorig >= {{ min_base_pct_change }} THEN pct(dit - vorig, vorig) END,
  partners_beide, partners_vorig_jaar, partners_dit_jaar, NULL
FROM outcomes
ORDER BY volgorde
