"""The asset graph reads each model's dependencies from its SQL (`sql.reads`, sqlglot).

Two routes that share no code with the parser: small queries whose answer is worked out by
hand, and, for the real models, the `schema.table` names found in the SQL text by a regular
expression (comments stripped), with the earlier years each model reads stated by hand from
rekenregels.md.
"""

from __future__ import annotations

import json
import re
from typing import Any

import jinja2
import jinja2.meta
import pytest
from dagster import AssetKey, TimeWindowPartitionMapping

from tests.conftest import ROOT
from vth_pipeline.definitions import defs
from vth_pipeline.defs.models import TEMPLATES, model_names
from vth_pipeline.sql import SQL_DIR, _environment, fragment_values, load_sql
from vth_pipeline.sql.reads import model_kinds, model_reads, sql_reads, sql_writers, writers_of
from vth_pipeline.validation import check_reads, check_specs_for
from vth_pipeline.validation.model import TOETSEN_SQL
from vth_pipeline.validation.suites import generated

SCHEMAS = ("meta", "ref", "raw", "stg", "int", "staat")


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT * FROM staat.a WHERE jaar = $jaar", {"staat.a": 0}),
        ("SELECT * FROM staat.a WHERE jaar IN ($jaar, $jaar - 1)", {"staat.a": 1}),
        ("SELECT * FROM staat.a WHERE jaar BETWEEN $jaar - 2 AND $jaar", {"staat.a": 2}),
        ("SELECT * FROM stg.a WHERE jaar = $vorig_jaar", {"stg.a": 1}),
        # a CTE is no table; the outer query's condition reaches the CTE's table
        (
            "WITH c AS (SELECT * FROM staat.a WHERE jaar IN ($jaar, $jaar - 1)), "
            "d AS (SELECT * FROM staat.b WHERE jaar = $jaar) "
            "SELECT * FROM c JOIN d ON c.x = d.x",
            {"staat.a": 1, "staat.b": 0},
        ),
        (
            "WITH c AS (SELECT * FROM staat.a WHERE jaar = $jaar) "
            "SELECT * FROM c LEFT JOIN staat.b p ON p.jaar = $jaar - 1",
            {"staat.a": 1, "staat.b": 1},
        ),
        # correlated with a list of years: the years come from the query around it
        (
            "SELECT y.jaar, EXISTS (SELECT 1 FROM stg.r r WHERE r.jaar = y.jaar) AS ok "
            "FROM (SELECT unnest([$jaar, $jaar - 1, $jaar - 2]) AS jaar) y",
            {"stg.r": 2},
        ),
        # no condition on jaar: it may read any year the query names
        (
            "SELECT * FROM staat.a, (SELECT * FROM staat.b WHERE jaar = $jaar - 1) b",
            {"staat.a": 1, "staat.b": 1},
        ),
        ("SELECT code FROM ref.codelijsten WHERE lijst = 'x'", {"ref.codelijsten": 0}),
    ],
)
def test_the_years_a_query_reads_of_each_table(sql, expected):
    assert sql_reads(sql) == expected


def _tables_in_text(name: str) -> set[str]:
    """`schema.table` in the rendered SQL text, comments and string literals removed."""
    values = TEMPLATES.get(name)
    sample = {}
    if values:  # placeholders the warehouse fills: one made-up item is enough to render
        sample = {
            "seveso_columns": ["inrichtingen_actief"],
            "handhaving_codes": ["stilleggen"],
            "handhaving_inputs": [],
        }
    text = load_sql(name, **sample)
    text = re.sub(r"--[^\n]*", "", text)
    text = re.sub(r"'[^']*'", "''", text)
    found = re.findall(rf"\b((?:{'|'.join(SCHEMAS)})\.[a-z_]+)\b(?!\s*\()", text)
    # `alias.column` of a table aliased like a schema never happens: aliases are short
    return set(found)


