-- The rows of a table for the year being built, judged column by column. A staged row is
-- labelled by its file and row (bron_bestand, bron_rij); a published row by its key (`sleutel`).
SELECT *
{%- if sleutel is defined %},
  {% for k in sleutel %}coalesce({{ k }}::VARCHAR, ''){{ " || '/' || " if not loop.last }}{% endfor %} AS __index
{%- endif %}
FROM {{ tabel }} WHERE jaar = $jaar
