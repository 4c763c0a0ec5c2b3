-- Value set `partners_nl`: every partner code, and NL for the national row.
{% include "toetsen/waarden/partners.sql" %} UNION SELECT 'NL'
