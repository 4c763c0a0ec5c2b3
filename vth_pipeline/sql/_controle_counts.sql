{#- Counts from controles shared by the omgevingsdienst and provincie tables (alias `c`).
    `inrichtingen` is how distinct inrichtingen are counted in the including table. -#}
  count(c.controle_id) AS controles,
  count(*) FILTER (WHERE c.soort_controle = 'fysiek') AS controles_fysiek,
  count(*) FILTER (WHERE c.resultaat IN ('geen_overtreding', 'overtreding'))
    AS controles_beoordeeld,
  count(*) FILTER (WHERE c.resultaat = 'overtreding') AS controles_met_overtreding,
  count(*) FILTER (WHERE c.resultaat IN ('geen_overtreding', 'overtreding')
    AND c.aanleiding <> 'hercontrole') AS eerste_controles_beoordeeld,
  count(*) FILTER (WHERE c.resultaat = 'geen_overtreding' AND c.aanleiding <> 'hercontrole')
    AS eerste_controles_zonder_overtreding,
  count(*) FILTER (WHERE c.aanleiding = 'hercontrole') AS hercontroles,
  count(*) FILTER (WHERE c.aanleiding = 'hercontrole'
    AND c.resultaat IN ('geen_overtreding', 'overtreding')) AS hercontroles_beoordeeld,
  count(*) FILTER (WHERE c.aanleiding = 'hercontrole' AND c.resultaat = 'geen_overtreding')
    AS hercontroles_opgelost,
  count(*) FILTER (WHERE c.resultaat = 'overtreding' AND c.lhs_gevolg IN ('C', 'D'))
    AS ernstige_overtredingen,
  count(*) FILTER (WHERE c.resultaat = 'overtreding'
    AND c.interventie IN ('proces_verbaal', 'bestuurlijke_strafbeschikking'))
    AS strafrechtelijke_interventies,
  {{ inrichtingen }} AS inrichtingen_gecontroleerd
