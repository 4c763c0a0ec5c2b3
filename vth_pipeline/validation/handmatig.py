"""The hand-declared checks: reconciliation between sources and year-on-year plausibility.

Everything here says something the contract does not say row by row, so nothing here is
generated; it is all declared in this one module. Each view is a frame computed in DuckDB for
the year being built; the expectations judge it.

Reconciliation between sources (where two deliveries say the same thing):

- **kengetallen against controles** (`stg_kengetallen`, reads `stg.controles` of the year, so
  the asset must run after `stg_controles`):
  - `afstemming_inrichtingen` (WARN): the kengetal `inrichtingen_in_beheer` (the partner's
    figure by the kengetallen rule of rekenregels.md) is at least the number of distinct
    inrichtingen the partner inspected that year. Otherwise the partner's
    `controledichtheid_pct` is left empty with the reason (`PARTNER_INCONSISTENCIES`): one
    partner's inconsistency does not stop the year (rekenregels.md v1.2).
  - `afstemming_fte` (WARN): a partner that delivered controles has
    `fte_toezicht_handhaving` > 0 (else `controles_per_fte` stays empty).
  - `deel_binnen_geheel` (WARN): `vergunningbesluiten_binnen_termijn` <= `vergunningbesluiten`
    and `handhavingsbesluiten_in_stand` <= `handhavingsbesluiten_getoetst` (else the partner's
    percentage is left empty with the reason, as above).
  - `afstemming_bevoegd_gezag` (WARN): where a partner delivered a partner-wide row and rows
    per bevoegd gezag for one indicator, they agree (rekenregels: a difference is reported).
- **uitkomsten of several partners** (`stg_uitkomsten`):
  - `conflict_tussen_partners` (WARN): an (indicator, gebied) is delivered by one partner
    (two is a conflict: the value stays empty).
  - `afstemming_nl_gemeenten` (WARN): a delivered NL row is not smaller than the sum of the
    delivered gemeenten.
- **register against the reference registers** (`stg_seveso_inrichtingen`):
  `veiligheidsregio_van_gemeente` and `gemeente_in_provincie` (WARN).
- **Seveso inspections of the omgevingsdiensten against those of the NLA and the
  veiligheidsregio's** (`stg_seveso_inspecties`, per `gezamenlijke_inspectie_id`):
  - `gezamenlijk_eenduidig` (WARN): the rows of one joint inspection agree on inrichting and
    date (else an integration conflict: left out of the figures and listed in the annex).
  - `gezamenlijk_met_omgevingsdienst` (WARN): a joint inspection reported by the NLA or a
    veiligheidsregio is also reported by an omgevingsdienst.
  - `partner_eenmaal_per_inspectie` (WARN): a partner has one row per joint inspection
    (else the joint inspection is an integration conflict: not counted, listed).
  - `omgevingsdienst_volgens_register` / `veiligheidsregio_volgens_register` (WARN): the
    omgevingsdienst or veiligheidsregio that reports an inspection is the one the register
    names for that inrichting.
- **published tables**: in `handmatig_staat.py`.

Year-on-year plausibility of the staged rows (all WARN; the factor F is configurable, default
3.0): a number that grew more than F times or shrank below 1/F of last year's is reported, when
the larger of the two is at least `min_basis` (default 25; small numbers jump by chance) and
both years were delivered: controles per partner, kengetallen per partner and indicator (not
ja/nee), register rows per provincie, Seveso partner rows per partner (and, in
`handmatig_staat.py`, the national count figures).
"""

from __future__ import annotations

from vth_pipeline import environment
from vth_pipeline.contract.publication import KENGETAL_COLUMNS
from vth_pipeline.contract.statuses import IN_GEBRUIK
from vth_pipeline.sql import load_sql
from vth_pipeline.validation.model import Dataset, Toets, View, cond_gt, param

DEFAULT_FACTOR = float(environment.YEAR_ON_YEAR_FACTOR.default)
DEFAULT_MIN_BASIS = int(environment.YEAR_ON_YEAR_MIN_BASIS.default)


def factor_sql(now: str, before: str) -> str:
    """SQL: now / before, NULL when not comparable, infinite when before is 0."""
    return (
        f"CASE WHEN {before} IS NULL OR {now} IS NULL OR greatest({now}, {before}) < $min_basis "
        f"THEN NULL WHEN {before} = 0 THEN 'inf'::DOUBLE "
        f"ELSE {now}::DOUBLE / {before}::DOUBLE END"
    )


