-- Per partner and kind: required or not, what arrived, and rows read = accepted + quarantined;
-- `bevindingen`: a partner's deliveries that contradict each other (see staat_omgevingsdiensten).
-- A veiligheidsregio must deliver when an establishment of the register in its area is active
-- on at least one day of the year.
WITH partners AS (
  SELECT partner_code, soort AS partner_soort, seveso_omgevingsdienst = 'ja' AS seveso
  FROM ref.partners
), duties(partner_soort, seveso, soort, verplicht) AS (
  VALUES {% for d in duties %}('{{ d.partner_soort }}', {{ d.seveso }}, '{{ d.soort }}', {{ d.verplicht }}){{ ", " if not loop.last }}{% endfor %}
),
vr_duty AS (
  SELECT DISTINCT veiligheidsregio FROM stg.seveso_inrichtingen WHERE jaar = $jaar
    AND actief_vanaf <= make_date($jaar, 12, 31)
    AND (actief_tot IS NULL OR actief_tot >= make_date($jaar, 1, 1))
), expected AS (
  SELECT p.partner_code, d.soort,
    CASE WHEN p.partner_soort = 'veiligheidsregio'
      THEN p.partner_code IN (SELECT veiligheidsregio FROM vr_duty) ELSE d.verplicht END
      AS verplicht
  FROM partners p JOIN duties d ON d.partner_soort = p.partner_soort
    AND (d.seveso IS NULL OR d.seveso = p.seveso)
), files AS (
  SELECT * FROM ({% include "_leveringen.sql" %})
  WHERE soort IS NOT NULL AND partner_code IN (SELECT partner_code FROM partners)
), per_triple AS (
  -- the file in effect, or else the files that could have been (rejected, in conflict); an
  -- earlier delivery in effect says which later one it stands in for
  SELECT partner_code, soort, count(*) AS bestanden_ontvangen,
    coalesce(
      max(pad) FILTER (WHERE status IN ({{ in_effect | quoted }})),
      string_agg(pad, ' ; ' ORDER BY pad) FILTER (WHERE status IN ('{{ status.conflict }}',
        '{{ status.afgewezen }}'))) AS bestand,
    coalesce(max(leverdatum) FILTER (WHERE status IN ({{ in_effect | quoted }})),
      max(leverdatum) FILTER (WHERE status = '{{ status.afgewezen }}')) AS leverdatum,
    coalesce(max(sha256) FILTER (WHERE status IN ({{ in_effect | quoted }})),
      max(sha256) FILTER (WHERE status = '{{ status.afgewezen }}')) AS sha256,
    bool_or(status IN ({{ in_effect | quoted }})) AS ingelezen,
    bool_or(status = '{{ status.conflict }}') AS conflict,
    coalesce(
      max(reden) FILTER (WHERE status IN ({{ in_effect | quoted }})),
      max(reden) FILTER (WHERE status IN ('{{ status.conflict }}', '{{ status.afgewezen }}')))
      AS reden,
    max(rijen) FILTER (WHERE status IN ({{ in_effect | quoted }})) AS rijen,
    max(geaccepteerd) FILTER (WHERE status IN ({{ in_effect | quoted }})) AS geaccepteerd,
    max(quarantaine) FILTER (WHERE status IN ({{ in_effect | quoted }})) AS quarantaine
  FROM files GROUP BY partner_code, soort
), keys AS (
  SELECT partner_code, soort FROM expected UNION SELECT partner_code, soort FROM per_triple
), findings AS (
  -- deliveries of one partner that contradict each other: the figure is left empty
  SELECT partner_code, 'kengetallen' AS soort, opmerking AS bevindingen
  FROM staat.omgevingsdiensten WHERE jaar = $jaar AND opmerking IS NOT NULL
)
SELECT $jaar::INTEGER AS jaar, k.partner_code, k.soort,
  CASE WHEN coalesce(e.verplicht, false) THEN 'ja' ELSE 'nee' END AS verplicht,
  CASE WHEN coalesce(t.ingelezen, false) THEN 'ja' ELSE 'nee' END AS geleverd,
  CASE WHEN t.ingelezen THEN 'ingelezen'
       WHEN t.conflict THEN 'conflict'
       WHEN t.partner_code IS NOT NULL AND t.bestand IS NOT NULL THEN 'afgewezen'
       WHEN e.partner_code IS NULL THEN 'niet_gevraagd'
       ELSE 'niet_geleverd' END AS status,
  t.leverdatum, t.bestand, t.sha256,
  CASE WHEN t.ingelezen THEN t.rijen END AS rijen,
  CASE WHEN t.ingelezen THEN t.geaccepteerd END AS geaccepteerd,
  CASE WHEN t.ingelezen THEN t.quarantaine END AS quarantaine,
  coalesce(t.bestanden_ontvangen, 0) AS bestanden_ontvangen,
  t.reden, f.bevindingen
FROM keys k
LEFT JOIN expected e USING (partner_code, soort)
LEFT JOIN per_triple t USING (partner_code, soort)
LEFT JOIN findings f USING (partner_code, soort)
ORDER BY k.partner_code, k.soort
