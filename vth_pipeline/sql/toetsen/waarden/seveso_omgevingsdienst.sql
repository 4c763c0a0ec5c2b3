-- Value set `seveso_omgevingsdienst`: the omgevingsdiensten with a Seveso task.
SELECT partner_code FROM ref.partners WHERE seveso_omgevingsdienst = 'ja'
