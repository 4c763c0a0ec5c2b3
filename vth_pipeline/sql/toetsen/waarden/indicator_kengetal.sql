-- Value set `indicator_kengetal`: the indicators of kind kengetal.
SELECT indicator FROM ref.indicatoren WHERE soort = 'kengetal'