@pytest.mark.parametrize("name", model_names())
def test_a_model_reads_exactly_the_tables_its_sql_names(name):
    assert set(model_reads(name)) == _tables_in_text(name)


# Stated from rekenregels.md: the comparison reads the year before of the national figures,
# their completeness, the Seveso parts and the outcomes; the outcome indicators their own
# previous year; the lower-tier Seveso figure three years of integrated inspections, and
# whether each of those years had a register and an inspections file (its availability).
EARLIER_YEARS = {
    "staat_vergelijking": {
        "staat.omgevingsdiensten": 1,
        "staat.landelijk": 1,
        "staat.datakwaliteit": 1,
        "staat.uitkomsten": 1,
        "staat.seveso": 1,
    },
    "staat_uitkomsten": {"stg.uitkomsten": 1},
    "staat_seveso": {
        "int.seveso_inspecties": 2,
        "stg.seveso_inrichtingen": 2,
        "stg.bestanden": 2,
    },
}


@pytest.mark.parametrize("name", model_names())
def test_only_the_models_of_the_rules_read_earlier_years(name):
    reads = {t: k for t, k in model_reads(name).items() if not t.startswith("ref.")}
    assert {t: k for t, k in reads.items() if k} == EARLIER_YEARS.get(name, {})


def _parents(key: str) -> dict[str, object]:
    graph = defs.resolve_asset_graph()
    node = graph.get(AssetKey(key))
    return {
        p.to_user_string(): graph.get_partition_mapping(AssetKey(key), p)
        for p in node.parent_keys
        if graph.get(p).is_partitioned
    }


def test_the_graph_takes_each_models_deps_and_windows_from_its_sql():
    graph = defs.resolve_asset_graph()
    known = {k.to_user_string() for k in graph.get_all_asset_keys()}
    for name in model_names():
        key = AssetKey(name)
        assert graph.has(key), name
        parents = {p.to_user_string() for p in graph.get(key).parent_keys}
        assert parents <= known, (name, parents - known)  # no made-up upstream asset
        for table, back in model_reads(name).items():
            for writer in writers_of(table, model_kinds(name).get(table)):
                assert writer in parents, (name, writer)
                if not table.startswith("ref."):
                    mapping = _parents(name)[writer]
                    assert isinstance(mapping, TimeWindowPartitionMapping), (name, writer)
                    assert mapping.start_offset <= -back, (name, writer, mapping)
    # the windows of the rules, as Dagster holds them
    assert _parents("staat_seveso")["int_seveso_inspecties"].start_offset == -2
    assert _parents("staat_vergelijking")["staat_landelijk"].start_offset == -1
    assert _parents("staat_uitkomsten")["stg_uitkomsten"].start_offset == -1
    assert _parents("staat_lhso")["stg_controles"].start_offset == 0


FILE_KINDS = {  # aanlevering.md: the five kinds of delivery file
    "controles",
    "kengetallen",
    "uitkomsten",
    "seveso_inrichtingen",
    "seveso_inspecties",
}


def test_a_side_table_written_by_several_assets_makes_the_writers_of_the_kinds_read_deps():
    assert {f"stg_{k}" for k in FILE_KINDS} <= set(_parents("staat_quarantaine_regels"))
    assert sql_writers(
        "SELECT * FROM stg.bestanden WHERE jaar = $jaar AND soort = 'controles'"
    ) == {"stg_controles"}
    assert sql_writers(
        "SELECT * FROM meta.inlezing WHERE soort IN ('uitkomsten', 'kengetallen')"
    ) == {"raw_uitkomsten", "raw_kengetallen"}
    assert sql_writers("SELECT * FROM stg.bestanden b JOIN stg.x USING (pad)") == {
        *(f"stg_{k}" for k in FILE_KINDS),
        "stg_x",
    }
    # staat_omgevingsdiensten reads the controles files in effect, staat_seveso the inspections
    assert model_kinds("staat_omgevingsdiensten") == {"stg.bestanden": {"controles"}}
    assert model_kinds("staat_seveso") == {"stg.bestanden": {"seveso_inspecties"}}
    assert "stg_uitkomsten" not in _parents("staat_seveso")
    # nor through the side table's own asset, which depends on the writers of every kind; a
    # model that reads all of a side table shows it in its lineage
    assert "stg_bestanden" not in _parents("staat_omgevingsdiensten")
    assert "stg_quarantaine" in _parents("staat_quarantaine_regels")
    for kind in FILE_KINDS:  # staging reads the meta.inlezing rows of its own kind
        assert "meta_inlezing" not in _parents(f"stg_{kind}"), kind


