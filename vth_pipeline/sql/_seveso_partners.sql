{#- rekenregels.md v1.3, one partner-count convention (contract SEVESO_COUNTED_KINDS): for each
    Seveso figure of `figures_from` (a relation with column `figuur`, names prefixed seveso_)
    and each year of `years`, one row per partner required to deliver the figure's counted kind
    (the register for inrichtingen_actief, the inspections otherwise), with whether its
    delivery was accepted. landelijk.csv counts `geleverd` of `verwacht` from these rows, and
    vergelijking.csv its partners_* columns. -#}
  SELECT d.jaar, f.figuur, d.partner_code, d.geleverd = 'ja' AS geleverd
  FROM {{ figures_from }} f
  JOIN staat.datakwaliteit d ON d.soort = CASE f.figuur
    {%- for name, kind in seveso_counted_kinds.items() %} WHEN '{{ name }}' THEN '{{ kind }}'{% endfor %}
    ELSE '{{ seveso_counted_kind_default }}' END
  WHERE d.jaar IN ({{ years }}) AND d.verplicht = 'ja'
