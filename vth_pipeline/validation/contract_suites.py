"""Expectations generated from the declarations, never written by hand.

Staged datasets (`stg_<soort>`): from `contract.columns` (type -> DuckDB type, required -> not
null, conditional -> not null when / null unless, code list or register -> value set of the
year, minimum/maximum -> range, unique key -> uniqueness) and from the named rules of
`contract.rules` (datum in het jaar, bevoegd gezag geldig op de datum, inrichting in het
register, ...), whose own SQL is evaluated on the staged rows at hand-over.

Published tables (`staat_<tabel>`): from the output contract (`contract.publication`: the
published tables with their keys and columns, and every figure with its unit): a percentage is
0-100 with one decimal, a ratio has two decimals, every other figure is a count >= 0.
"""

from __future__ import annotations

import re

from vth_pipeline.contract.columns import FILE_KINDS, Column, FileKind
from vth_pipeline.contract.publication import FIGURES, table_for
from vth_pipeline.contract.rules import DOMAINS, NAMED_RULES, Rule, judges_across_partners
from vth_pipeline.ingest.raw import raw_frame_schema
from vth_pipeline.ingest.staging import PROVENANCE
from vth_pipeline.validation.model import (
    Dataset,
    Toets,
    View,
    cond_and,
    cond_eq,
    cond_in,
    cond_ne,
    cond_not_null,
    param,
    toets_sql,
)

# The DuckDB type of a staged column, by contract type (see `rules._parse_sql`).
DUCKDB_TYPES: dict[str, str] = {
    "text": "VARCHAR",
    "code": "VARCHAR",
    "date": "DATE",
    "boolean": "BOOLEAN",
    "integer": "BIGINT",
    "decimal": "DECIMAL(18,6)",
    "number": "DECIMAL(18,6)",
}
_POLARS_TO_DUCKDB = {"Int32": "INTEGER", "Int64": "BIGINT", "String": "VARCHAR"}


def value_set_sql(name: str) -> str:
    """The query of value set `name`, the codes allowed in year `$jaar`: a file of its own
    (`sql/toetsen/waarden/<name>.sql`), read by `evaluate.expectation_parameters`."""
    return toets_sql(f"waarden/{name}")


# The registers a code column can refer to (`rules.DOMAINS`), each with a value set of its own.
DOMAIN_VALUES: dict[str, str] = {name: value_set_sql(name) for name in DOMAINS}
# Further value sets used by the suites of the published tables.
OTHER_VALUES: dict[str, str] = {
    name: value_set_sql(name) for name in ("partners", "partners_nl", "provincies", "seveso_scopes")
}


def domain_param(col: Column) -> str:
    """The expectation parameter holding the allowed codes of a code column."""
    assert col.domain is not None, col.name
    if col.domain in DOMAIN_VALUES:
        return f"domein__{col.domain}"
    return f"codelijst__{col.domain}"


def code_lists_used() -> list[str]:
    return sorted(
        {
            c.domain
            for k in FILE_KINDS.values()
            for c in k.columns
            if c.type == "code" and c.domain and c.domain not in DOMAIN_VALUES
        }
    )


# ----------------------------------------------------------------------- staged datasets

SCHEMA = Toets(
    "schema",
    "ERROR",
    "De tabel heeft precies de kolommen van de aanleverspecificatie plus de herkomstkolommen, "
    "met het type dat bij elke kolom hoort.",
)
HERKOMST = Toets(
    "herkomst",
    "ERROR",
    "Elke rij draagt haar herkomst (partner, bestand, sha256, rijnummer) en hoort bij het "
    "verslagjaar dat wordt gebouwd.",
)
VERPLICHT = Toets(
    "verplicht",
    "ERROR",
    "Verplichte waarden zijn ingevuld; voorwaardelijke waarden zijn ingevuld wanneer de "
    "voorwaarde geldt en leeg wanneer die niet geldt.",
)
CODELIJSTEN = Toets(
    "codelijsten",
    "ERROR",
    "Codes komen voor in de codelijsten en registers van het verslagjaar (gemeenten die in "
    "het jaar bestaan, provincies, veiligheidsregio's, partners, indicatoren).",
)
BEREIK = Toets(
    "bereik",
    "ERROR",
    "Getallen liggen binnen het bereik van de aanleverspecificatie (aantallen >= 0, uren "
    "kleiner dan 1000).",
)


def uniek_toets(kind: FileKind) -> Toets:
    return Toets("uniek", "ERROR", f"Sleutels zijn uniek: {kind.unique_text.replace('`', '')}.")


