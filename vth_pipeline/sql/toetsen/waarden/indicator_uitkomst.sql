-- Value set `indicator_uitkomst`: the indicators of kind uitkomst.
SELECT indicator FROM ref.indicatoren WHERE soort = 'uitkomst'