def _rows_per_partner_view(soort: str, wie: str = "partner_code") -> View:
    """Accepted rows per delivering partner, this year and last (when delivered both years)."""
    return View(
        "per_partner",
        f"Per partner die {soort} leverde: geaccepteerde rijen dit jaar en vorig jaar (alleen "
        "wanneer toen ook geleverd) en de verhouding; label: partner.",
        f"""
WITH geleverd AS (
  SELECT DISTINCT jaar, {wie} AS partner_code FROM stg.bestanden
  WHERE soort = '{soort}' AND status = '{IN_GEBRUIK}' AND jaar IN ($jaar, $vorig_jaar)
), n AS (
  SELECT jaar, {wie} AS partner_code, count(*) AS n FROM stg.{soort}
  WHERE jaar IN ($jaar, $vorig_jaar) GROUP BY ALL
), per AS (
  SELECT nu.partner_code, coalesce(a.n, 0)::DOUBLE AS rijen,
    CASE WHEN vorig.partner_code IS NOT NULL THEN coalesce(b.n, 0) END::DOUBLE AS rijen_vorig_jaar
  FROM geleverd nu
  LEFT JOIN geleverd vorig ON vorig.partner_code = nu.partner_code AND vorig.jaar = $vorig_jaar
  LEFT JOIN n a ON a.partner_code = nu.partner_code AND a.jaar = $jaar
  LEFT JOIN n b ON b.partner_code = nu.partner_code AND b.jaar = $vorig_jaar
  WHERE nu.jaar = $jaar
)
SELECT partner_code AS __index, *, {factor_sql("rijen", "rijen_vorig_jaar")} AS factor
FROM per ORDER BY partner_code
""",
    )


def year_on_year(ds: Dataset, naam: str, view: View, wat: str) -> None:
    """A WARN toets on the view's `factor` column (see `factor_sql`): used for staged and
    published tables alike, so every year-on-year check reads the same factor F."""
    t = Toets(
        naam,
        "WARN",
        f"Jaar-op-jaar: {wat} verandert niet meer dan een factor F (standaard 3) ten opzichte "
        "van vorig jaar. Een waarschuwing, geen fout.",
    )
    ds.expect(
        t,
        view,
        "expect_column_values_to_be_between",
        f"{wat}: verhouding dit jaar / vorig jaar tussen 1/F en F.",
        column="factor",
        min_value=param("factor_min"),
        max_value=param("factor_max"),
    )


def _int_kengetallen(year: str = "$jaar") -> str:
    """The kengetallen per partner as rekenregels.md defines them (`int.kengetallen`'s SQL), of
    `year`: a parameter of the model's template, not an edit of its text."""
    return load_sql("int_kengetallen", year=year)


def pair_check(
    ds: Dataset, t: Toets, v: View, a: str, b: str, text: str, equal: bool = False
) -> None:
    """`a >= b` (or `a = b`) per row of the view; rows where either is empty are not judged
    (an empty figure is reported where it is made, not twice)."""
    if equal:
        ds.expect(
            t,
            v,
            "expect_column_pair_values_to_be_equal",
            text,
            column_A=a,
            column_B=b,
            ignore_row_if="either_value_is_missing",
        )
    else:
        ds.expect(
            t,
            v,
            "expect_column_pair_values_a_to_be_greater_than_b",
            text,
            column_A=a,
            column_B=b,
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        )


def kengetal_wide() -> tuple[str, ...]:
    """The kengetallen the published figures divide by (declared with the figures)."""
    return KENGETAL_COLUMNS


def controles(ds: Dataset) -> None:
    year_on_year(
        ds, "jaar_op_jaar_controles", _rows_per_partner_view("controles"), "aantal controles"
    )


