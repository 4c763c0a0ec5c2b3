{#- The percentages of the first table that need controles alone, from `_controle_counts`. -#}
  pct(eerste_controles_zonder_overtreding, eerste_controles_beoordeeld)
    AS naleving_eerste_controle_pct,
  pct(hercontroles_opgelost, hercontroles_beoordeeld) AS hercontrole_opgelost_pct,
  pct(strafrechtelijke_interventies, controles_met_overtreding) AS strafrechtelijk_pct
