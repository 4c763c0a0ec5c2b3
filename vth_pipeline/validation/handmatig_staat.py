"""The hand-declared checks of the published tables: what the output contract does not say
column by column.

- all 12 provincies and all nine Seveso scopes present (ERROR);
- the national row of interventies and LHSO equal to the sum over the partners (ERROR);
- `geleverd <= verwacht` for the completeness of each national figure (ERROR), and the
  national count figures year on year (WARN, as the staged rows in `handmatig.py`);
- the comparison between years: only national figures, and the vergelijkbare kern no larger
  than the partners of either year (ERROR);
- the werkgebieden: gemeenten of the year, known partners, and the controles of the leading
  omgevingsdienst a part of the gemeente's controles (ERROR);
- the Seveso figures: the national `inrichtingen_actief` equals the establishments of
  `seveso_locaties.csv` added up over the gemeenten (ERROR; a check of `staat_seveso`, which
  therefore runs after `staat_seveso_locaties`: a delivery read by the three-year window does
  not make the map's table stale).
"""

from __future__ import annotations

from vth_pipeline.validation.contract_suites import AANTALLEN, PERCENTAGES, RATIO_FIGURES
from vth_pipeline.validation.handmatig import pair_check, year_on_year
from vth_pipeline.validation.model import Dataset, Toets, View, param, toets_sql


def _rows_view(ds: Dataset) -> View:
    return next(v for v in ds.views if v.naam == "rijen")


def staat_provincies(ds: Dataset) -> None:
    ds.expect(
        Toets("alle_provincies", "ERROR", "Alle 12 provincies hebben een rij."),
        _rows_view(ds),
        "expect_column_distinct_values_to_equal_set",
        "Precies de provincies van provincies.csv.",
        column="provincie_code",
        value_set=param("provincies"),
    )


def staat_seveso(ds: Dataset) -> None:
    ds.expect(
        Toets(
            "alle_scopes",
            "ERROR",
            "Alle negen scopes hebben een rij: NL, hoog, laag en elke Seveso-omgevingsdienst.",
        ),
        _rows_view(ds),
        "expect_column_distinct_values_to_equal_set",
        "Precies NL, de drempels en de Seveso-omgevingsdiensten.",
        column="scope",
        value_set=param("seveso_scopes"),
    )
    _seveso_locaties_add_up(ds)


def _seveso_locaties_add_up(ds: Dataset) -> None:
    totals = View(
        "totaal",
        "Het landelijke aantal actieve inrichtingen en de inrichtingen van alle gemeenten "
        "samen (seveso_locaties.csv); label: jaar.",
        toets_sql("staat_seveso_totaal"),
    )
    pair_check(
        ds,
        Toets(
            "som_is_landelijk",
            "ERROR",
            "De inrichtingen per gemeente tellen op tot het landelijke aantal actieve "
            "Seveso-inrichtingen.",
        ),
        totals,
        "som_gemeenten",
        "landelijk",
        "som over de gemeenten = landelijk.",
        equal=True,
    )


def staat_landelijk(ds: Dataset) -> None:
    figuren = View(
        "figuren",
        "Per landelijk figuur: de waarde als getal (percentage of aantal), de volledigheid en "
        "de verhouding tot vorig jaar; label: figuur.",
        toets_sql("staat_landelijk_figuren", ratio_figures=RATIO_FIGURES),
    )
    ds.expect(
        PERCENTAGES,
        figuren,
        "expect_column_values_to_be_between",
        "Landelijke percentages liggen tussen 0 en 100.",
        column="waarde_pct",
        min_value=0,
        max_value=100,
    )
    ds.expect(
        AANTALLEN,
        figuren,
        "expect_column_values_to_be_between",
        "Landelijke aantallen zijn niet negatief.",
        column="waarde_aantal",
        min_value=0,
    )
    pair_check(
        ds,
        Toets(
            "volledigheid",
            "ERROR",
            "Bij elk landelijk figuur leverden niet meer partners dan er moesten leveren.",
        ),
        figuren,
        "verwacht",
        "geleverd",
        "verwacht >= geleverd.",
    )
    year_on_year(ds, "jaar_op_jaar_landelijk", figuren, "een landelijk aantal")


def _nl_is_sum(ds: Dataset, keys: tuple[str, ...]) -> None:
    view = View(
        "nl_en_partners",
        f"Per {', '.join(keys)}: de NL-rij en de som over de partners; label: {'/'.join(keys)}.",
        toets_sql("nl_en_partners", tabel=ds.tabel, sleutel=keys),
    )
    pair_check(
        ds,
        Toets("nl_is_som", "ERROR", "De landelijke rij (NL) is de som over de partners."),
        view,
        "nl",
        "som_partners",
        "NL = som over de partners.",
        equal=True,
    )


def staat_interventies(ds: Dataset) -> None:
    _nl_is_sum(ds, ("interventie",))


def staat_lhso(ds: Dataset) -> None:
    _nl_is_sum(ds, ("lhs_gevolg", "lhs_gedrag"))


def staat_vergelijking(ds: Dataset) -> None:
    rows = _rows_view(ds)
    known = View(
        "figuren",
        "Per vergeleken cijfer: of het een cijfer van landelijk.csv van het jaar of een "
        "uitkomstindicator is; label: figuur.",
        toets_sql("staat_vergelijking_figuren"),
    )
    ds.expect(
        Toets("figuren", "ERROR", "Elke vergelijking gaat over een landelijk cijfer."),
        known,
        "expect_column_values_to_be_in_set",
        "`figuur` is een cijfer van landelijk.csv of een uitkomstindicator.",
        column="bekend",
        value_set=[True],
    )
    kern = Toets(
        "kern",
        "ERROR",
        "De vergelijkbare kern telt niet meer partners dan er in elk van de twee jaren leverden.",
    )
    for year in ("partners_vorig_jaar", "partners_dit_jaar"):
        pair_check(ds, kern, rows, year, "partners_beide", f"partners_beide <= {year}.")


def staat_werkgebieden(ds: Dataset) -> None:
    pair_check(
        ds,
        Toets(
            "deel_van_controles",
            "ERROR",
            "De controles van de omgevingsdienst van het werkgebied zijn een deel van alle "
            "controles met die gemeente als bevoegd gezag.",
        ),
        _rows_view(ds),
        "controles",
        "controles_partner",
        "controles >= controles_partner.",
    )


STAAT_TOETSEN = {
    "staat_provincies": staat_provincies,
    "staat_seveso": staat_seveso,
    "staat_landelijk": staat_landelijk,
    "staat_interventies": staat_interventies,
    "staat_lhso": staat_lhso,
    "staat_vergelijking": staat_vergelijking,
    "staat_werkgebieden": staat_werkgebieden,
}
