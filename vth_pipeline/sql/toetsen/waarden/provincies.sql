-- Value set `provincies`: the PV codes of the provincies.
SELECT provincie_code FROM ref.provincies