def kengetallen(ds: Dataset) -> None:
    wide = ",\n  ".join(
        f"max(k.waarde) FILTER (WHERE k.indicator = '{i}')::DOUBLE AS {i}" for i in kengetal_wide()
    )
    partners = View(
        "per_partner",
        "Per partner: de kengetallen (partnerbreed, volgens rekenregels.md) naast wat de "
        "controles van dezelfde partner zeggen; label: partner.",
        f"""
WITH k AS ({_int_kengetallen()}), c AS (
  SELECT partner_code, count(*) AS controles,
    count(DISTINCT inrichting_id) AS inrichtingen_gecontroleerd
  FROM stg.controles WHERE jaar = $jaar GROUP BY partner_code
)
SELECT k.partner_code AS __index, k.partner_code,
  coalesce(any_value(c.controles), 0)::DOUBLE AS controles,
  any_value(c.inrichtingen_gecontroleerd)::DOUBLE AS inrichtingen_gecontroleerd,
  {wide}
FROM k LEFT JOIN c USING (partner_code)
GROUP BY k.partner_code ORDER BY k.partner_code
""",
    )
    pair_check(
        ds,
        Toets(
            "afstemming_inrichtingen",
            "WARN",
            "Het kengetal inrichtingen_in_beheer is minstens het aantal verschillende "
            "inrichtingen dat de partner volgens zijn controles dat jaar controleerde "
            "(anders blijft de controledichtheid van de partner leeg, met de reden).",
        ),
        partners,
        "inrichtingen_in_beheer",
        "inrichtingen_gecontroleerd",
        "inrichtingen_in_beheer >= gecontroleerde inrichtingen (controles).",
    )
    ds.expect(
        Toets(
            "afstemming_fte",
            "WARN",
            "Een partner die controles leverde heeft meer dan 0 fte toezicht en handhaving "
            "(anders blijft controles per fte leeg).",
        ),
        partners,
        "expect_column_values_to_be_between",
        "fte_toezicht_handhaving > 0 bij partners met controles.",
        column="fte_toezicht_handhaving",
        min_value=0,
        strict_min=True,
        row_condition=cond_gt("controles", 0),
    )
    deel = Toets(
        "deel_binnen_geheel",
        "WARN",
        "Een deel is niet groter dan zijn geheel: besluiten binnen de termijn <= "
        "vergunningbesluiten, in stand gebleven <= getoetste handhavingsbesluiten (anders "
        "blijft het percentage van de partner leeg, met de reden).",
    )
    pair_check(
        ds,
        deel,
        partners,
        "vergunningbesluiten",
        "vergunningbesluiten_binnen_termijn",
        "vergunningbesluiten >= vergunningbesluiten_binnen_termijn.",
    )
    pair_check(
        ds,
        deel,
        partners,
        "handhavingsbesluiten_getoetst",
        "handhavingsbesluiten_in_stand",
        "handhavingsbesluiten_getoetst >= handhavingsbesluiten_in_stand.",
    )
    indicatoren = View(
        "per_indicator",
        "Per partner en indicator: de waarde volgens rekenregels.md, de partnerbrede rij en "
        "de som per bevoegd gezag, en de waarde van vorig jaar; label: partner/indicator.",
        f"""
WITH nu AS ({_int_kengetallen()}), vorig AS ({_int_kengetallen("$vorig_jaar")})
SELECT nu.partner_code || '/' || nu.indicator AS __index, nu.partner_code, nu.indicator,
  i.eenheid, nu.waarde::DOUBLE AS waarde, nu.waarde_partner::DOUBLE AS waarde_partner,
  nu.som_bevoegd_gezag::DOUBLE AS som_bevoegd_gezag, vorig.waarde::DOUBLE AS waarde_vorig_jaar,
  CASE WHEN i.eenheid = 'ja_nee' THEN NULL ELSE {factor_sql("nu.waarde", "vorig.waarde")} END
    AS factor
FROM nu LEFT JOIN vorig USING (partner_code, indicator)
LEFT JOIN ref.indicatoren i ON i.indicator = nu.indicator
ORDER BY nu.partner_code, nu.indicator
""",
    )
    pair_check(
        ds,
        Toets(
            "afstemming_bevoegd_gezag",
            "WARN",
            "Waar een partner een indicator zowel partnerbreed als per bevoegd gezag leverde, "
            "is de partnerbrede waarde gelijk aan de som per bevoegd gezag (de partnerbrede "
            "telt).",
        ),
        indicatoren,
        "waarde_partner",
        "som_bevoegd_gezag",
        "Partnerbrede waarde = som per bevoegd gezag.",
        equal=True,
    )
    year_on_year(ds, "jaar_op_jaar_kengetallen", indicatoren, "een kengetal van een partner")