def schema_view(table: str) -> View:
    return View(
        "schema",
        "De kolommen van de tabel met hun DuckDB-type (DESCRIBE); label: de kolomnaam.",
        toets_sql("schema", tabel=table),
    )


def stg_rows_view(kind: FileKind) -> View:
    return View(
        "rijen",
        "De geaccepteerde rijen van het verslagjaar; label: bestand:rij.",
        toets_sql("rijen", tabel=f"stg.{kind.name}"),
    )


def provenance_types() -> dict[str, str]:
    """Provenance columns of a staged table and their DuckDB types (from the raw layout)."""
    schema = raw_frame_schema(next(iter(FILE_KINDS.values())))
    names = [c.strip() for c in PROVENANCE.split(",")]
    return {n: _POLARS_TO_DUCKDB[str(schema[n])] for n in names}


def staged_rules(kind: FileKind) -> list[Rule]:
    """Named rules of a kind that can be judged on a staged row on its own.

    Rules over internal columns of the staging query (`__landelijk_dubbel`) are left out:
    what they say (national uniqueness) is the uniqueness expectation.
    """
    rules = [NAMED_RULES[r] for r in kind.extra_rules]
    return [r for r in rules if not re.search(r"\b__\w+", r.violated)]


def rule_column(rule: Rule) -> str:
    return f"regel_{rule.id}"


def rule_inputs(rule: Rule) -> list[str]:
    """The columns a rule's SQL reads (`c__v`), else its own column: shown where it breaks."""
    inputs = sorted(set(re.findall(r"\b(\w+)__v\b", rule.violated))) or [rule.kolom or ""]
    return [c for c in inputs if c]


def rules_view(kind: FileKind) -> View:
    """Each named rule's own SQL over the staged rows: NULL, or what breaks it (as text)."""
    rules = [
        {"violated": r.violated, "invoer": rule_inputs(r), "kolom": rule_column(r)}
        for r in staged_rules(kind)
    ]
    return View(
        "regels",
        "Per geaccepteerde rij: de benoemde regels van de aanleverspecificatie, met hun eigen "
        "SQL opnieuw geëvalueerd; leeg wanneer de regel geldt. Label: bestand:rij.",
        toets_sql("regels", soort=kind.name, kolommen=kind.column_names, regels=rules),
    )


_WHEN = re.compile(r"^(\w+)__v = '([^']*)'$")


def when_condition(col: Column) -> tuple[dict, dict]:
    """(required-when, must-be-empty-otherwise) row conditions from a column's SQL `when`."""
    m = _WHEN.match((col.when or "").strip())
    if not m:
        raise ValueError(
            f"kolom {col.name}: voorwaarde {col.when!r} kan niet naar een GX-voorwaarde worden "
            "vertaald; breid validation.contract_suites.when_condition uit"
        )
    c, v = m.groups()
    return cond_eq(c, v), cond_and(cond_ne(c, v), cond_not_null(c))


