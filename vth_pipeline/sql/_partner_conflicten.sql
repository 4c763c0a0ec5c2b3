{#- The cross-partner conflicts, each declared once: the model that leaves a conflict out and
the toets view that reports it both import these macros, so the two cannot drift apart.
`t` is the alias (with its dot) of the rows, empty when the columns are unqualified. -#}

{#- The limits of the conflicts, read by the models below and by the toetsen that judge the
same parts (`sql.fragment_values`, in validation/handmatig.py): each stated here only. -#}
{% set max_inrichtingen_per_inspectie = 1 %}
{% set max_datums_per_inspectie = 1 %}
{% set max_partners_per_uitkomst = 1 %}

{#- A joint Seveso inspection (one gezamenlijke_inspectie_id): its partner rows, partners,
inrichtingen and dates, aggregates over its rows. -#}
{% macro seveso_partnerrijen(t="") %}count(*){% endmacro %}
{% macro seveso_partners(t="") %}count(DISTINCT {{ t }}partner_code){% endmacro %}
{% macro seveso_inrichtingen(t="") %}count(DISTINCT {{ t }}inrichting_id){% endmacro %}
{% macro seveso_datums(t="") %}count(DISTINCT {{ t }}datum){% endmacro %}

{#- An integration conflict: the rows disagree on inrichting or date, or one partner delivered
two rows (its violations would count twice). The toetsen gezamenlijk_eenduidig and
partner_eenmaal_per_inspectie judge the same parts (the limits above; rows = partners, as a
partner's rows are never fewer than one). -#}
{% macro seveso_conflict(t="") -%}
{{ seveso_inrichtingen(t) }} > {{ max_inrichtingen_per_inspectie }}
      OR {{ seveso_datums(t) }} > {{ max_datums_per_inspectie }}
      OR {{ seveso_partnerrijen(t) }} > {{ seveso_partners(t) }}
{%- endmacro %}

{#- An outcome (jaar, indicator, gebied): how many partners delivered it; more than the limit
above is a conflict (the toets conflict_tussen_partners judges the same). `partners` is that
count, or a column holding it. -#}
{% macro uitkomst_partners(t="") %}count(DISTINCT {{ t }}partner_code){% endmacro %}
{% macro uitkomst_conflict(partners=uitkomst_partners()) %}{{ partners }} > {{ max_partners_per_uitkomst }}{% endmacro %}
