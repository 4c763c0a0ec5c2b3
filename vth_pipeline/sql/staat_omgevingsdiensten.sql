-- One row per omgevingsdienst with a controles file in effect this year (stg.bestanden: a
-- file without a usable row is rejected and leaves an earlier delivery in effect), with every figure of the first table of rekenregels.md. Percentages go
-- through the `pct` macro (half-to-even on the exact quotient, NULL when the whole is 0 or
-- missing), controles_per_fte through `ratio2` (two decimals).
WITH delivered AS (
  SELECT DISTINCT partner_code FROM stg.bestanden
  WHERE jaar = $jaar AND soort = 'controles' AND status = '{{ status.in_gebruik }}'
), counts AS (
  SELECT d.partner_code,
{% with inrichtingen = "count(DISTINCT c.inrichting_id)" %}{% include "_controle_counts.sql" %}{% endwith %}
  FROM delivered d
  LEFT JOIN stg.controles c ON c.partner_code = d.partner_code AND c.jaar = $jaar
  GROUP BY d.partner_code
), k AS (
  PIVOT (SELECT partner_code, indicator, waarde FROM int.kengetallen WHERE jaar = $jaar)
  ON indicator IN ({{ kengetal_columns | quoted }}) USING max(waarde)
  GROUP BY partner_code
), figures AS (
SELECT $jaar::INTEGER AS jaar, counts.partner_code, p.naam,
  controles, controles_fysiek, controles_beoordeeld, controles_met_overtreding,
{% include "_controle_pcts.sql" %},
  hercontroles, ernstige_overtredingen, inrichtingen_gecontroleerd,
  pct(inrichtingen_gecontroleerd, k.inrichtingen_in_beheer) AS controledichtheid_pct,
  ratio2(controles, k.fte_toezicht_handhaving) AS controles_per_fte,
  pct(k.vergunningbesluiten_binnen_termijn, k.vergunningbesluiten)
    AS vergunningen_binnen_termijn_pct,
  pct(k.handhavingsbesluiten_in_stand, k.handhavingsbesluiten_getoetst)
    AS handhavingsbesluiten_in_stand_pct,
  eerste_controles_beoordeeld, eerste_controles_zonder_overtreding, hercontroles_beoordeeld,
  hercontroles_opgelost, strafrechtelijke_interventies,
  {% for c in kengetal_columns %}k.{{ c }}{{ ", " if not loop.last }}{% endfor %}
FROM counts
JOIN ref.partners p ON p.partner_code = counts.partner_code
LEFT JOIN k ON k.partner_code = counts.partner_code
)
-- A partner whose deliveries contradict each other (PARTNER_INCONSISTENCIES): the figure and
-- the kengetallen it divides by are empty in its row (so they leave the national figure), and
-- `opmerking` says why.
SELECT * REPLACE (
{%- for i in inconsistencies %}
  CASE WHEN coalesce({{ i.when }}, false) THEN NULL ELSE {{ i.figure }} END AS {{ i.figure }},
  {%- for k in figures[i.figure].kengetallen %}
  CASE WHEN coalesce({{ i.when }}, false) THEN NULL ELSE {{ k }} END AS {{ k }}{{ "," if not loop.last }}
  {%- endfor %}{{ "," if not loop.last }}
{%- endfor %}
), nullif(concat_ws('; ',
{%- for i in inconsistencies %}
  CASE WHEN coalesce({{ i.when }}, false) THEN {{ i.reason_sql }} END{{ "," if not loop.last }}
{%- endfor %}
), '') AS opmerking
FROM figures
ORDER BY partner_code
