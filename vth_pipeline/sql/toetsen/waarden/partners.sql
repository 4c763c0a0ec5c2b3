-- Value set `partners`: every partner code.
SELECT partner_code FROM ref.partners