def test_a_publication_shows_every_earlier_year():
    """The trend charts and kerncijfers of 2024 show 2021: a change to 2021 reaches them."""
    mapping = _parents("publicatie_tabellen")["staat_landelijk"]
    assert mapping.start_offset <= -(2024 - 2021)
    assert _parents("publicatie_figuren")["staat_seveso"].start_offset <= -(2024 - 2021)


def test_the_series_window_reaches_every_year_and_no_further():
    """Dagster maps the newest year's series to every year there is (its own partitions, not
    the code's constant); the window is no wider than the years there are plus two to spare,
    as Dagster walks it one year at a time for every input of every step."""
    from vth_pipeline.partitions import every_earlier_year, yearly

    keys = yearly.get_partition_keys()
    newest = yearly.empty_subset().with_partition_keys([keys[-1]])
    upstream = every_earlier_year.get_upstream_mapped_partitions_result_for_partitions(
        newest, yearly, yearly
    )
    assert sorted(upstream.partitions_subset.get_partition_keys()) == keys
    assert -every_earlier_year.start_offset <= len(keys) + 2


def test_checks_name_the_other_tables_they_read_and_run_after_them():
    """Hand-read from the toetsen: kengetallen are reconciled with the controles of the year
    (afstemming_*), and the Seveso establishments per gemeente add up to the national count
    (som_is_landelijk, reading staat.seveso_locaties)."""
    assert "stg_controles" in check_reads("stg_kengetallen")
    assert "staat_seveso_locaties" in check_reads("staat_seveso")
    (spec,) = check_specs_for("staat_seveso")  # the suite's check; som_is_landelijk in it
    assert "som_is_landelijk" in spec.metadata["toetsen"].value
    assert AssetKey("staat_seveso_locaties") in {d.asset_key for d in spec.additional_deps}
    # the check runs in the asset's step, so the step must come after what it reads
    assert "staat_seveso_locaties" in _parents("staat_seveso")
    assert "stg_controles" in _parents("stg_kengetallen")
    # a side table the asset writes itself is its own rows, not a dependency
    assert not {"stg_kengetallen", "stg_uitkomsten"} & set(check_reads("stg_controles"))


def test_every_model_file_is_an_asset():
    files = {p.stem for p in SQL_DIR.glob("*.sql") if p.stem.split("_", 1)[0] in ("int", "staat")}
    graph = defs.resolve_asset_graph()
    assert files == set(model_names())
    for name in files:
        assert graph.get(AssetKey(name)).description, name


def test_a_toets_reads_int_kengetallen_of_another_year_through_a_parameter():
    """The asset renders `int_kengetallen.sql` for `$jaar`; the toets that compares a kengetal
    with last year's passes `year` (`sql/toetsen/stg_kengetallen_per_indicator.sql`) instead
    of editing the model's text, and so reads stg.kengetallen one year back."""
    asset = load_sql("int_kengetallen")
    assert "WHERE jaar = $jaar\n" in asset and "$vorig_jaar" not in asset
    assert load_sql("int_kengetallen", year="$vorig_jaar") == asset.replace("$jaar", "$vorig_jaar")
    views = {v.naam: v.sql for v in generated()["stg_kengetallen"].views}
    assert views["per_indicator"].count(asset) == 1  # this year's, verbatim
    assert sql_reads(views["per_indicator"])["stg.kengetallen"] == 1
    assert sql_reads(views["per_partner"])["stg.kengetallen"] == 0


