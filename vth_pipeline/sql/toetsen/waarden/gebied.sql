-- Value set `gebied` of an outcome indicator: a gemeente of the year, a provincie, or NL.
{% include "toetsen/waarden/bevoegd_gezag.sql" %} UNION SELECT 'NL'