def stg_dataset(kind: FileKind) -> Dataset:
    ds = Dataset(f"stg_{kind.name}", f"stg.{kind.name}", kind.omschrijving)
    schema, rows = schema_view(ds.tabel), stg_rows_view(kind)
    provenance = provenance_types()
    types = provenance | {c.name: DUCKDB_TYPES[c.type] for c in kind.columns}

    ds.expect(
        SCHEMA,
        schema,
        "expect_column_distinct_values_to_equal_set",
        "Precies de herkomstkolommen en de kolommen van de aanleverspecificatie.",
        column="kolom",
        value_set=list(types),
    )
    for duck in sorted(set(types.values())):
        cols = [c for c, t in types.items() if t == duck]
        ds.expect(
            SCHEMA,
            schema,
            "expect_column_values_to_be_in_set",
            f"Kolommen van type {duck}: {', '.join(cols)}.",
            column="type",
            value_set=[duck],
            row_condition=cond_in("kolom", cols),
        )

    for c in provenance:
        if c == "jaar":
            continue
        ds.expect(
            HERKOMST,
            rows,
            "expect_column_values_to_not_be_null",
            f"`{c}` is altijd ingevuld.",
            column=c,
        )
    ds.expect(
        HERKOMST,
        rows,
        "expect_column_values_to_be_between",
        "`jaar` is het verslagjaar dat wordt gebouwd.",
        column="jaar",
        min_value=param("jaar"),
        max_value=param("jaar"),
    )

    for col in kind.columns:
        if col.required == "ja":
            ds.expect(
                VERPLICHT,
                rows,
                "expect_column_values_to_not_be_null",
                f"`{col.name}` is verplicht.",
                column=col.name,
            )
        elif col.required == "voorwaardelijk":
            when, otherwise = when_condition(col)
            ds.expect(
                VERPLICHT,
                rows,
                "expect_column_values_to_not_be_null",
                f"`{col.name}` is verplicht wanneer {col.when_text}.",
                column=col.name,
                row_condition=when,
            )
            ds.expect(
                VERPLICHT,
                rows,
                "expect_column_values_to_be_null",
                f"`{col.name}` is leeg tenzij {col.when_text}.",
                column=col.name,
                row_condition=otherwise,
            )
    for col in kind.columns:
        if col.type == "code":
            ds.expect(
                CODELIJSTEN,
                rows,
                "expect_column_values_to_be_in_set",
                f"`{col.name}`: {col.omschrijving}",
                column=col.name,
                value_set=param(domain_param(col)),
            )
    for col in kind.columns:
        if col.minimum is None and col.maximum_exclusive is None:
            continue
        bounds: dict = {}
        words = []
        if col.minimum is not None:
            bounds["min_value"] = col.minimum
            words.append(f"minstens {col.minimum:g}")
        if col.maximum_exclusive is not None:
            bounds |= {"max_value": col.maximum_exclusive, "strict_max": True}
            words.append(f"kleiner dan {col.maximum_exclusive:g}")
        ds.expect(
            BEREIK,
            rows,
            "expect_column_values_to_be_between",
            f"`{col.name}`: {' en '.join(words)}.",
            column=col.name,
            **bounds,
        )

    key = list(kind.unique_key)
    national = judges_across_partners(kind)
    if national and len(key) == 1:
        ds.expect(
            uniek_toets(kind),
            rows,
            "expect_column_values_to_be_unique",
            f"`{key[0]}` komt landelijk één keer voor.",
            column=key[0],
        )
    else:
        cols = key if national else ["partner_code", *key]
        ds.expect(
            uniek_toets(kind),
            rows,
            "expect_compound_columns_to_be_unique",
            f"({', '.join(cols)}) is uniek; een lege waarde telt als eigen waarde.",
            column_list=cols,
        )

    regels = rules_view(kind)
    for rule in staged_rules(kind):
        ds.expect(
            Toets(rule.id, "ERROR", rule.melding.split(";")[0].capitalize() + " komt niet voor."),
            regels,
            "expect_column_values_to_be_null",
            f"Regel {kind.name}.{rule.kolom}.{rule.id} van de aanleverspecificatie: "
            f"{rule.melding}.",
            column=rule_column(rule),
        )
    return ds


# ----------------------------------------------------------------------- published tables

RATIO_FIGURES = tuple(f.name for f in FIGURES.values() if f.unit == "ratio")
# Ends in _pct but is a change (can be negative or above 100), not a share: rekenregels.md,
# "the change in percent" of the outcome indicators.
NOT_A_SHARE = ("verschil_pct",)
INTEGER_TYPES = ["BIGINT", "HUGEINT", "INTEGER"]

# The published datasets (validation.PUBLISHED is their names, in this order): dataset ->
# (contract kind whose columns of the same name set codes and ranges, value set of the
# partner/area column); keys and columns come from the output contract.
PUBLISHED_CODES: dict[str, tuple[str | None, dict[str, str]]] = {
    "staat_omgevingsdiensten": (None, {"partner_code": "partners"}),
    "staat_landelijk": (None, {}),
    "staat_provincies": (None, {"provincie_code": "provincies"}),
    "staat_seveso": (None, {"scope": "seveso_scopes"}),
    "staat_interventies": ("controles", {"partner_code": "partners_nl"}),
    "staat_lhso": ("controles", {"partner_code": "partners_nl"}),
    "staat_uitkomsten": ("uitkomsten", {}),
    "staat_vergelijking": (None, {}),
    "staat_werkgebieden": (
        None,
        {"gm_code": "domein__gemeente", "provincie_code": "provincies", "partner_code": "partners"},
    ),
    "staat_seveso_locaties": (
        None,
        {"gm_code": "domein__gemeente", "partner_code": "domein__seveso_omgevingsdienst"},
    ),
}

