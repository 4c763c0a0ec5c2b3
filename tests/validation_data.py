"""Purpose-built bad data for the expectation suites: one fault per case, injected with SQL
into a warehouse built from the sample deliveries (2022 and 2023).

Each case names the dataset, the year, the toets that must catch the fault, and the SQL that
puts the fault in. Many faults cannot pass staging (the contract quarantines them); injecting
them into the staged table stands for a staging bug or a table changed after it was staged.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Fault:
    id: str
    dataset: str
    toets: str
    sql: tuple[str, ...]
    year: int = 2023


def _first(table: str, where: str = "true", year: int = 2023) -> str:
    return f"(SELECT min(rowid) FROM {table} WHERE jaar = {year} AND {where})"


def _update(table: str, assignment: str, where: str = "true", year: int = 2023) -> str:
    return f"UPDATE {table} SET {assignment} WHERE rowid = {_first(table, where, year)}"


def _duplicate(table: str, replace: str, where: str = "true") -> str:
    return (
        f"INSERT INTO {table} SELECT * REPLACE ({replace}) FROM {table} "
        f"WHERE rowid = {_first(table, where)}"
    )


_BIGGEST = (
    "(SELECT partner_code FROM {t} WHERE jaar = 2023 {extra} GROUP BY partner_code "
    "ORDER BY count(*) DESC, partner_code LIMIT 1)"
)


def _keep_five(table: str, extra: str = "") -> str:
    who = _BIGGEST.format(t=table, extra=extra)
    return (
        f"DELETE FROM {table} WHERE jaar = 2023 AND partner_code = {who} AND rowid NOT IN "
        f"(SELECT rowid FROM {table} WHERE jaar = 2023 AND partner_code = {who} "
        "ORDER BY rowid LIMIT 5)"
    )


C, K, U = "stg.controles", "stg.kengetallen", "stg.uitkomsten"
R, S = "stg.seveso_inrichtingen", "stg.seveso_inspecties"
OD_ROW = "partner_code IN (SELECT partner_code FROM ref.partners WHERE soort = 'omgevingsdienst')"
VR_ROW = "partner_code IN (SELECT partner_code FROM ref.partners WHERE soort = 'veiligheidsregio')"
DCMR_WIDE = "partner_code = 'DCMR' AND bevoegd_gezag IS NULL AND indicator = '{}'"

FAULTS: tuple[Fault, ...] = (
    # --- stg_controles
    Fault("c_type", "stg_controles", "schema", (f"ALTER TABLE {C} ALTER uren TYPE DOUBLE",)),
    Fault("c_kolom_weg", "stg_controles", "schema", (f"ALTER TABLE {C} DROP COLUMN taakveld",)),
    Fault("c_herkomst", "stg_controles", "herkomst", (_update(C, "bron_sha256 = NULL"),)),
    Fault("c_verplicht", "stg_controles", "verplicht", (_update(C, "inrichting_id = NULL"),)),
    Fault(
        "c_lhs_niet_leeg",
        "stg_controles",
        "verplicht",
        (_update(C, "lhs_gevolg = 'A'", "resultaat = 'geen_overtreding'"),),
    ),
    Fault(
        "c_lhs_ontbreekt",
        "stg_controles",
        "verplicht",
        (_update(C, "lhs_gedrag = NULL", "resultaat = 'overtreding'"),),
    ),
    Fault("c_code", "stg_controles", "codelijsten", (_update(C, "taakveld = 'ruimtevaart'"),)),
    Fault("c_gemeente", "stg_controles", "codelijsten", (_update(C, "bevoegd_gezag = 'GM0457'"),)),
    Fault("c_uren", "stg_controles", "bereik", (_update(C, "uren = 2000"),)),
    Fault("c_dubbel", "stg_controles", "uniek", (_duplicate(C, "bron_rij + 100000 AS bron_rij"),)),
    Fault("c_datum", "stg_controles", "datum_in_jaar", (_update(C, "datum = DATE '2022-12-31'"),)),
    Fault(
        "c_geldig_op_datum",
        "stg_controles",
        "geldig_op_datum",
        (
            _update(
                C, "bevoegd_gezag = 'GM0457', datum = DATE '2022-06-01'", year=2022
            ),  # Weesp: in 2022 until 23 March
        ),
        year=2022,
    ),
    Fault("c_jaar_op_jaar", "stg_controles", "jaar_op_jaar_controles", (_keep_five(C),)),
    # --- stg_kengetallen
    Fault(
        "k_in_beheer",
        "stg_kengetallen",
        "afstemming_inrichtingen",
        (
            f"UPDATE {K} SET waarde = 1 WHERE jaar = 2023 AND "
            + DCMR_WIDE.format("inrichtingen_in_beheer"),
        ),
    ),
    Fault(
        "k_fte",
        "stg_kengetallen",
        "afstemming_fte",
        (
            f"UPDATE {K} SET waarde = 0 WHERE jaar = 2023 AND "
            + DCMR_WIDE.format("fte_toezicht_handhaving"),
        ),
    ),
    Fault(
        "k_deel_geheel",
        "stg_kengetallen",
        "deel_binnen_geheel",
        (
            f"UPDATE {K} SET waarde = waarde + 100000 WHERE jaar = 2023 AND "
            + DCMR_WIDE.format("vergunningbesluiten_binnen_termijn"),
        ),
    ),
    Fault(
        "k_bevoegd_gezag",
        "stg_kengetallen",
        "afstemming_bevoegd_gezag",
        (
            _duplicate(
                K,
                "'GM0599' AS bevoegd_gezag, waarde + 1 AS waarde, bron_rij + 100000 AS bron_rij",
                DCMR_WIDE.format("meldingen_ontvangen"),
            ),
        ),
    ),
    Fault(
        "k_eenheid",
        "stg_kengetallen",
        "eenheid",
        (_update(K, "waarde = 100.5", "indicator = 'inrichtingen_in_beheer'"),),
    ),
    Fault(
        "k_voor_partner",
        "stg_kengetallen",
        "voor_partner",
        (
            _update(
                K,
                "indicator = 'inrichtingen_in_beheer'",
                "indicator = 'handhavingsoverleg_bijeenkomsten'",
            ),
        ),
    ),
    Fault("k_negatief", "stg_kengetallen", "bereik", (_update(K, "waarde = -1"),)),
    Fault("k_code", "stg_kengetallen", "codelijsten", (_update(K, "indicator = 'onbekend'"),)),
    Fault("k_dubbel", "stg_kengetallen", "uniek", (_duplicate(K, "bron_rij + 1 AS bron_rij"),)),
    Fault(
        "k_jaar_op_jaar",
        "stg_kengetallen",
        "jaar_op_jaar_kengetallen",
        (
            f"UPDATE {K} SET waarde = waarde * 10 WHERE jaar = 2023 AND "
            + DCMR_WIDE.format("meldingen_ontvangen"),
        ),
    ),
    # --- stg_uitkomsten
    Fault(
        "u_conflict",
        "stg_uitkomsten",
        "conflict_tussen_partners",
        (_duplicate(U, "partner_code || 'X' AS partner_code, bron_rij + 100000 AS bron_rij"),),
    ),
    Fault(
        "u_nl_te_klein",
        "stg_uitkomsten",
        "afstemming_nl_gemeenten",
        (
            _duplicate(
                U,
                "'NL' AS gebied, 0 AS waarde, bron_rij + 100000 AS bron_rij",
                "gebied LIKE 'GM%' AND waarde > 0 AND indicator NOT IN (SELECT indicator FROM "
                "stg.uitkomsten WHERE jaar = 2023 AND gebied = 'NL')",
            ),
        ),
    ),
    Fault("u_gebied", "stg_uitkomsten", "codelijsten", (_update(U, "gebied = 'GM9999'"),)),
    Fault("u_negatief", "stg_uitkomsten", "bereik", (_update(U, "waarde = -3"),)),
    Fault("u_dubbel", "stg_uitkomsten", "uniek", (_duplicate(U, "bron_rij + 1 AS bron_rij"),)),
    # --- stg_seveso_inrichtingen
    Fault(
        "r_dubbel_landelijk",
        "stg_seveso_inrichtingen",
        "uniek",
        (
            _duplicate(
                R,
                "CASE WHEN partner_code = 'PV20' THEN 'PV21' ELSE 'PV20' END AS partner_code, "
                "bron_rij + 100000 AS bron_rij",
            ),
        ),
    ),
    Fault(
        "r_actief_tot",
        "stg_seveso_inrichtingen",
        "na_actief_vanaf",
        (_update(R, "actief_tot = actief_vanaf - 1"),),
    ),
    Fault(
        "r_vr",
        "stg_seveso_inrichtingen",
        "veiligheidsregio_van_gemeente",
        (
            _update(
                R,
                "veiligheidsregio = "
                "CASE WHEN veiligheidsregio = 'VR01' THEN 'VR02' ELSE 'VR01' END",
            ),
        ),
    ),
    Fault(
        "r_provincie",
        "stg_seveso_inrichtingen",
        "gemeente_in_provincie",
        (_update(R, "partner_code = CASE WHEN partner_code = 'PV20' THEN 'PV21' ELSE 'PV20' END"),),
    ),
    Fault(
        "r_drempel", "stg_seveso_inrichtingen", "codelijsten", (_update(R, "drempel = 'midden'"),)
    ),
    Fault("r_naam", "stg_seveso_inrichtingen", "verplicht", (_update(R, "naam = NULL"),)),
    Fault("r_jaar_op_jaar", "stg_seveso_inrichtingen", "jaar_op_jaar_register", (_keep_five(R),)),
    # --- stg_seveso_inspecties
    Fault(
        "s_register",
        "stg_seveso_inspecties",
        "in_register",
        (_update(S, "inrichting_id = 'S9999'"),),
    ),
    Fault(
        "s_datum",
        "stg_seveso_inspecties",
        "datum_in_jaar",
        (_update(S, "datum = DATE '2024-01-02'"),),
    ),
    Fault(
        "s_partner_twee_keer",
        "stg_seveso_inspecties",
        "partner_eenmaal_per_inspectie",
        (
            _duplicate(
                S,
                "inspectie_id || '-B' AS inspectie_id, bron_rij + 100000 AS bron_rij",
                "gezamenlijke_inspectie_id IS NOT NULL",
            ),
        ),
    ),
    Fault(
        "s_conflict",
        "stg_seveso_inspecties",
        "gezamenlijk_eenduidig",
        (
            _update(
                S,
                "datum = datum + 1",
                "gezamenlijke_inspectie_id IN (SELECT gezamenlijke_inspectie_id FROM "
                "stg.seveso_inspecties WHERE jaar = 2023 GROUP BY ALL HAVING count(*) > 1 "
                "AND count(DISTINCT datum) = 1)",
            ),
        ),
    ),
    Fault(
        "s_zonder_od",
        "stg_seveso_inspecties",
        "gezamenlijk_met_omgevingsdienst",
        (
            f"DELETE FROM {S} WHERE jaar = 2023 AND {OD_ROW} AND gezamenlijke_inspectie_id = "
            f"(SELECT min(gezamenlijke_inspectie_id) FROM {S} WHERE jaar = 2023 AND "
            "partner_code = 'NLA' AND gezamenlijke_inspectie_id IS NOT NULL)",
        ),
    ),
    Fault(
        "s_andere_od",
        "stg_seveso_inspecties",
        "omgevingsdienst_volgens_register",
        (
            _update(
                S,
                "partner_code = CASE WHEN partner_code = 'DCMR' THEN 'OMWB' ELSE 'DCMR' END",
                OD_ROW,
            ),
        ),
    ),
    Fault(
        "s_andere_vr",
        "stg_seveso_inspecties",
        "veiligheidsregio_volgens_register",
        (
            _update(
                S,
                "partner_code = CASE WHEN partner_code = 'VR01' THEN 'VR02' ELSE 'VR01' END",
                VR_ROW,
            ),
        ),
    ),
    Fault(
        "s_negatief", "stg_seveso_inspecties", "bereik", (_update(S, "overtredingen_cat1 = -1"),)
    ),
    Fault(
        "s_code", "stg_seveso_inspecties", "codelijsten", (_update(S, "handhaving = 'kielhalen'"),)
    ),
    Fault(
        "s_jaar_op_jaar",
        "stg_seveso_inspecties",
        "jaar_op_jaar_inspecties",
        (_keep_five(S, "AND partner_code = 'NLA'"),),
    ),
    # --- published tables
    Fault(
        "o_pct",
        "staat_omgevingsdiensten",
        "percentages",
        (_update("staat.omgevingsdiensten", "naleving_eerste_controle_pct = 101.0"),),
    ),
    Fault(
        "o_negatief",
        "staat_omgevingsdiensten",
        "aantallen",
        (_update("staat.omgevingsdiensten", "controles = -1"),),
    ),
    Fault(
        "o_type",
        "staat_omgevingsdiensten",
        "schema",
        ("ALTER TABLE staat.omgevingsdiensten ALTER controledichtheid_pct TYPE DOUBLE",),
    ),
    Fault(
        "o_dubbel",
        "staat_omgevingsdiensten",
        "uniek",
        (
            "INSERT INTO staat.omgevingsdiensten SELECT * FROM staat.omgevingsdiensten WHERE "
            f"rowid = {_first('staat.omgevingsdiensten')}",
        ),
    ),
    Fault(
        "o_partner",
        "staat_omgevingsdiensten",
        "codelijsten",
        (_update("staat.omgevingsdiensten", "partner_code = 'XX'"),),
    ),
    Fault(
        "l_volledig",
        "staat_landelijk",
        "volledigheid",
        (_update("staat.landelijk", "geleverd = verwacht + 1", "figuur = 'controles'"),),
    ),
    Fault(
        "l_pct",
        "staat_landelijk",
        "percentages",
        (
            _update(
                "staat.landelijk", "waarde = '150.0'", "figuur = 'naleving_eerste_controle_pct'"
            ),
        ),
    ),
    Fault(
        "l_negatief",
        "staat_landelijk",
        "aantallen",
        (_update("staat.landelijk", "waarde = '-4'", "figuur = 'controles'"),),
    ),
    Fault(
        "l_jaar_op_jaar",
        "staat_landelijk",
        "jaar_op_jaar_landelijk",
        (
            _update(
                "staat.landelijk", "waarde = (waarde::BIGINT * 10)::VARCHAR", "figuur = 'controles'"
            ),
        ),
    ),
    Fault(
        "p_provincie_weg",
        "staat_provincies",
        "alle_provincies",
        (f"DELETE FROM staat.provincies WHERE rowid = {_first('staat.provincies')}",),
    ),
    Fault(
        "v_scope_weg",
        "staat_seveso",
        "alle_scopes",
        ("DELETE FROM staat.seveso WHERE jaar = 2023 AND scope = 'laag'",),
    ),
    Fault(
        "v_pct",
        "staat_seveso",
        "percentages",
        (_update("staat.seveso", "geinspecteerd_pct = 120", "scope = 'NL'"),),
    ),
    Fault(
        "i_nl",
        "staat_interventies",
        "nl_is_som",
        (_update("staat.interventies", "aantal = aantal + 1", "partner_code = 'NL'"),),
    ),
    Fault(
        "i_code",
        "staat_interventies",
        "codelijsten",
        (_update("staat.interventies", "interventie = 'kielhalen'"),),
    ),
    Fault(
        "m_nl",
        "staat_lhso",
        "nl_is_som",
        (_update("staat.lhso", "aantal = aantal + 1", "partner_code = 'NL'"),),
    ),
    Fault("m_code", "staat_lhso", "codelijsten", (_update("staat.lhso", "lhs_gevolg = 'E'"),)),
    Fault(
        "g_onbekend_figuur",
        "staat_vergelijking",
        "figuren",
        (_update("staat.vergelijking", "figuur = 'toezichtsgeluk'"),),
    ),
    Fault(
        "g_kern_te_groot",
        "staat_vergelijking",
        "kern",
        (
            _update(
                "staat.vergelijking",
                "partners_beide = partners_dit_jaar + 1",
                "partners_dit_jaar IS NOT NULL",
            ),
        ),
    ),
    Fault(
        "w_deel_groter",
        "staat_werkgebieden",
        "deel_van_controles",
        (
            _update(
                "staat.werkgebieden",
                "controles_partner = controles + 1",
                "controles_partner IS NOT NULL",
            ),
        ),
    ),
    Fault(
        "s_som",
        "staat_seveso",
        "som_is_landelijk",
        (_update("staat.seveso_locaties", "inrichtingen_actief = inrichtingen_actief + 1"),),
    ),
    Fault(
        "x_negatief",
        "staat_uitkomsten",
        "aantallen",
        (_update("staat.uitkomsten", "waarde = -5"),),
    ),
    Fault(
        "x_dubbel",
        "staat_uitkomsten",
        "uniek",
        (
            "INSERT INTO staat.uitkomsten SELECT * FROM staat.uitkomsten WHERE "
            f"rowid = {_first('staat.uitkomsten')}",
        ),
    ),
)


def _generic(dataset: str, toets: str) -> Fault | None:
    """A fault built from the first plain expectation of a generated toets on the rows view."""
    from vth_pipeline.validation.suites import generated

    ds = generated()[dataset]
    table = ds.tabel
    exps = [e for e in ds.verwachtingen if e["meta"]["toets"] == toets]
    provenance = table.startswith("stg.")
    for e in exps:
        kw, kind = e["kwargs"], e["type"]
        if "row_condition" in kw:
            continue
        if e["meta"]["view"] == "schema" and "value_set" in kw and kw.get("column") == "kolom":
            col = kw["value_set"][-1]
            return Fault(
                f"{dataset}-{toets}", dataset, toets, (f"ALTER TABLE {table} DROP COLUMN {col}",)
            )
        if e["meta"]["view"] != "rijen":
            continue
        col = kw.get("column")
        if kind == "expect_column_values_to_not_be_null":
            sql = _update(table, f"{col} = NULL")
        elif kind == "expect_column_values_to_be_in_set":
            sql = _update(table, f"{col} = 'ONBEKEND'")
        elif kind == "expect_column_values_to_be_between" and "max_value" in kw:
            if isinstance(kw["max_value"], dict):
                sql = _update(table, f"{col} = {col} + 1")
            else:
                sql = _update(table, f"{col} = {kw['max_value'] + 1}")
        elif kind == "expect_column_values_to_be_between":
            sql = _update(table, f"{col} = {kw['min_value'] - 1}")
        elif kind in ("expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique"):
            replace = "bron_rij + 100000 AS bron_rij" if provenance else None
            sql = (
                _duplicate(table, replace)
                if replace
                else f"INSERT INTO {table} SELECT * FROM {table} WHERE rowid = {_first(table)}"
            )
        else:
            continue
        return Fault(f"{dataset}-{toets}", dataset, toets, (sql,))
    return None


def generic_faults(explicit: tuple[Fault, ...] = FAULTS) -> tuple[Fault, ...]:
    """A generic fault for every generated toets that has no purpose-built one above."""
    from vth_pipeline.validation.suites import DATASETS, generated

    covered = {(f.dataset, f.toets) for f in explicit}
    out = []
    for name in DATASETS:
        for t in generated()[name].toetsen:
            if (name, t.naam) not in covered:
                fault = _generic(name, t.naam)
                if fault is not None:
                    out.append(fault)
    return tuple(out)


ALL_FAULTS = FAULTS + generic_faults()
