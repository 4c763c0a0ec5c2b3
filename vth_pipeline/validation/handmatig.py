"""The hand-declared checks: reconciliation between sources and year-on-year plausibility.

Everything here says something the contract does not say row by row, so nothing here is
generated; it is all declared in this one module. Each view is a frame computed in DuckDB for
the year being built, its SQL a file of `sql/toetsen/` (named after the dataset and the view);
the expectations judge it.

Reconciliation between sources (where two deliveries say the same thing):

- **kengetallen against controles** (`stg_kengetallen`, reads `stg.controles` of the year, so
  the asset must run after `stg_controles`):
  - `afstemming_inrichtingen` (WARN): the kengetal `inrichtingen_in_beheer` (the partner's
    figure by the kengetallen rule of rekenregels.md) is at least the number of distinct
    inrichtingen the partner inspected that year. Otherwise the partner's
    `controledichtheid_pct` is left empty with the reason: one partner's inconsistency does not
    stop the year (rekenregels.md v1.2). The rule is declared once, in
    `PARTNER_INCONSISTENCIES`, for this toets and the published row alike (as is
    `deel_binnen_geheel`).
  - `afstemming_fte` (WARN): a partner that delivered controles has
    `fte_toezicht_handhaving` > 0 (else `controles_per_fte` stays empty).
  - `deel_binnen_geheel` (WARN): `vergunningbesluiten_binnen_termijn` <= `vergunningbesluiten`
    and `handhavingsbesluiten_in_stand` <= `handhavingsbesluiten_getoetst` (else the partner's
    percentage is left empty with the reason, as above).
  - `afstemming_bevoegd_gezag` (WARN): where a partner delivered a partner-wide row and rows
    per bevoegd gezag for one indicator, they agree (rekenregels: a difference is reported).
- **uitkomsten of several partners** (`stg_uitkomsten`):
  - `conflict_tussen_partners` (WARN): an (indicator, gebied) is delivered by one partner
    (two is a conflict: the value stays empty; the partner count is the one of
    `staat_uitkomsten.sql`, both from `sql/_partner_conflicten.sql`).
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
    (else the joint inspection is an integration conflict: not counted, listed). The counts
    it and `gezamenlijk_eenduidig` judge are the parts of the conflict that
    `int_seveso_inspecties.sql` leaves out, both from `sql/_partner_conflicten.sql`.
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
from vth_pipeline.contract.publication import PARTNER_INCONSISTENCIES
from vth_pipeline.sql import fragment_values
from vth_pipeline.validation.model import Dataset, Toets, View, cond_gt, param, toets_sql

# The limits of the cross-partner conflicts, stated once in the SQL the models use.
CONFLICT_LIMITS = fragment_values("_partner_conflicten")
DEFAULT_FACTOR = float(environment.YEAR_ON_YEAR_FACTOR.default)
DEFAULT_MIN_BASIS = int(environment.YEAR_ON_YEAR_MIN_BASIS.default)


def _rows_per_partner_view(soort: str) -> View:
    """Accepted rows per delivering partner, this year and last (when delivered both years)."""
    return View(
        "per_partner",
        f"Per partner die {soort} leverde: geaccepteerde rijen dit jaar en vorig jaar (alleen "
        "wanneer toen ook geleverd) en de verhouding; label: partner.",
        toets_sql("rijen_per_partner", soort=soort),
    )


def year_on_year(ds: Dataset, naam: str, view: View, wat: str) -> None:
    """A WARN toets on the view's `factor` column (the macro of `sql/toetsen/_factor.sql`): used
    for staged and published tables alike, so every year-on-year check reads the same factor F."""
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


def inconsistency_checks(
    ds: Dataset, t: Toets, v: View, wording: dict[str, str] | None = None
) -> None:
    """Toets `t` on the view: per partner inconsistency it reports, whole >= part. The rule is
    declared once, in `PARTNER_INCONSISTENCIES`, where the published row empties the figure when
    it fails; `wording` names a column in the explanation (default: the column's name)."""
    words = wording or {}
    reported = [i for i in PARTNER_INCONSISTENCIES if i.check == t.naam]
    if not reported:
        raise ValueError(f"{t.naam}: geen PARTNER_INCONSISTENCIES met deze toets")
    for i in reported:
        explanation = f"{words.get(i.whole, i.whole)} >= {words.get(i.part, i.part)}."
        pair_check(ds, t, v, i.whole, i.part, explanation)


def _every_inconsistency_reported(ds: Dataset) -> None:
    """A declared inconsistency empties a published figure; unreported, nobody would know why."""
    unreported = sorted({i.check for i in PARTNER_INCONSISTENCIES} - {t.naam for t in ds.toetsen})
    if unreported:
        raise ValueError(f"PARTNER_INCONSISTENCIES zonder toets in {ds.naam}: {unreported}")


def controles(ds: Dataset) -> None:
    year_on_year(
        ds, "jaar_op_jaar_controles", _rows_per_partner_view("controles"), "aantal controles"
    )


def kengetallen(ds: Dataset) -> None:
    partners = View(
        "per_partner",
        "Per partner: de kengetallen (partnerbreed, volgens rekenregels.md) naast wat de "
        "controles van dezelfde partner zeggen; label: partner.",
        toets_sql("stg_kengetallen_per_partner"),
    )
    inconsistency_checks(
        ds,
        Toets(
            "afstemming_inrichtingen",
            "WARN",
            "Het kengetal inrichtingen_in_beheer is minstens het aantal verschillende "
            "inrichtingen dat de partner volgens zijn controles dat jaar controleerde "
            "(anders blijft de controledichtheid van de partner leeg, met de reden).",
        ),
        partners,
        {"inrichtingen_gecontroleerd": "gecontroleerde inrichtingen (controles)"},
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
    inconsistency_checks(
        ds,
        Toets(
            "deel_binnen_geheel",
            "WARN",
            "Een deel is niet groter dan zijn geheel: besluiten binnen de termijn <= "
            "vergunningbesluiten, in stand gebleven <= getoetste handhavingsbesluiten (anders "
            "blijft het percentage van de partner leeg, met de reden).",
        ),
        partners,
    )
    _every_inconsistency_reported(ds)
    indicatoren = View(
        "per_indicator",
        "Per partner en indicator: de waarde volgens rekenregels.md, de partnerbrede rij en "
        "de som per bevoegd gezag, en de waarde van vorig jaar; label: partner/indicator.",
        toets_sql("stg_kengetallen_per_indicator"),
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
        toets_sql("stg_uitkomsten_per_gebied"),
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
        max_value=CONFLICT_LIMITS["max_partners_per_uitkomst"],
    )
    nl = View(
        "landelijk",
        "Per indicator met een NL-rij van één partner: die waarde en de som van de "
        "geleverde gemeenten; label: indicator.",
        toets_sql("stg_uitkomsten_landelijk"),
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
        toets_sql("stg_seveso_inrichtingen_register"),
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
        toets_sql("stg_seveso_inspecties_gezamenlijk"),
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
            max_value=CONFLICT_LIMITS[f"max_{col}_per_inspectie"],
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
        toets_sql("stg_seveso_inspecties_partnerrijen"),
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
