-- The year-on-year factor of the toetsen: one macro, so that every such toets (staged rows and
-- published figures alike) judges the same ratio against the same bounds 1/F and F.
{#- factor(now, before): now / before; NULL when either is missing or the larger is below the
    minimum basis (small numbers jump by chance), infinite when before is 0. -#}
{% macro factor(now, before) -%}
CASE WHEN {{ before }} IS NULL OR {{ now }} IS NULL OR greatest({{ now }}, {{ before }}) < $min_basis
  THEN NULL WHEN {{ before }} = 0 THEN 'inf'::DOUBLE
  ELSE {{ now }}::DOUBLE / {{ before }}::DOUBLE END
{%- endmacro %}