PUB_UNIEK = Toets("uniek", "ERROR", "Elke sleutel van de tabel komt één keer voor.")
PUB_SCHEMA = Toets(
    "schema",
    "ERROR",
    "De tabel heeft de kolommen van het uitvoercontract (output_columns.csv); percentages "
    "hebben één decimaal, controles per fte twee, aantallen zijn gehele getallen.",
)
PERCENTAGES = Toets(
    "percentages",
    "ERROR",
    "Elk percentage (een figuur die eindigt op _pct) ligt tussen 0 en 100.",
)
AANTALLEN = Toets(
    "aantallen",
    "ERROR",
    "Aantallen en verhoudingen zijn niet negatief.",
)
PUB_CODES = Toets(
    "codelijsten",
    "ERROR",
    "Codes, partners en gebieden komen voor in de codelijsten en registers van het jaar.",
)


def figure_classes() -> tuple[set[str], set[str]]:
    """(counts, ratios) among the figures of the published tables."""
    counts = {f.name for f in FIGURES.values() if f.unit == "aantal"}
    return counts | {"aantal", "geleverd", "verwacht"}, set(RATIO_FIGURES)


def published_rows_view(table: str, key: tuple[str, ...]) -> View:
    return View(
        "rijen",
        f"De rijen van het verslagjaar; label: {' / '.join(key)}.",
        toets_sql("rijen", tabel=table, sleutel=key),
    )


def published_dataset(name: str) -> Dataset:
    kind_name, area = PUBLISHED_CODES[name]
    table = "staat." + name.removeprefix("staat_")
    spec = table_for(table)
    key = spec.key
    ds = Dataset(name, table, f"Gepubliceerde tabel {spec.file} ({spec.sheet}).")
    schema, rows = schema_view(table), published_rows_view(table, key)
    columns = [c for c in spec.columns if re.fullmatch(r"\w+", c)]
    counts, ratios = figure_classes()
    shares = [c for c in columns if c.endswith("_pct") and c not in NOT_A_SHARE]
    ds.expect(
        PUB_SCHEMA,
        schema,
        "expect_column_distinct_values_to_contain_set",
        "Minstens `jaar` en de kolommen van het uitvoercontract.",
        column="kolom",
        value_set=["jaar", *columns],
    )
    typed = (
        ("DECIMAL(18,1)", shares),
        ("DECIMAL(18,2)", [c for c in columns if c in ratios]),
        ("geheel getal", [c for c in columns if c in counts]),
    )
    for label, cols in typed:
        if cols:
            ds.expect(
                PUB_SCHEMA,
                schema,
                "expect_column_values_to_be_in_set",
                f"Kolommen van type {label}: {', '.join(cols)}.",
                column="type",
                value_set=INTEGER_TYPES if label == "geheel getal" else [label],
                row_condition=cond_in("kolom", cols),
            )
    if len(key) == 1:
        ds.expect(
            PUB_UNIEK,
            rows,
            "expect_column_values_to_be_unique",
            f"`{key[0]}` komt één keer voor.",
            column=key[0],
        )
    else:
        ds.expect(
            PUB_UNIEK,
            rows,
            "expect_compound_columns_to_be_unique",
            f"({', '.join(key)}) komt één keer voor.",
            column_list=list(key),
        )
    for c in shares:
        ds.expect(
            PERCENTAGES,
            rows,
            "expect_column_values_to_be_between",
            f"`{c}` ligt tussen 0 en 100 (leeg mag: noemer 0 of niet geleverd).",
            column=c,
            min_value=0,
            max_value=100,
        )
    kind = FILE_KINDS[kind_name] if kind_name else None
    for c in columns:
        base = kind.column(c) if kind and c in kind.column_names else None
        if base is None and kind and c.endswith("_vorig_jaar"):
            stem = c.removesuffix("_vorig_jaar")
            base = kind.column(stem) if stem in kind.column_names else None
        if c in counts or c in ratios or (base is not None and base.minimum is not None):
            minimum = base.minimum if base is not None and base.minimum is not None else 0
            ds.expect(
                AANTALLEN,
                rows,
                "expect_column_values_to_be_between",
                f"`{c}` is minstens {minimum:g}.",
                column=c,
                min_value=minimum,
            )
        if base is not None and base.type == "code":
            ds.expect(
                PUB_CODES,
                rows,
                "expect_column_values_to_be_in_set",
                f"`{c}`: {base.omschrijving}",
                column=c,
                value_set=param(domain_param(base)),
            )
    for c, values in area.items():
        ds.expect(
            PUB_CODES,
            rows,
            "expect_column_values_to_be_in_set",
            f"`{c}` is een bekende code ({values}).",
            column=c,
            value_set=param(values),
        )
    return ds