def uitkomsten(ds: Dataset) -> None:
    gebieden = View(
        "per_gebied",
        "Per indicator en gebied: hoeveel partners het leverden; label: indicator/gebied.",
        """
SELECT indicator || '/' || gebied AS __index, indicator, gebied,
  count(DISTINCT partner_code)::DOUBLE AS partners,
  string_agg(DISTINCT partner_code, ', ' ORDER BY partner_code) AS geleverd_door
FROM stg.uitkomsten WHERE jaar = $jaar GROUP BY indicator, gebied ORDER BY 2, 3
""",
    )
    ds.expect(
        Toets(
            "conflict_tussen_partners",
            "WARN",
            "Elke (indicator, gebied) is door één partner geleverd; twee partners is een "
            "conflict en de waarde blijft leeg.",
        ),
        gebieden,
        "expect_column_values_to_be_between",
        "Eén partner per (indicator, gebied).",
        column="partners",
        max_value=1,
    )
    nl = View(
        "landelijk",
        "Per indicator met een NL-rij van één partner: die waarde en de som van de "
        "geleverde gemeenten; label: indicator.",
        """
WITH per AS (
  SELECT indicator, gebied, CASE WHEN count(DISTINCT partner_code) = 1 THEN max(waarde) END
    AS waarde
  FROM stg.uitkomsten WHERE jaar = $jaar GROUP BY indicator, gebied
)
SELECT indicator AS __index, indicator,
  max(waarde) FILTER (WHERE gebied = 'NL')::DOUBLE AS waarde_nl,
  sum(waarde) FILTER (WHERE gebied LIKE 'GM%')::DOUBLE AS som_gemeenten
FROM per GROUP BY indicator ORDER BY indicator
""",
    )
    pair_check(
        ds,
        Toets(
            "afstemming_nl_gemeenten",
            "WARN",
            "Een geleverde NL-waarde is niet kleiner dan de som van de geleverde gemeenten.",
        ),
        nl,
        "waarde_nl",
        "som_gemeenten",
        "NL >= som van de gemeenten.",
    )


def seveso_inrichtingen(ds: Dataset) -> None:
    register = View(
        "register",
        "Per registerrij: de veiligheidsregio en provincie van de gemeente volgens "
        "gemeenten.csv; label: bestand:rij.",
        """
SELECT r.bron_bestand, r.bron_rij, r.partner_code, r.inrichting_id,
  r.gemeente, r.veiligheidsregio, g.vr_code AS veiligheidsregio_van_gemeente,
  g.provincie_code AS provincie_van_gemeente
FROM stg.seveso_inrichtingen r LEFT JOIN ref.gemeenten g ON g.gm_code = r.gemeente
WHERE r.jaar = $jaar ORDER BY r.bron_bestand, r.bron_rij
""",
    )
    pair_check(
        ds,
        Toets(
            "veiligheidsregio_van_gemeente",
            "WARN",
            "De veiligheidsregio van een inrichting is die van haar gemeente (gemeenten.csv).",
        ),
        register,
        "veiligheidsregio",
        "veiligheidsregio_van_gemeente",
        "veiligheidsregio = veiligheidsregio van de gemeente.",
        equal=True,
    )
    pair_check(
        ds,
        Toets(
            "gemeente_in_provincie",
            "WARN",
            "Een provincie levert de inrichtingen in haar eigen gemeenten.",
        ),
        register,
        "partner_code",
        "provincie_van_gemeente",
        "leverende provincie = provincie van de gemeente.",
        equal=True,
    )
    year_on_year(
        ds,
        "jaar_op_jaar_register",
        _rows_per_partner_view("seveso_inrichtingen"),
        "het aantal inrichtingen in het register van een provincie",
    )


