-- Value set `seveso_scopes`: the groups of the Seveso figures: NL, each threshold (code list
-- seveso_drempel) and each Seveso omgevingsdienst.
SELECT 'NL' UNION SELECT code FROM ref.codelijsten WHERE lijst = 'seveso_drempel'
UNION {% include "toetsen/waarden/seveso_omgevingsdienst.sql" %}
