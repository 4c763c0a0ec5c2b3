-- Per figure of the comparison between years: whether it is a national figure of the year
-- (staat.landelijk) or an outcome indicator, the only figures compared.
SELECT figuur AS __index, figuur,
  figuur IN (SELECT figuur FROM staat.landelijk WHERE jaar = $jaar)
  OR figuur IN (SELECT '{{ outcome_prefix }}' || indicator FROM ref.indicatoren
                WHERE soort = 'uitkomst') AS bekend
FROM staat.vergelijking WHERE jaar = $jaar