CONFLICTS = "_partner_conflicten.sql"


def _referenced(template: str) -> set[str]:
    """The templates `template` includes or imports, read from its parsed source."""
    env = _environment()
    source = env.loader.get_source(env, template)[0]
    return set(jinja2.meta.find_referenced_templates(env.parse(source)))


def _conflicts() -> Any:
    """The macros of the one declaration of the cross-partner conflicts."""
    return _environment().get_template(CONFLICTS).module


def test_the_seveso_joint_conflict_is_declared_once_for_model_and_toets():
    """int_seveso_inspecties and the view of the gezamenlijk toetsen import one declaration:
    the model renders its conflict, the view the parts that conflict is made of."""
    view = f"{TOETSEN_SQL}/stg_seveso_inspecties_gezamenlijk"
    assert CONFLICTS in _referenced("int_seveso_inspecties.sql")
    assert CONFLICTS in _referenced(f"{view}.sql")
    c = _conflicts()
    assert str(c.seveso_conflict()) in load_sql("int_seveso_inspecties")
    parts = (c.seveso_partnerrijen, c.seveso_partners, c.seveso_inrichtingen, c.seveso_datums)
    for part in parts:
        assert str(part()) in str(c.seveso_conflict())
        assert str(part("i.")) in load_sql(view)


def test_the_uitkomsten_conflict_is_declared_once_for_model_and_toets():
    """staat_uitkomsten and the view of conflict_tussen_partners import one declaration: the
    model renders the conflict on the partner count, the view that count."""
    view = f"{TOETSEN_SQL}/stg_uitkomsten_per_gebied"
    assert CONFLICTS in _referenced("staat_uitkomsten.sql")
    assert CONFLICTS in _referenced(f"{view}.sql")
    c = _conflicts()
    model = load_sql("staat_uitkomsten")
    assert str(c.uitkomst_partners()) in model  # the count, and the conflict on it
    assert str(c.uitkomst_conflict("n_partners")) in model
    assert str(c.uitkomst_partners()) in str(c.uitkomst_conflict())
    assert str(c.uitkomst_partners()) in load_sql(view)


def test_the_limits_of_the_conflicts_are_stated_once_in_the_sql_the_toetsen_read():
    """The toetsen judge the parts of a conflict against the limits the models use: the
    expectation suites carry the values `_partner_conflicten.sql` sets, and the macros of the
    models render those values."""
    limits = fragment_values("_partner_conflicten")
    c = _conflicts()
    assert str(c.uitkomst_conflict("n")).strip() == f"n > {limits['max_partners_per_uitkomst']}"
    rendered = " ".join(str(c.seveso_conflict()).split())
    assert f"> {limits['max_inrichtingen_per_inspectie']} OR" in rendered
    stated = {}
    for name in ("stg_uitkomsten", "stg_seveso_inspecties"):
        suite = json.loads((ROOT / "expectations" / f"{name}.json").read_text(encoding="utf-8"))
        for e in suite["expectations"]:
            if e["meta"].get("toets") in ("conflict_tussen_partners", "gezamenlijk_eenduidig"):
                stated[e["kwargs"]["column"]] = e["kwargs"]["max_value"]
    assert stated == {
        "partners": limits["max_partners_per_uitkomst"],
        "inrichtingen": limits["max_inrichtingen_per_inspectie"],
        "datums": limits["max_datums_per_inspectie"],
    }
    # and handmatig.py states none of them itself
    source = (ROOT / "vth_pipeline" / "validation" / "handmatig.py").read_text(encoding="utf-8")
    assert "max_value=1" not in source.replace(" ", "")