def seveso_inspecties(ds: Dataset) -> None:
    joint = View(
        "gezamenlijk",
        "Per gezamenlijke inspectie: partnerrijen, partners, inrichtingen, datums en rijen van "
        "omgevingsdiensten; label: gezamenlijke_inspectie_id.",
        """
SELECT i.gezamenlijke_inspectie_id AS __index, i.gezamenlijke_inspectie_id,
  count(*)::DOUBLE AS partnerrijen, count(DISTINCT i.partner_code)::DOUBLE AS partners,
  count(DISTINCT i.inrichting_id)::DOUBLE AS inrichtingen,
  count(DISTINCT i.datum)::DOUBLE AS datums,
  (count(*) FILTER (WHERE p.soort = 'omgevingsdienst'))::DOUBLE AS rijen_omgevingsdienst,
  string_agg(i.partner_code, ', ' ORDER BY i.partner_code) AS partnerlijst
FROM stg.seveso_inspecties i LEFT JOIN ref.partners p ON p.partner_code = i.partner_code
WHERE i.jaar = $jaar AND i.gezamenlijke_inspectie_id IS NOT NULL
GROUP BY i.gezamenlijke_inspectie_id ORDER BY 1
""",
    )
    eenduidig = Toets(
        "gezamenlijk_eenduidig",
        "WARN",
        "De rijen van één gezamenlijke inspectie noemen dezelfde inrichting en datum; anders "
        "is het een integratieconflict dat niet meetelt en in de bijlage staat.",
    )
    for col, wat in (("inrichtingen", "inrichting"), ("datums", "datum")):
        ds.expect(
            eenduidig,
            joint,
            "expect_column_values_to_be_between",
            f"Eén {wat} per gezamenlijke inspectie.",
            column=col,
            max_value=1,
        )
    ds.expect(
        Toets(
            "gezamenlijk_met_omgevingsdienst",
            "WARN",
            "Een gezamenlijke inspectie die de Arbeidsinspectie of een veiligheidsregio meldt, "
            "meldt ook een omgevingsdienst.",
        ),
        joint,
        "expect_column_values_to_be_between",
        "Minstens één rij van een omgevingsdienst per gezamenlijke inspectie.",
        column="rijen_omgevingsdienst",
        min_value=1,
    )
    pair_check(
        ds,
        Toets(
            "partner_eenmaal_per_inspectie",
            "WARN",
            "Een partner levert één rij per gezamenlijke inspectie (anders is het een "
            "integratieconflict dat niet meetelt en in de bijlage staat).",
        ),
        joint,
        "partnerrijen",
        "partners",
        "Partnerrijen = verschillende partners.",
        equal=True,
    )
    rows = View(
        "partnerrijen",
        "Per partnerrij: de omgevingsdienst en veiligheidsregio die het register voor de "
        "inrichting noemt (bij rijen van dat soort partner); label: bestand:rij.",
        """
SELECT i.bron_bestand, i.bron_rij, i.partner_code, p.soort,
  i.inrichting_id,
  CASE WHEN p.soort = 'omgevingsdienst' THEN r.omgevingsdienst END
    AS omgevingsdienst_volgens_register,
  CASE WHEN p.soort = 'veiligheidsregio' THEN r.veiligheidsregio END
    AS veiligheidsregio_volgens_register
FROM stg.seveso_inspecties i LEFT JOIN ref.partners p ON p.partner_code = i.partner_code
LEFT JOIN stg.seveso_inrichtingen r ON r.jaar = i.jaar AND r.inrichting_id = i.inrichting_id
WHERE i.jaar = $jaar ORDER BY i.bron_bestand, i.bron_rij
""",
    )
    for soort in ("omgevingsdienst", "veiligheidsregio"):
        pair_check(
            ds,
            Toets(
                f"{soort}_volgens_register",
                "WARN",
                f"De {soort} die een inspectie meldt, is de {soort} die het register voor "
                "die inrichting noemt.",
            ),
            rows,
            "partner_code",
            f"{soort}_volgens_register",
            f"Melder = {soort} volgens het register.",
            equal=True,
        )
    year_on_year(
        ds,
        "jaar_op_jaar_inspecties",
        _rows_per_partner_view("seveso_inspecties"),
        "het aantal Seveso-partnerrijen van een partner",
    )


# The hand-written toetsen of each staged dataset, beside the generated ones (the suite of a
# dataset is one Dagster asset check; docs/architecture.md, "Validation").
STAGED_TOETSEN = {
    "stg_controles": controles,
    "stg_kengetallen": kengetallen,
    "stg_uitkomsten": uitkomsten,
    "stg_seveso_inrichtingen": seveso_inrichtingen,
    "stg_seveso_inspecties": seveso_inspecties,
}
